"""The jobs API: create (validated by kdcore), cancel, retry, queue positions, downloads, and team isolation."""

from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.dataset_factories import DatasetFactory, version_with_faces
from tests.run_factories import RunFactory, TeacherRunFactory
from webapp.accounts.models import Team, User
from webapp.datasets.models import DatasetVersion
from webapp.runs.models import Run
from webapp.runs.serializers import RunDetailSerializer
from webapp.system.models import WorkerHeartbeat

pytestmark = pytest.mark.usefixtures("redis")

TINY = {"model": "mini_resemotenet", "width_mult": 0.0625, "epochs": 1, "batch_size": 16}


def _create(client: APIClient, version: DatasetVersion, **settings: Any) -> Any:
    return client.post("/api/runs/create/", {"dataset_version": version.pk, **TINY, **settings}, format="json")


def test_it_queues_a_distillation_on_the_gpu_queue_after_commit(
    alice_api: APIClient, team: Team, version: DatasetVersion, gpu_worker: WorkerHeartbeat,
    enqueue: mock.Mock, django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    teacher = TeacherRunFactory(team=team)
    with django_capture_on_commit_callbacks(execute=True):
        response = _create(alice_api, version, teacher=teacher.pk, temperature=2.0, alpha=0.5)
    assert response.status_code == 201, response.json()
    run = Run.objects.get(pk=response.json()["id"])
    assert (run.team, run.teacher, run.status, run.queue) == (team, teacher, Run.Status.QUEUED, Run.Queue.GPU)
    assert run.config["distill"] == {**run.config["distill"], "temperature": 2.0, "alpha": 0.5}
    assert run.config["distill"]["teacher_checkpoints"] == [teacher.checkpoint_path]
    assert response.json()["queue_position"] == 1
    assert response.json()["runs_on_cpu"] is False
    enqueue.assert_called_once_with(run_id=run.pk, queue="gpu")


def test_it_falls_back_to_the_cpu_queue_without_a_gpu_worker(
    alice_api: APIClient, version: DatasetVersion, cpu_worker: WorkerHeartbeat, enqueue: mock.Mock
) -> None:
    response = _create(alice_api, version, device="auto")
    assert response.status_code == 201
    assert (response.json()["queue"], response.json()["runs_on_cpu"]) == ("cpu", True)
    assert response.json()["config"]["log_every"] == 1


def test_it_offers_the_built_in_models_input_size_and_no_other(
    alice_api: APIClient, version: DatasetVersion, cpu_worker: WorkerHeartbeat, enqueue: mock.Mock
) -> None:
    response = _create(alice_api, version, input_size=160)
    assert response.status_code == 201, response.json()
    assert response.json()["config"]["input_size"] == 160
    assert _create(alice_api, version, input_size=192).json() == {"input_size": ['"192" is not a valid choice.']}


def test_it_refuses_invalid_settings_with_a_message_per_field(
    alice_api: APIClient, team: Team, version: DatasetVersion, enqueue: mock.Mock
) -> None:
    teacher = TeacherRunFactory(team=team)
    response = _create(alice_api, version, teacher=teacher.pk, alpha=1.5, temperature=0.1, epochs=0)
    assert response.status_code == 400
    assert response.json() == {
        "alpha": ["α must be between 0 and 1; you entered 1.5."],
        "temperature": ["Temperature T must be between 0.5 and 20; you entered 0.1."],
        "epochs": ["Epochs must be between 1 and 1,000; you entered 0."],
    }
    assert Run.objects.filter(teacher=teacher).count() == 0
    enqueue.assert_not_called()


def test_it_refuses_another_teams_dataset_version_and_teacher(
    alice_api: APIClient, version: DatasetVersion, other_team: Team, enqueue: mock.Mock
) -> None:
    theirs = version_with_faces(DatasetFactory(team=other_team))
    assert _create(alice_api, theirs).json() == {"dataset_version": [f"Nothing with id {theirs.pk} in your teams."]}
    teacher = TeacherRunFactory(team=other_team)
    assert _create(alice_api, version, teacher=teacher.pk).json() == {
        "teacher": [f"Nothing with id {teacher.pk} in your teams."]
    }


def test_it_refuses_a_teacher_without_a_finished_checkpoint(
    alice_api: APIClient, team: Team, version: DatasetVersion, enqueue: mock.Mock
) -> None:
    unfinished = RunFactory(team=team, status=Run.Status.FAILED)
    response = _create(alice_api, version, teacher=unfinished.pk)
    assert response.status_code == 400
    assert response.json() == {"teacher": [f"Job #{unfinished.pk} has no finished checkpoint to distil from."]}


def test_it_hides_another_teams_jobs(charlie_api: APIClient, alice_api: APIClient, team: Team) -> None:
    run = RunFactory(team=team)
    for path in ("", "cancel/", "retry/", "checkpoint/", "onnx/"):
        method = charlie_api.post if path in ("cancel/", "retry/") else charlie_api.get
        assert method(f"/api/runs/{run.pk}/{path}").status_code == 404, path
    assert charlie_api.get("/api/runs/").json()["results"] == []
    assert charlie_api.get(f"/api/runs/compare/?ids={run.pk}").json() == []
    assert [item["id"] for item in alice_api.get("/api/runs/").json()["results"]] == [run.pk]


def test_it_cancels_a_queued_job_at_once(alice_api: APIClient, team: Team) -> None:
    run = RunFactory(team=team)
    response = alice_api.post(f"/api/runs/{run.pk}/cancel/")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["status_message"] == "Cancelled by alice@example.com before it started."


def test_it_asks_a_running_job_to_stop(alice_api: APIClient, team: Team) -> None:
    now = timezone.now()
    run = RunFactory(team=team, status=Run.Status.RUNNING, started_at=now, heartbeat_at=now, worker_hostname="w@box")
    body = alice_api.post(f"/api/runs/{run.pk}/cancel/").json()
    assert (body["status"], body["cancel_requested"]) == ("running", True)


def test_it_refuses_to_cancel_a_finished_job(alice_api: APIClient, team: Team) -> None:
    run = TeacherRunFactory(team=team)
    response = alice_api.post(f"/api/runs/{run.pk}/cancel/")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [f"Job #{run.pk} already succeeded: nothing to cancel."]}


