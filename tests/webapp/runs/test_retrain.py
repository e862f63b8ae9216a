"""Train on it: a job's exact settings on another version (`run_retrain`, `POST /api/runs/<id>/retrain/`)."""

from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from tests.dataset_factories import DatasetFactory, version_with_faces
from tests.run_factories import TeacherRunFactory, finished_run_create
from webapp.accounts.models import Team, User
from webapp.datasets.models import DatasetVersion
from webapp.datasets.services import dataset_version_create_from
from webapp.runs import services
from webapp.runs.models import Run
from webapp.system.models import WorkerHeartbeat

pytestmark = pytest.mark.usefixtures("redis")


@pytest.fixture
def next_version(version: DatasetVersion) -> DatasetVersion:
    first = version.items.order_by("name").first()
    assert first is not None
    return dataset_version_create_from(parent=version, changes={first.pk: 6}, user=None)


def test_it_queues_the_same_settings_and_teacher_on_the_new_version_after_commit(
    alice: User, team: Team, version: DatasetVersion, next_version: DatasetVersion, cpu_worker: WorkerHeartbeat,
    enqueue: mock.Mock, django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    teacher = TeacherRunFactory(team=team, dataset_version=version)
    earlier = finished_run_create(team=team, dataset_version=version, teacher=teacher, accuracy=0.6, epochs=3)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_retrain(run=earlier, dataset_version=next_version, user=alice)
    assert (run.dataset_version, run.teacher, run.status, run.created_by) == (next_version, teacher, "queued", alice)
    assert run.retry_of is None
    assert {**run.config, "log_every": None} == {**earlier.config, "log_every": None}
    enqueue.assert_called_once_with(run_id=run.pk, queue="cpu")  # the earlier job asked for the CPU


def test_it_refuses_another_teams_version_as_run_create_does(
    alice: User, team: Team, other_team: Team, version: DatasetVersion, enqueue: mock.Mock
) -> None:
    earlier = finished_run_create(team=team, dataset_version=version, accuracy=0.6)
    theirs = version_with_faces(DatasetFactory(team=other_team))
    with pytest.raises(ValidationError) as refused:
        services.run_retrain(run=earlier, dataset_version=theirs, user=alice)
    assert refused.value.message_dict == {"dataset_version": ["That dataset version belongs to another team."]}
    assert Run.objects.count() == 1
    enqueue.assert_not_called()


def test_it_retrains_through_the_api(
    alice_api: APIClient, team: Team, version: DatasetVersion, next_version: DatasetVersion,
    cpu_worker: WorkerHeartbeat, enqueue: mock.Mock,
) -> None:  # fmt: skip
    earlier = finished_run_create(team=team, dataset_version=version, accuracy=0.6)
    response = alice_api.post(f"/api/runs/{earlier.pk}/retrain/", {"dataset_version": next_version.pk}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["dataset_version"], body["model"], body["queue"]) == (next_version.pk, earlier.model_name, "cpu")
    assert body["config"]["epochs"] == earlier.config["epochs"]


def test_it_answers_400_for_a_version_outside_your_teams_and_404_for_their_job(
    alice_api: APIClient, charlie_api: APIClient, team: Team, other_team: Team, version: DatasetVersion,
    enqueue: mock.Mock,
) -> None:  # fmt: skip
    earlier = finished_run_create(team=team, dataset_version=version, accuracy=0.6)
    theirs = version_with_faces(DatasetFactory(team=other_team))
    refused = alice_api.post(f"/api/runs/{earlier.pk}/retrain/", {"dataset_version": theirs.pk}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {"dataset_version": [f"Nothing with id {theirs.pk} in your teams."]}
    hidden = charlie_api.post(f"/api/runs/{earlier.pk}/retrain/", {"dataset_version": theirs.pk}, format="json")
    assert hidden.status_code == 404
    assert Run.objects.count() == 1
