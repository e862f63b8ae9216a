"""One Redis client per URL for the Studio's own keys (worker heartbeats); Celery and Channels keep theirs."""

from functools import cache

import redis
from django.conf import settings


@cache
def _client(url: str) -> redis.Redis:
    # Short timeouts: /healthz must answer "Redis is down" quickly rather than hang with it.
    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2, decode_responses=True)


def redis_client() -> redis.Redis:
    """The client for `settings.REDIS_URL`."""
    return _client(settings.REDIS_URL)
