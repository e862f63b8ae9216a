"""The dashboard, the sections' honest empty states and the status page."""

import re
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import PingFactory, WorkerHeartbeatFactory
from webapp.accounts.models import Team
from webapp.system import services
from webapp.system.processes import ProcessState, processes_write


@pytest.mark.parametrize(
    ("path", "empty_text"),
    [
        ("/datasets/", "No datasets yet"),
        ("/jobs/", "No jobs yet"),
        ("/recordings/", "No recordings yet"),
        ("/review/", "Nothing to review yet"),
    ],
)
def test_it_shows_an_honest_empty_state(alice_client: Client, path: str, empty_text: str) -> None:
    response = alice_client.get(path)
    assert response.status_code == 200
    assert empty_text in response.content.decode()


def test_it_shows_the_dashboard_with_the_team_and_navigation(alice_client: Client, redis: Any) -> None:
    html = alice_client.get("/").content.decode()
    assert "Team <strong>Affect Lab</strong>" in html
    for link in ("/datasets/", "/jobs/", "/recordings/", "/review/", "/status/", "/api/docs/"):
        assert f'href="{link}"' in html


def test_it_lists_live_workers_on_the_status_page(alice_client: Client, redis: Any) -> None:
    services.worker_heartbeat_record(heartbeat=WorkerHeartbeatFactory(hostname="w1@gpu-box", gpus=["NVIDIA H100"]))
    html = alice_client.get("/status/").content.decode()
    assert "w1@gpu-box" in html
    assert "NVIDIA H100" in html
    assert "1 live" in html


def test_it_says_plainly_when_no_worker_runs(alice_client: Client, redis: Any) -> None:
    html = alice_client.get("/status/").content.decode()
    assert "No worker is running" in html


def test_it_lists_the_teams_recent_pings(alice_client: Client, team: Team, redis: Any) -> None:
    ping = PingFactory(team=team)
    html = alice_client.get("/status/").content.decode()
    assert f'href="/status/pings/{ping.pk}/"' in html


def test_it_says_just_now_for_a_ping_sent_seconds_ago(alice_client: Client, team: Team, redis: Any) -> None:
    PingFactory(team=team)
    html = alice_client.get("/status/").content.decode()
    assert "<td>just now</td>" in html
    assert "0\xa0minutes" not in html


def test_the_admin_carries_the_studios_name_and_icon(client: Client, db: None) -> None:
    html = client.get("/admin/login/").content.decode()
    assert "<title>Log in | Mini-ResEmoteNet Studio</title>" in html
    assert "Mini-ResEmoteNet Studio administration" in html
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in html


def test_it_shows_when_each_worker_was_last_seen(alice_client: Client, redis: Any) -> None:
    services.worker_heartbeat_record(heartbeat=WorkerHeartbeatFactory(hostname="w1@gpu-box", seen_at=time.time() - 4))
    html = alice_client.get("/status/").content.decode()
    assert "<th>Last seen</th>" in html
    assert re.search(r'<td data-role="seen">([4-9]|\d\d) s ago</td>', html)  # 4 s, or more on a busy machine
    assert 'data-url="/api/system/health/"' in html  # where the page reads the health again


def test_it_serves_the_health_with_process_ids_to_members(alice_api: APIClient, redis: Any) -> None:
    services.worker_heartbeat_record(heartbeat=WorkerHeartbeatFactory(hostname="w1@gpu-box", pid=77))
    body = alice_api.get("/api/system/health/").json()
    assert body["redis"] == {"ok": True, "detail": "reachable"}
    worker = body["workers"]["items"][0]
    assert (worker["hostname"], worker["pid"]) == ("w1@gpu-box", 77)
    assert worker["seen_seconds_ago"] >= 0


def test_it_shows_which_processes_were_restarted_on_the_status_page(
    alice_client: Client, alice_api: APIClient, redis: Any, settings: Any, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path
    assert 'data-role="processes-card" hidden' in alice_client.get("/status/").content.decode()  # no ./studio up
    crashed = ProcessState(name="worker", pid=42, state="running", restarts=2, last_exit_code=-9,
                           last_exit_at=time.time() - 5)  # fmt: skip
    processes_write([crashed, ProcessState("web", 43, "running", 0, None, None)])
    html = alice_client.get("/status/").content.decode()
    assert 'data-role="processes-card" hidden' not in html
    assert "code -9, 5 s ago" in html
    body = alice_api.get("/api/system/health/").json()
    assert body["processes"][0] == asdict(crashed)
    assert "processes" not in Client().get("/healthz").json()  # restarts are for members, not the public
