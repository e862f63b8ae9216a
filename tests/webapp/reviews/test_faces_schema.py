"""The faces to review and the audit as the schema says: pages of `Face` and `Event` entries, and `?item=` refused
when it is not an id (it was ignored, so a typo showed every face's history)."""

from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from tests.run_factories import TeacherRunFactory
from webapp.accounts.models import Team
from webapp.datasets.models import DatasetVersion, Split
from webapp.reviews.models import LabelScoring
from webapp.runs.models import RunPrediction


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _fields(schema: dict[str, Any], component: str) -> tuple[set[str], set[str]]:
    """The required and the named properties of a component."""
    properties = schema["components"]["schemas"][component]
    return set(properties.get("required", [])), set(properties["properties"])


def test_every_kind_of_face_entry_has_the_fields_the_schema_names(
    alice_api: APIClient, schema: dict[str, Any], team: Team, version: DatasetVersion, scoring: LabelScoring
) -> None:
    run = TeacherRunFactory(team=team, dataset_version=version)
    item = version.items.filter(split=Split.TEST).first()
    assert item is not None
    RunPrediction.objects.create(
        run=run, item=item, split=Split.TEST, label=item.label, predicted=1, confidence=0.5, probs=[0.5, 0.5] + [0] * 5
    )
    required, named = _fields(schema, "Face")
    url = f"/api/reviews/versions/{version.pk}/faces/"
    for query in ({"scoring": scoring.pk}, {"run": run.pk}, {}):
        page = alice_api.get(url, query).json()
        assert page["results"], query
        for entry in page["results"]:
            assert required <= set(entry) <= named, (query, set(entry) ^ named)


def test_the_audit_pages_one_faces_history_and_refuses_a_bad_item(
    alice_api: APIClient, version: DatasetVersion
) -> None:
    url = f"/api/reviews/versions/{version.pk}/audit/"
    item = version.items.first()
    assert item is not None
    page = alice_api.get(url, {"item": item.pk, "limit": 5}).json()
    assert (page["count"], page["results"]) == (0, [])
    for bad in ("null", "²", "0", str(2**63)):
        response = alice_api.get(url, {"item": bad})
        assert response.status_code == 400, bad
        assert "item" in response.json()
