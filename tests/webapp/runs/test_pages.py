"""The jobs pages: the form with messages next to its fields, the queue, one job, models and the comparison."""

from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from tests.run_factories import RunFactory, TeacherRunFactory, finished_run_create
from webapp.accounts.models import Team
from webapp.datasets.models import DatasetVersion
from webapp.runs.models import Run, RunEpoch
from webapp.system.models import WorkerHeartbeat

pytestmark = pytest.mark.usefixtures("redis")

FORM = {"model": "mini_resemotenet", "width_mult": "0.0625", "temperature": "4", "alpha": "0.9", "epochs": "1",
        "batch_size": "16", "lr": "0.01", "seed": "0", "device": "cpu"}  # fmt: skip


def test_it_offers_the_teams_versions_and_finished_teachers(
    alice_client: Client, team: Team, version: DatasetVersion
) -> None:
    teacher = TeacherRunFactory(team=team)
    RunFactory(team=team, status=Run.Status.FAILED)  # not a teacher
    html = alice_client.get("/jobs/").content.decode()
    assert f'<option value="{version.pk}">{version}</option>' in html
    assert f'value="{teacher.pk}">Job #{teacher.pk}: Student ×0.0625 · 60.0%' in html
    assert html.count("Job #") == 1
    assert 'data-any-width="mini_resemotenet"' in html  # the form's script shows the width for this model only


