"""A worker's heartbeat appears at once, carries its queues and GPUs, and goes when the worker stops."""

import json
import time
from typing import Any

import pytest

from worker import heartbeat


def test_it_beats_at_once_and_clears_on_stop(redis: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heartbeat, "gpu_names", lambda: ["NVIDIA H100"])
    thread = heartbeat.HeartbeatThread(hostname="w@box", queues=["cpu", "gpu"], interval=60)
    thread.start()
    key = "studio:worker:w@box"
    deadline = time.monotonic() + 5
    while not redis.exists(key) and time.monotonic() < deadline:
        time.sleep(0.02)
    stored = json.loads(redis.get(key))
    assert stored["queues"] == ["cpu", "gpu"]
    assert stored["gpus"] == ["NVIDIA H100"]
    thread.stop()
    assert not thread.is_alive()
    assert not redis.exists(key)


def test_it_keeps_running_while_redis_is_away(monkeypatch: pytest.MonkeyPatch) -> None:
    def unreachable(**kwargs: Any) -> None:
        raise ConnectionError("Redis is away")

    monkeypatch.setattr(heartbeat, "gpu_names", list)
    monkeypatch.setattr(heartbeat.services, "worker_heartbeat_record", unreachable)
    monkeypatch.setattr(heartbeat.services, "worker_heartbeat_clear", unreachable)
    thread = heartbeat.HeartbeatThread(hostname="w@box", queues=["cpu"], interval=0.01)
    thread.start()
    time.sleep(0.05)
    assert thread.is_alive()
    thread.stop()
    assert not thread.is_alive()
