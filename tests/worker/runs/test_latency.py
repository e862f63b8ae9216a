"""A finished job's latency is measured alone on its machine, on one thread, and a student is never shown slower than
its teacher because of noise: the two are measured side by side first."""

from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from celery.exceptions import Retry

from kdcore.benchmark import LatencyMeasurement
from kdcore.checkpoint import save_checkpoint
from kdcore.models import build_model
from tests.run_factories import RunFactory, TeacherRunFactory, tiny_config
from webapp.accounts.models import Team
from webapp.runs.models import Run
from worker import tasks
from worker.runs import latency


def _measurement(median_ms: float, input_size: int = 64) -> LatencyMeasurement:
    return LatencyMeasurement(median_ms, median_ms, median_ms, median_ms, median_ms, 20, 5, 1, input_size)


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def finished(team: Team, media: Path) -> Run:
    """A finished tiny job with its real checkpoint on disk."""
    config = tiny_config()
    run = TeacherRunFactory(team=team, config=config, checkpoint_path="runs/1/best.pt")
    save_checkpoint(media / run.checkpoint_path, build_model(config), config, {"class_names": ["a"] * 7})
    return run


@pytest.fixture(autouse=True)
def _quiet_events() -> Any:
    with mock.patch("webapp.events.publish_run_status"):
        yield


def test_it_measures_on_one_thread_and_stores_how_when_and_where(finished: Run, redis: Any) -> None:
    assert latency.measure_run_latency(finished.pk, hostname="celery@box")
    finished.refresh_from_db()
    assert finished.latency_ms is not None
    assert finished.latency_ms > 0
    facts = finished.latency
    assert (facts["threads"], facts["runs"], facts["warmup"], facts["host"]) == (1, 20, 5, "box")
    assert facts["median_ms"] == pytest.approx(finished.latency_ms, abs=1e-3)
    assert facts["min_ms"] <= facts["p25_ms"] <= facts["median_ms"] <= facts["p75_ms"] <= facts["max_ms"]
    assert facts["measured_at"]
    assert not finished.latency_pending


def test_it_waits_while_a_task_runs_on_its_machine(finished: Run, team: Team, redis: Any) -> None:
    RunFactory(team=team, status=Run.Status.RUNNING, worker_hostname="celery@box")
    with pytest.raises(latency.MachineBusyError, match="box is busy"):
        latency.measure_run_latency(finished.pk, hostname="celery@box")
    finished.refresh_from_db()
    assert finished.latency_ms is None


def test_two_measurements_on_one_machine_never_overlap(finished: Run, redis: Any) -> None:
    held = redis.lock("studio:latency:box", timeout=30)
    assert held.acquire(blocking=False)
    try:
        with pytest.raises(latency.MachineBusyError, match="another latency measurement"):
            latency.measure_run_latency(finished.pk, hostname="celery@box")
    finally:
        held.release()


def test_a_measurement_that_a_starting_job_overlapped_is_thrown_away(finished: Run, team: Team, redis: Any) -> None:
    def overlapped(run: Run) -> list[latency.Measured]:
        RunFactory(team=team, status=Run.Status.RUNNING, worker_hostname="celery@box")
        return [latency.Measured(run, _measurement(9.0))]

    with (
        mock.patch.object(latency, "measure_with_teacher", overlapped),
        pytest.raises(latency.MachineBusyError, match="started there during the measurement"),
    ):
        latency.measure_run_latency(finished.pk, hostname="celery@box")
    finished.refresh_from_db()
    assert finished.latency_ms is None


def test_the_task_tries_again_later_while_the_machine_is_busy() -> None:
    busy = latency.MachineBusyError("box is busy")
    with (
        mock.patch.object(latency, "measure_run_latency", side_effect=busy),
        mock.patch.object(tasks.measure_latency, "retry", return_value=Retry()) as retry,
        pytest.raises(Retry),
    ):
        tasks.measure_latency(run_id=1)
    retry.assert_called_once_with(countdown=tasks.LATENCY_RETRY_SECONDS, exc=busy)


def _student_of(team: Team, *, teacher_ms: float | None, measured: bool = True) -> Run:
    details = {"measured_at": "2025-03-04T14:02:00+00:00"} if measured else {}
    teacher = TeacherRunFactory(team=team, latency_ms=teacher_ms, latency=details)
    return TeacherRunFactory(team=team, teacher=teacher)


def test_a_student_faster_than_its_teachers_number_is_measured_alone(team: Team) -> None:
    student = _student_of(team, teacher_ms=3.0)
    with (
        mock.patch.object(latency, "_load"),
        mock.patch.object(latency, "_checkpoint", return_value=mock.Mock(is_file=lambda: True)),
        mock.patch.object(latency, "measure_latency", return_value=_measurement(1.0)),
        mock.patch.object(latency, "measure_latencies") as side_by_side,
    ):
        measured = latency.measure_with_teacher(student)
    assert [(item.run.pk, item.result.median_ms, item.note) for item in measured] == [(student.pk, 1.0, "")]
    side_by_side.assert_not_called()


def test_a_student_that_measured_slower_than_its_teacher_is_measured_again_side_by_side(team: Team) -> None:
    student = _student_of(team, teacher_ms=3.0)
    teacher = student.teacher
    assert teacher is not None
    with (
        mock.patch.object(latency, "_load"),
        mock.patch.object(latency, "_checkpoint", return_value=mock.Mock(is_file=lambda: True)),
        mock.patch.object(latency, "measure_latency", return_value=_measurement(9.0)),  # a noisy first number
        mock.patch.object(latency, "measure_latencies", return_value=[_measurement(1.0), _measurement(3.1)]),
    ):
        again, with_teacher = latency.measure_with_teacher(student)
    assert (again.run.pk, again.result.median_ms, again.side_by_side_with) == (student.pk, 1.0, teacher.pk)
    assert again.note == f"Measured side by side with its teacher, job #{teacher.pk} (3.10 ms)."
    assert (with_teacher.run.pk, with_teacher.result.median_ms) == (teacher.pk, 3.1)
    assert not again.slower_than_teacher


def test_a_student_slower_even_side_by_side_says_so_and_why(team: Team) -> None:
    student = _student_of(team, teacher_ms=None, measured=False)  # an unmeasured teacher: measure both
    with (
        mock.patch.object(latency, "_load"),
        mock.patch.object(latency, "_checkpoint", return_value=mock.Mock(is_file=lambda: True)),
        mock.patch.object(latency, "measure_latency", return_value=_measurement(5.0, input_size=160)),
        mock.patch.object(latency, "measure_latencies", return_value=[_measurement(5.0, 160), _measurement(2.0)]),
    ):
        again, _ = latency.measure_with_teacher(student)
    assert again.note == (
        f"Slower than its teacher (job #{student.teacher_id}, 2.00 ms) even measured side by side with it. "
        "It reads 160 px images, the teacher 64 px."
    )
    assert again.slower_than_teacher
