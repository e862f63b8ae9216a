"""The embedded Redis holds the queued tasks, so it keeps them across a crash (append-only file under ./var/)."""

import time

import pytest
import redis

from tests.own_redis import RedisServer

pytestmark = pytest.mark.slow


def test_it_keeps_queued_messages_across_a_kill_9(own_redis: RedisServer) -> None:
    client = redis.Redis.from_url(own_redis.url)
    assert client.config_get("appendonly") == {"appendonly": "yes"}
    client.lpush("cpu", b"a queued task")
    time.sleep(1.5)  # appendfsync everysec: at most the last second is at risk
    own_redis.kill()
    own_redis.start()
    assert client.lrange("cpu", 0, -1) == [b"a queued task"]
    assert (own_redis.data_dir / "studio.aof").is_file()