def test_it_retries_a_failed_job_as_a_new_one_with_the_same_config(
    alice_api: APIClient, bob: User, team: Team, enqueue: mock.Mock, django_capture_on_commit_callbacks: Any
) -> None:
    teacher = TeacherRunFactory(team=team)
    failed = RunFactory(team=team, teacher=teacher, status=Run.Status.FAILED, status_message="worker gone")
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_api.post(f"/api/runs/{failed.pk}/retry/")
    assert response.status_code == 201
    clone = Run.objects.get(pk=response.json()["id"])
    assert (clone.retry_of, clone.teacher, clone.dataset_version) == (failed, teacher, failed.dataset_version)
    assert (clone.status, clone.config) == (Run.Status.QUEUED, failed.config)
    enqueue.assert_called_once_with(run_id=clone.pk, queue=clone.queue)


def test_it_refuses_to_retry_an_active_job(alice_api: APIClient, team: Team) -> None:
    run = RunFactory(team=team)
    assert alice_api.post(f"/api/runs/{run.pk}/retry/").status_code == 400


def test_it_numbers_each_queued_job_by_its_place_among_its_teams_jobs_in_its_queue(
    alice_api: APIClient, team: Team, other_team: Team
) -> None:
    first = RunFactory(team=team, queue=Run.Queue.GPU)
    RunFactory(team=other_team, queue=Run.Queue.GPU)  # another team's job is not counted: its activity is its own
    third = RunFactory(team=team, queue=Run.Queue.GPU)
    cpu = RunFactory(team=team, queue=Run.Queue.CPU)
    now = timezone.now()
    running = RunFactory(team=team, status=Run.Status.RUNNING, started_at=now, heartbeat_at=now, worker_hostname="w")
    positions = {item["id"]: item["queue_position"] for item in alice_api.get("/api/runs/").json()["results"]}
    assert positions == {first.pk: 1, third.pk: 2, cpu.pk: 1, running.pk: None}
    queue = [item["id"] for item in alice_api.get("/api/runs/queue/").json()]
    assert queue == [running.pk, first.pk, cpu.pk, third.pk]
    assert alice_api.get(f"/api/runs/{third.pk}/").json()["queue_position"] == 2


