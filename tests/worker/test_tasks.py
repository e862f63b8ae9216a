"""Tasks are thin: registered under the name from webapp/jobs.py, they hand their work to a service."""

from unittest import mock

from webapp import jobs
from worker import app
from worker.tasks import ping


def test_it_registers_each_task_under_its_jobs_name() -> None:
    assert set(jobs.TASK_NAMES) <= set(app.tasks)


def test_it_answers_a_ping_through_the_service() -> None:
    with mock.patch("worker.tasks.services.ping_complete") as complete:
        ping.apply(kwargs={"ping_id": 3})
    complete.assert_called_once_with(ping_id=3, hostname=mock.ANY)
    assert complete.call_args.kwargs["hostname"]
