"""`./studio up`'s supervisor for real: healthy within a minute, a killed process restarted while the Studio stays up,
and Ctrl-C leaves nothing running."""

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.processes import alive, descendants
from tests.stack import free_ports, wait_until

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def _healthz(url: str) -> dict[str, object] | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        return json.load(error)
    except OSError:
        return None


def _env(tmp_path: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    web_port, redis_port = free_ports(2)  # two separate free_port() calls once returned the same port
    return {
        **env,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'studio.sqlite3'}",
        "STUDIO_VAR_DIR": str(tmp_path),
        "STUDIO_PORT": str(web_port),
        "STUDIO_REDIS_PORT": str(redis_port),
        "STUDIO_ADMIN_EMAIL": "admin@example.com",
        "STUDIO_ADMIN_PASSWORD": "a-long-unusual-pass",
        "CELERY_WORKER_CONCURRENCY": "1",
    }


def test_it_gets_healthy_quickly_and_stops_everything_on_ctrl_c(tmp_path: Path) -> None:
    env = _env(tmp_path)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
    log_path = tmp_path / "up.log"
    log = log_path.open("w")
    studio = subprocess.Popen([*manage, "studio_up"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{env['STUDIO_PORT']}/healthz"
        wait_until(lambda: bool((_healthz(url) or {}).get("ok")), timeout=60, what="not healthy", log_path=log_path)
        children = descendants(studio.pid)
        assert len(children) >= 3  # redis, worker (and its pool), web

        studio.send_signal(signal.SIGINT)
        assert studio.wait(timeout=40) == 0
        assert alive(children) == set()
    finally:
        if studio.poll() is None:
            studio.kill()
        log.close()
    output = log_path.read_text()
    assert "Sign in as admin@example.com" in output
    assert "Studio stopped; nothing left running." in output


def _processes(tmp_path: Path) -> dict[str, dict[str, object]]:
    """What the supervisor last told the Status page, by process name."""
    try:
        return {item["name"]: item for item in json.loads((tmp_path / "processes.json").read_text())["processes"]}
    except (OSError, ValueError):
        return {}


def test_a_killed_worker_or_redis_is_restarted_and_the_studio_stays_up(tmp_path: Path) -> None:
    env = _env(tmp_path)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
    log_path = tmp_path / "up.log"
    log = log_path.open("w")
    studio = subprocess.Popen([*manage, "studio_up"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{env['STUDIO_PORT']}/healthz"
    healthy = lambda: bool((_healthz(url) or {}).get("ok"))  # noqa: E731
    try:
        wait_until(healthy, timeout=60, what="not healthy", log_path=log_path)
        for name in ("worker", "redis"):
            os.kill(int(_processes(tmp_path)[name]["pid"]), signal.SIGKILL)  # Celery's main process, redis-server
            restarted = lambda name=name: _processes(tmp_path)[name]["restarts"] == 1  # noqa: E731
            wait_until(restarted, timeout=30, what=f"{name} not restarted", log_path=log_path)
            assert _processes(tmp_path)[name]["last_exit_code"] == -signal.SIGKILL
            wait_until(healthy, timeout=60, what="not healthy again", log_path=log_path)
        assert studio.poll() is None
        children = descendants(studio.pid)
        studio.send_signal(signal.SIGINT)
        assert studio.wait(timeout=40) == 0
        assert alive(children) == set()
    finally:
        if studio.poll() is None:
            studio.kill()
        log.close()
    output = log_path.read_text()
    assert "worker exited with code -9; restarting it in 1 s" in output
    assert "redis exited with code -9; restarting it in 1 s" in output
    assert "Studio stopped; nothing left running." in output
