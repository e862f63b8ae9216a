"""/healthz: ok or not for anyone (monitors need no login); the database, Redis and the live workers for members."""

import logging
import time
from typing import Any

import pytest
from django.test import Client, RequestFactory, override_settings

from tests.factories import WorkerHeartbeatFactory
from webapp.system import services
from webapp.system.logs import HealthzProbeFilter


def test_it_reports_everything_ok_with_a_live_worker(alice_client: Client, redis: Any) -> None:
    heartbeat = WorkerHeartbeatFactory(hostname="studio@box", queues=["cpu", "gpu"], gpus=[], seen_at=time.time() - 3)
    services.worker_heartbeat_record(heartbeat=heartbeat)
    response = alice_client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["database"]["ok"]
    assert body["redis"]["ok"]
    assert body["workers"]["ok"]
    worker = body["workers"]["items"][0]
    assert worker | {"seen_seconds_ago": 3} == {
        "hostname": "studio@box",
        "queues": ["cpu", "gpu"],
        "has_gpu": False,
        "gpus": [],
        "seen_seconds_ago": 3,
    }


def test_it_says_whether_each_worker_has_a_gpu(alice_client: Client, redis: Any) -> None:
    services.worker_heartbeat_record(heartbeat=WorkerHeartbeatFactory(hostname="a@gpu", gpus=["NVIDIA H100"]))
    services.worker_heartbeat_record(heartbeat=WorkerHeartbeatFactory(hostname="b@cpu", gpus=[]))
    items = alice_client.get("/healthz").json()["workers"]["items"]
    assert {item["hostname"]: item["has_gpu"] for item in items} == {"a@gpu": True, "b@cpu": False}


def test_it_answers_503_without_a_worker(alice_client: Client, redis: Any) -> None:
    response = alice_client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["workers"]["ok"] is False
    assert "No worker has sent a heartbeat" in response.json()["workers"]["detail"]


def test_it_reports_redis_down_quickly(alice_client: Client) -> None:
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):
        started = time.monotonic()
        response = alice_client.get("/healthz")
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    assert response.json()["redis"]["ok"] is False
    assert response.json()["database"]["ok"] is True


@pytest.mark.django_db
@pytest.mark.parametrize("alive", [True, False])
def test_it_tells_the_public_only_whether_all_is_well(client: Client, redis: Any, alive: bool) -> None:
    if alive:
        services.worker_heartbeat_record(heartbeat=WorkerHeartbeatFactory(hostname="secret-host@box"))
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == ((200, {"ok": True}) if alive else (503, {"ok": False}))


def test_it_lets_a_heartbeat_expire(redis: Any) -> None:
    heartbeat = WorkerHeartbeatFactory()
    services.worker_heartbeat_record(heartbeat=heartbeat)
    assert 0 < redis.ttl(heartbeat.key) <= 30
    services.worker_heartbeat_clear(hostname=heartbeat.hostname)
    assert not redis.exists(heartbeat.key)


@pytest.mark.django_db
def test_a_503_probe_is_logged_as_one_info_line_not_an_error(
    client: Client, redis: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="django.request")
    assert client.get("/healthz").status_code == 503
    lines = [record for record in caplog.records if record.name == "django.request"]
    assert [(record.levelname, record.getMessage()) for record in lines] == [("INFO", "Service Unavailable: /healthz")]


def test_other_5xx_answers_stay_errors() -> None:
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Service Unavailable: /x", (), None)
    record.status_code, record.request = 503, RequestFactory().get("/api/x")
    assert HealthzProbeFilter().filter(record)
    assert record.levelname == "ERROR"
