"""A job's CPU latency is stated as a fact: how, when and where it was measured, shown beside the number."""

from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests.run_factories import RunFactory, TeacherRunFactory
from webapp.accounts.models import Team
from webapp.runs import services
from webapp.runs.models import Run
from webapp.system import selectors as system_selectors

MEASURED = {
    "median_ms": 1.234, "p25_ms": 1.2, "p75_ms": 1.25, "min_ms": 1.19, "max_ms": 3.1, "runs": 20, "warmup": 5,
    "threads": 1, "input_size": 64, "spread_ms": 0.05, "measured_at": "2025-03-04T14:02:00+00:00", "host": "box",
    "torch": "2.x", "side_by_side_with": None, "note": "",
}  # fmt: skip


@pytest.fixture
def measured(team: Team) -> Run:
    run = TeacherRunFactory(team=team)
    return services.run_latency_record(run_id=run.pk, latency_ms=1.234, details=MEASURED) or run


def test_it_says_how_when_and_where_a_latency_was_measured(measured: Run) -> None:
    assert measured.latency_ms == 1.234
    assert measured.latency_summary == (
        "Median of 20 runs on 1 thread after 5 warm-up runs (middle half within 0.05 ms), measured 4 Mar 2025, 14:02 "
        "on box."
    )


def test_a_number_from_before_repeatable_measurements_says_it_cannot_be_trusted(team: Team) -> None:
    run = TeacherRunFactory(team=team, latency_ms=191.55)
    assert not run.latency_measured
    assert "measure again to trust it" in run.latency_summary


def test_the_models_and_job_pages_show_the_measurement_and_its_note(
    alice_client: Client, team: Team, measured: Run
) -> None:
    student = TeacherRunFactory(team=team, teacher=measured)
    note = f"Slower than its teacher (job #{measured.pk}, 1.10 ms) even measured side by side with it."
    slower = {**MEASURED, "note": note, "slower_than_teacher": True}
    services.run_latency_record(run_id=student.pk, latency_ms=1.3, details=slower)
    models = alice_client.get(reverse("runs:models")).content.decode()
    assert "1.23 ms" in models
    assert "median of 20, 1 thread, 4 Mar 14:02" in models
    assert f'<small class="latency-note" title="{note}">slower than its teacher</small>' in models
    detail = alice_client.get(reverse("runs:detail", args=[measured.pk])).content.decode()
    assert "measured 4 Mar 2025, 14:02 on box" in detail
    assert "Measure again" in detail


def test_measuring_again_queues_a_measurement_for_the_team_only(
    alice: Any, charlie_api: APIClient, measured: Run, django_capture_on_commit_callbacks: Any
) -> None:
    url = reverse("api:run_latency", args=[measured.pk])
    assert charlie_api.post(url).status_code == 404
    api = APIClient()
    api.force_authenticate(alice)
    with (
        mock.patch("webapp.jobs.enqueue_latency_measurement") as enqueue,
        mock.patch("webapp.events.publish_run_status"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = api.post(url)
    assert response.status_code == 202
    enqueue.assert_called_once_with(run_id=measured.pk)
    assert response.json()["latency_pending"] is True
    assert response.json()["latency_summary"] == "Being measured again: waits until its worker's machine is idle."


def test_a_job_without_a_checkpoint_cannot_be_measured(alice_api: APIClient, team: Team) -> None:
    run = RunFactory(team=team, status=Run.Status.FAILED)
    response = alice_api.post(reverse("api:run_latency", args=[run.pk]))
    assert response.status_code == 400
    assert "no finished checkpoint to measure" in str(response.json())


def test_a_machine_is_busy_while_a_task_runs_on_it_or_one_started_since(team: Team) -> None:
    since = timezone.now()
    assert not system_selectors.worker_tasks_busy_on(machine="box", since=since)
    RunFactory(team=team, status=Run.Status.RUNNING, worker_hostname="celery@other-box")
    assert not system_selectors.worker_tasks_busy_on(machine="box", since=since)
    RunFactory(team=team, status=Run.Status.FAILED, worker_hostname="celery@box", started_at=timezone.now())
    assert system_selectors.worker_tasks_busy_on(machine="box", since=since)
    assert system_selectors.machine_of("celery@box") == "box"
