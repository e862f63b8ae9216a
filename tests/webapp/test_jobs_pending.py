"""What the broker holds: `jobs.messages_pending` finds each lifecycle task's message in its queue or just delivered
to a worker, and a send the broker refuses leaves the record queued for the reaper instead of failing the request."""

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from kombu.exceptions import OperationalError

from webapp import jobs


@pytest.fixture
def queue(redis: Any) -> Iterator[str]:
    """A queue of the test's own in the test Redis, so no live worker takes its messages."""
    name = f"pending-{uuid.uuid4().hex[:8]}"
    yield name
    redis.delete(name)
    for tag in redis.hkeys("unacked"):
        if name in redis.hget("unacked", tag):
            redis.hdel("unacked", tag)
            redis.zrem("unacked_index", tag)


def _deliver(redis: Any, queue: str, *, seconds_ago: float) -> None:
    """Move the oldest message of `queue` to the delivered-but-unacknowledged set, as kombu does for a worker."""
    raw = redis.rpop(queue)
    tag = uuid.uuid4().hex
    redis.hset("unacked", tag, json.dumps([json.loads(raw), "", queue]))
    redis.zadd("unacked_index", {tag: time.time() - seconds_ago})


def test_it_finds_a_waiting_message_by_task_and_id(queue: str) -> None:
    jobs.enqueue_training(run_id=41, queue=queue)
    jobs.enqueue_dataset_import(import_id=42, queue=queue)
    pending = jobs.messages_pending(delivered_within=60)
    assert pending is not None
    assert {(jobs.RUN_TRAINING, 41), (jobs.DATASET_IMPORT, 42)} <= pending


def test_a_message_delivered_to_a_worker_counts_only_while_the_worker_may_still_claim_it(
    queue: str, redis: Any
) -> None:
    jobs.enqueue_training(run_id=51, queue=queue)
    jobs.enqueue_training(run_id=52, queue=queue)
    _deliver(redis, queue, seconds_ago=5)  # run 51: just taken
    _deliver(redis, queue, seconds_ago=600)  # run 52: taken by a worker that died before claiming it
    pending = jobs.messages_pending(delivered_within=60)
    assert pending is not None
    assert (jobs.RUN_TRAINING, 51) in pending
    assert (jobs.RUN_TRAINING, 52) not in pending


def test_it_says_none_when_the_broker_cannot_be_read() -> None:
    nowhere = mock.Mock(conf=mock.Mock(broker_url="redis://127.0.0.1:1/0"))
    with mock.patch.object(jobs, "_client", return_value=nowhere):
        assert jobs.messages_pending(delivered_within=60) is None


def test_a_refused_send_is_logged_for_the_reaper_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    with mock.patch.object(jobs._client(), "send_task", side_effect=OperationalError("Connection refused")):
        assert jobs.enqueue_training(run_id=7, queue="gpu") == ""
    assert "could not send runs.train for #7, the reaper will send it again" in caplog.text