def test_it_shows_kdcores_messages_next_to_the_fields(
    alice_client: Client, team: Team, version: DatasetVersion
) -> None:
    teacher = TeacherRunFactory(team=team)
    data = {**FORM, "dataset_version": version.pk, "teacher": teacher.pk, "alpha": "1.5", "width_mult": "2"}
    response = alice_client.post("/jobs/", data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {
        "alpha": ["α must be between 0 and 1; you entered 1.5."],
        "width_mult": ["Width must be more than 0 and at most 1 (the fraction of the teacher's channels it keeps)."],
    }
    assert Run.objects.count() == 1  # the teacher only


def test_it_queues_a_job_and_opens_its_page(
    alice_client: Client, version: DatasetVersion, cpu_worker: WorkerHeartbeat, django_capture_on_commit_callbacks: Any
) -> None:
    with mock.patch("webapp.jobs.enqueue_training") as enqueue, django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post("/jobs/", {**FORM, "dataset_version": version.pk}, follow=True)
    run = Run.objects.get()
    assert response.redirect_chain == [(f"/jobs/{run.pk}/", 302)]
    html = response.content.decode()
    assert f"Job #{run.pk} is queued." in html
    assert "runs on CPU — slow" in html
    assert "#1 in the cpu queue" in html
    enqueue.assert_called_once_with(run_id=run.pk, queue="cpu")


def test_it_warns_when_jobs_will_run_on_a_cpu(alice_client: Client, cpu_worker: WorkerHeartbeat) -> None:
    assert 'id="cpu-fallback"' in alice_client.get("/jobs/").content.decode()


def test_it_lists_the_queue_with_positions(alice_client: Client, team: Team) -> None:
    first, second = RunFactory(team=team), RunFactory(team=team)
    html = alice_client.get("/jobs/").content.decode()
    assert "#1 in the" in html
    assert "#2 in the" in html
    assert html.index(f"/jobs/{first.pk}/") < html.index(f"/jobs/{second.pk}/")


def test_it_renders_a_job_with_its_history_for_the_live_page(alice_client: Client, team: Team) -> None:
    now = timezone.now()
    run = RunFactory(team=team, status=Run.Status.RUNNING, started_at=now, heartbeat_at=now, worker_hostname="w")
    RunEpoch.objects.create(run=run, epoch=1, event={"kind": "epoch", "epoch": 1, "loss": 0.5})
    response = alice_client.get(f"/jobs/{run.pk}/")
    assert response.context["run_json"]["epochs"] == [{"kind": "epoch", "epoch": 1, "loss": 0.5}]
    html = response.content.decode()
    assert 'id="run-data"' in html
    assert "vendor/chart-4.6.1.umd.min.js" in html
    assert "Cancel job" in html
    assert "<dt>Label smoothing · EMA</dt><dd>0.1 · 0.999</dd>" in html  # the recipe every job trains with


def test_it_shows_a_finished_job_whose_dataset_has_no_test_split(alice_client: Client, team: Team) -> None:
    run = TeacherRunFactory(team=team, metrics={"val": {"accuracy": 0.25}, "best_epoch": 1})
    response = alice_client.get(f"/jobs/{run.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "(the dataset version has no test split)" in html
    assert '<dd data-role="val-accuracy">25.0% (best epoch 1)</dd>' in html


def test_it_cancels_and_retries_from_the_page(alice_client: Client, team: Team) -> None:
    run = RunFactory(team=team)
    with mock.patch("webapp.jobs.enqueue_training"):
        response = alice_client.post(f"/jobs/{run.pk}/cancel/", follow=True)
        assert "Job cancelled." in response.content.decode()
        response = alice_client.post(f"/jobs/{run.pk}/retry/", follow=True)
    clone = Run.objects.get(retry_of=run)
    assert response.redirect_chain[-1] == (f"/jobs/{clone.pk}/", 302)
    assert f"retries job #{run.pk}" in response.content.decode()


def test_it_hides_another_teams_job_page(charlie_client: Client, team: Team) -> None:
    run = RunFactory(team=team)
    assert charlie_client.get(f"/jobs/{run.pk}/").status_code == 404
    assert charlie_client.post(f"/jobs/{run.pk}/cancel/").status_code == 404
    assert f"/jobs/{run.pk}/" not in charlie_client.get("/jobs/").content.decode()


def test_it_prefills_the_form_from_an_earlier_job(alice_client: Client, team: Team) -> None:
    run = RunFactory(team=team)
    form = alice_client.get(f"/jobs/?from={run.pk}").context["form"]
    assert form.initial["width_mult"] == 0.0625
    assert form.initial["dataset_version"] == run.dataset_version_id


def test_it_lists_models_with_downloads(alice_client: Client, team: Team) -> None:
    model = TeacherRunFactory(team=team, parameters=315634, size_bytes=1_300_000, latency_ms=0.67, onnx_path="x.onnx")
    html = alice_client.get("/models/").content.decode()
    assert "315,634" in html
    assert "0.67 ms" in html
    assert f"/api/runs/{model.pk}/checkpoint/" in html
    assert f"/api/runs/{model.pk}/onnx/" in html


def test_it_compares_jobs_side_by_side(alice_client: Client, team: Team) -> None:
    report = {"accuracy": 0.5, "macro_f1": 0.4, "per_class_f1": [0.25, 0.75], "confusion": [[3, 1], [2, 4]]}
    runs = [TeacherRunFactory(team=team, class_names=["a", "b"], metrics={"test": report}) for _ in range(2)]
    response = alice_client.get(f"/models/compare/?runs={runs[0].pk}&runs={runs[1].pk}")
    assert [row[0] for row in response.context["f1_rows"]] == ["a", "b"]
    assert response.context["f1_rows"][1][1] == [0.75, 0.75]
    html = response.content.decode()
    assert '<td class="diagonal" title="true b, predicted b: 4">4</td>' in html
    assert "Compare 2 jobs" in html


def test_it_names_every_problem_of_the_form_in_one_round(alice_client: Client, team: Team) -> None:
    data = {**FORM, "model": "mini_resemotenet_b", "epochs": "0", "batch_size": "0", "lr": "-1"}
    response = alice_client.post("/jobs/", data)  # no dataset version either
    assert response.context["form"].errors == {
        "dataset_version": ["Pick the dataset version to train on."],
        "epochs": ["Epochs must be between 1 and 1,000; you entered 0."],
        "batch_size": ["Batch size must be between 2 and 4,096; you entered 0."],
        "lr": ["Learning rate must be more than 0 and at most 10; you entered -1."],
    }
    assert "[1, 1000]" not in response.content.decode()
    assert not Run.objects.exists()


def test_it_keeps_the_chosen_dataset_version_after_a_refusal(
    alice_client: Client, team: Team, version: DatasetVersion
) -> None:
    response = alice_client.post("/jobs/", {**FORM, "dataset_version": version.pk, "epochs": "0"})
    assert response.context["form"].errors == {"epochs": ["Epochs must be between 1 and 1,000; you entered 0."]}
    assert f'<option value="{version.pk}" selected>{version}</option>' in response.content.decode()


def test_it_offers_retry_first_only_when_a_job_failed(alice_client: Client, team: Team) -> None:
    succeeded = TeacherRunFactory(team=team)
    failed = RunFactory(team=team, status=Run.Status.FAILED, status_message="out of memory")
    quiet = 'class="button button-quiet" data-role="retry">Retry</button>'
    primary = 'class="button button-primary" data-role="retry">Retry</button>'
    assert quiet in alice_client.get(f"/jobs/{succeeded.pk}/").content.decode()
    assert primary in alice_client.get(f"/jobs/{failed.pk}/").content.decode()


def test_it_renders_every_part_a_status_event_changes_for_the_script_to_show(alice_client: Client, team: Team) -> None:
    now = timezone.now()
    run = RunFactory(team=team, status=Run.Status.RUNNING, started_at=now, heartbeat_at=now, worker_hostname="w")
    html = alice_client.get(f"/jobs/{run.pk}/").content.decode()
    assert f'<form method="post" action="/jobs/{run.pk}/retry/" id="retry-form" hidden>' in html
    assert '<section class="card" id="results" hidden>' in html
    assert f'data-role="checkpoint" href="/api/runs/{run.pk}/checkpoint/" hidden>' in html
    assert '<span data-role="started"><time datetime="' in html
    assert '<span data-role="finished">—</span>' in html
    assert 'id="cancel-form">' in html


def test_it_explains_what_each_loss_chart_of_a_distillation_measures(alice_client: Client, team: Team) -> None:
    run = RunFactory(team=team, teacher=TeacherRunFactory(team=team))
    html = alice_client.get(f"/jobs/{run.pk}/").content.decode()
    assert "The KD + CE mix it minimises: α = 0.5" in html
    assert "Cross-entropy on the validation split, without the teacher: not on the training loss's scale." in html
    assert 'id="val-loss-chart"' in html


def test_it_marks_teacher_and_students_for_the_tradeoff_scatter(alice_client: Client, team: Team) -> None:
    teacher = finished_run_create(model="resemotenet", team=team, accuracy=0.7, latency_ms=4.0)
    student = finished_run_create(teacher=teacher, team=team, accuracy=0.65, dataset_version=teacher.dataset_version)
    response = alice_client.get(f"/models/compare/?runs={teacher.pk}&runs={student.pk}")
    points = response.context["points_json"]
    assert [(p["role"], p["distilled"], p["accuracy"]) for p in points] == [
        ("teacher", False, 0.7),
        ("student", True, 0.65),
    ]
    assert points[0]["latency_ms"] == 4.0
    html = response.content.decode()
    assert 'id="tradeoff-data"' in html
    assert '<abbr title="surprise">sur</abbr>' in html