def test_it_never_changes_a_job_when_it_is_read(alice_api: APIClient, team: Team) -> None:
    """Reads never write: a stalled job is failed by the reaper loop (`manage.py reap`), not by a GET."""
    quiet = timezone.now() - timedelta(minutes=5)
    run = RunFactory(
        team=team, status=Run.Status.RUNNING, started_at=quiet, heartbeat_at=quiet, worker_hostname="w@gone"
    )
    assert alice_api.get(f"/api/runs/{run.pk}/").json()["status"] == "running"
    assert alice_api.get("/api/runs/").json()["results"][0]["status"] == "running"
    run.refresh_from_db()
    assert run.status == Run.Status.RUNNING


def test_it_downloads_the_checkpoint_and_onnx_export(alice_api: APIClient, team: Team, media: Path) -> None:
    run = TeacherRunFactory(team=team, checkpoint_path="runs/5/best.pt", onnx_path="runs/5/model.onnx")
    (media / "runs/5").mkdir(parents=True)
    (media / "runs/5/best.pt").write_bytes(b"weights")
    response = alice_api.get(f"/api/runs/{run.pk}/checkpoint/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"weights"
    assert f"job-{run.pk}-mini_resemotenet.pt" in response["Content-Disposition"]
    assert alice_api.get(f"/api/runs/{run.pk}/onnx/").status_code == 404  # recorded, but gone from the disk


def test_it_lists_models_and_compares_jobs_in_the_order_asked(alice_api: APIClient, team: Team) -> None:
    first, second = TeacherRunFactory(team=team, parameters=1000, latency_ms=0.5), TeacherRunFactory(team=team)
    RunFactory(team=team)  # queued: no model yet
    assert [item["id"] for item in alice_api.get("/api/models/").json()] == [second.pk, first.pk]
    compared = alice_api.get(f"/api/runs/compare/?ids={first.pk},{second.pk},999999").json()
    assert [item["id"] for item in compared] == [first.pk, second.pk]
    assert compared[0]["parameters"] == 1000
    assert compared[0]["epochs"] == []


def test_it_keeps_the_payload_and_its_schema_in_step(alice_api: APIClient, team: Team) -> None:
    run = RunFactory(team=team)
    assert set(alice_api.get(f"/api/runs/{run.pk}/").json()) == set(RunDetailSerializer().fields)


def test_it_documents_the_jobs_endpoints(alice_api: APIClient) -> None:
    paths = alice_api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    expected = {
        "/api/runs/",
        "/api/runs/create/",
        "/api/runs/queue/",
        "/api/runs/{id}/cancel/",
        "/api/runs/{id}/retry/",
    }
    assert expected | {"/api/runs/{id}/checkpoint/", "/api/runs/{id}/onnx/", "/api/models/"} <= set(paths)


def test_the_job_list_is_paged_like_the_datasets_and_filters_by_state_and_version(
    alice_api: APIClient, team: Team
) -> None:
    done = [TeacherRunFactory(team=team) for _ in range(3)]
    RunFactory(team=team, dataset_version=done[0].dataset_version)
    page = alice_api.get("/api/runs/?limit=2").json()
    assert set(page) == {"count", "next", "previous", "results"}
    assert (page["count"], len(page["results"])) == (4, 2)
    assert "offset=2" in page["next"]
    versions = f"{done[0].dataset_version_id},{done[1].dataset_version_id}"
    succeeded = alice_api.get(f"/api/runs/?status=succeeded&dataset_version={versions}").json()["results"]
    assert sorted(item["id"] for item in succeeded) == sorted(run.pk for run in done[:2])
    for refused in ("status=sleeping", "status=", "dataset_version=3;4", "dataset_version=0", "dataset_version=3%0A"):
        assert alice_api.get(f"/api/runs/?{refused}").status_code == 400, refused
    schema = alice_api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    listed = schema["paths"]["/api/runs/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert listed["$ref"].endswith("PaginatedRunList")


def test_the_schemas_examples_of_creating_a_job_use_a_valid_team(alice_api: APIClient) -> None:
    schema = alice_api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    body = schema["paths"]["/api/runs/create/"]["post"]["requestBody"]["content"]["application/json"]
    examples = [example["value"] for example in body["examples"].values()]
    assert len(examples) >= 2
    assert all("team" not in value for value in examples)  # no team: your first (the API's default)
    team = schema["components"]["schemas"]["RunCreateInputRequest"]["properties"]["team"]
    assert team["minimum"] == 1
