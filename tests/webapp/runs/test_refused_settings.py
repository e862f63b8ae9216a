"""Job settings that used to be accepted and then fail the job, or be silently ignored, are refused up front."""

from typing import Any
from unittest import mock

import pytest
from rest_framework.test import APIClient

from webapp.datasets.models import DatasetVersion
from webapp.runs.models import Run

pytestmark = pytest.mark.usefixtures("redis")


def _create(client: APIClient, version: DatasetVersion, **settings: Any) -> Any:
    body = {"dataset_version": version.pk, "model": "mini_resemotenet_c", "epochs": 1, **settings}
    return client.post("/api/runs/create/", body, format="json")


@pytest.mark.parametrize(
    ("settings", "field", "message"),
    [
        ({"batch_size": 1}, "batch_size", "Batch size must be between 2 and 4,096; you entered 1."),
        ({"seed": 2**70}, "seed", "Seed must be between 0 and 4,294,967,295"),
        ({"time_limit_min": 1e308}, "time_limit_min", "between 0 and 10,080 minutes"),
        ({"alpha": 0.7}, "alpha", "applies only to a distillation"),
        ({"temperature": 4, "teacher": None}, "temperature", "applies only to a distillation"),
    ],
)
def test_it_refuses_settings_that_would_fail_or_be_ignored(
    alice_api: APIClient, version: DatasetVersion, enqueue: mock.Mock, settings: dict[str, Any], field: str,
    message: str,
) -> None:  # fmt: skip
    response = _create(alice_api, version, **settings)
    assert response.status_code == 400
    assert message in response.json()[field][0]
    assert not Run.objects.exists()


@pytest.mark.parametrize("field", ["team", "dataset_version", "teacher"])
def test_it_refuses_ids_too_large_for_the_database(alice_api: APIClient, version: DatasetVersion, field: str) -> None:
    response = _create(alice_api, version, **{field: 2**64})
    assert response.status_code == 400
    assert field in response.json()
