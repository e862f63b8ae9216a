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


def test_the_worker_acknowledges_a_task_only_once_it_ends() -> None:
    # At-least-once delivery on Redis: a crash mid-task leaves the message to be delivered again, and the visibility
    # timeout (after which Redis redelivers an unacknowledged message) outlasts any training job.
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.broker_transport_options["visibility_timeout"] >= 24 * 3600
    assert conf.worker_cancel_long_running_tasks_on_connection_loss is False
