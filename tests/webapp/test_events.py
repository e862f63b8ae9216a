"""Publishing a live event is best effort: a Redis that is down, killed or frozen drops events (counted, logged
once a minute), never fails the work that publishes them, and delivery resumes when Redis is back."""

import asyncio
import logging
import time
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
import redis
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.test import override_settings

from tests.own_redis import RedisServer
from tests.stack import free_port
from webapp import events
from webapp.settings import channel_layers


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Iterator[FakeClock]:
    """A fresh drop counter on a clock the test moves."""
    fake = FakeClock()
    with mock.patch.object(events, "_drops", events._Drops(clock=fake)):
        yield fake


def _publish() -> None:
    events.publish_run_progress(run_id=1, data={"step": 1})


def test_it_drops_and_counts_an_event_when_redis_is_unreachable(clock: FakeClock) -> None:
    with override_settings(CHANNEL_LAYERS=channel_layers(f"redis://127.0.0.1:{free_port()}/0")):
        _publish()
    assert events.publish_drops() == 1


def test_it_stops_trying_for_a_pause_after_a_failure_then_tries_again(clock: FakeClock) -> None:
    with mock.patch.object(events, "_send", side_effect=redis.ConnectionError("refused")) as send:
        _publish()
        clock.now += events.PUBLISH_PAUSE_SECONDS - 1
        _publish()
        assert send.call_count == 1
        clock.now += 1
        _publish()
        assert send.call_count == 2
    assert events.publish_drops() == 3


def test_it_logs_drops_at_most_once_a_minute_and_says_when_they_stop(
    clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="webapp.events")
    with mock.patch.object(events, "_send", side_effect=TimeoutError()):
        for _ in range(30):
            _publish()
            clock.now += events.PUBLISH_PAUSE_SECONDS
    assert len(caplog.records) == 3  # at 0 s, 60 s and 120 s of a 150 s outage
    assert "dropped 12 live event(s), 25 in all" in caplog.records[-1].getMessage()
    caplog.clear()
    with mock.patch.object(events, "_send", new=mock.AsyncMock()):
        _publish()
        _publish()
    assert [record.getMessage() for record in caplog.records] == ["live events are delivered again, after 30 dropped"]


def test_a_bug_in_the_event_still_raises(clock: FakeClock) -> None:
    with mock.patch.object(events, "_send", side_effect=TypeError("cannot serialize")), pytest.raises(TypeError):
        _publish()


def _received() -> Any:
    """Publish one event to a group with one member, and return what the member got."""
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(events.group_name(events.RUNS, 1), channel)
    _publish()

    async def receive() -> Any:
        return await asyncio.wait_for(layer.receive(channel), timeout=5)

    return async_to_sync(receive)()


@pytest.mark.slow
def test_it_survives_a_killed_and_a_frozen_redis_and_delivers_again_after(
    clock: FakeClock, own_redis: RedisServer
) -> None:
    with override_settings(CHANNEL_LAYERS=channel_layers(own_redis.url)):
        assert _received()["data"] == {"step": 1}
        own_redis.kill()
        _publish()  # refused at once: dropped, not raised
        own_redis.start()
        clock.now += events.PUBLISH_PAUSE_SECONDS
        assert _received()["event"] == events.RUN_PROGRESS

        own_redis.freeze()
        started = time.monotonic()
        _publish()  # a frozen Redis accepts the connection and never answers: the send gives up in time
        assert time.monotonic() - started < events.PUBLISH_TIMEOUT_SECONDS + 2
        own_redis.thaw()
        clock.now += events.PUBLISH_PAUSE_SECONDS
        assert _received()["event"] == events.RUN_PROGRESS
    assert events.publish_drops() == 2
