"""Live services for slow and browser tests: an embedded Redis, a real Celery worker and a real uvicorn.

The worker and web server are subprocesses run by the Studio's own `Supervisor`, configured like
`./studio up` but pointed at the test database (PostgreSQL in CI) and the test Redis. Tests that use them
must be transactional (`@pytest.mark.django_db(transaction=True)`) so the subprocesses see their rows.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings

from webapp.redis_client import redis_client
from webapp.system.embedded_redis import redis_server_argv, redis_wait
from webapp.system.models import WORKER_KEY_PREFIX
from webapp.system.supervisor import Child, Supervisor
from webapp.system.web_server import uvicorn_argv

START_TIMEOUT = 90  # seconds; two cores, cold imports


@dataclass(frozen=True)
class WebServer:
    """The live uvicorn, which a test may stop and start again: its WebSockets drop as in a real restart."""

    supervisor: Supervisor
    port: int
    log_path: Path

    def stop(self) -> None:
        """SIGTERM the server (uvicorn closes every WebSocket with 1012, "service restart") and wait for it."""
        for child in self.supervisor.children:
            if child.name == "web" and child.process.poll() is None:
                child.process.send_signal(signal.SIGTERM)
                child.process.wait(timeout=30)
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(child.process.pid, signal.SIGKILL)
        wait_until(lambda: not port_open(self.port), timeout=10, what="web server still listening")

    def start(self) -> None:
        """Start the server again on the same port; returns once it listens."""
        self.supervisor.start("web", _web_argv(self.port))
        listening = partial(port_open, self.port)
        wait_until(listening, timeout=START_TIMEOUT, what="web server not listening", log_path=self.log_path)


@dataclass(frozen=True)
class LiveStudio:
    """Where the live web server answers and which worker serves it."""

    url: str
    worker_hostname: str
    log_path: Path
    web: WebServer


def free_ports(count: int) -> list[int]:
    """``count`` distinct free ports: all are bound at once, so two calls' worth can never coincide."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def free_port() -> int:
    return free_ports(1)[0]


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_until(condition: Callable[[], bool], *, timeout: float, what: str, log_path: Path | None = None) -> None:
    """Poll `condition`; on timeout fail with the subprocess log, which says why."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            log = log_path.read_text()[-4000:] if log_path and log_path.exists() else ""
            pytest.fail(f"{what} within {timeout:.0f} s\n--- subprocess log ---\n{log}")
        time.sleep(0.2)


def database_url(settings_dict: dict[str, Any]) -> str:
    """A DATABASE_URL for the database Django is connected to (the test database, once set up)."""
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{settings_dict['NAME']}"
    user, password = quote(settings_dict["USER"] or "", safe=""), quote(settings_dict["PASSWORD"] or "", safe="")
    host, port = settings_dict["HOST"] or "localhost", settings_dict["PORT"] or 5432
    return f"postgres://{user}:{password}@{host}:{port}/{settings_dict['NAME']}"


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The test Redis: the embedded one on the port settings_test chose, or REDIS_URL when given."""
    if not settings.REDIS_EMBEDDED:
        yield settings.REDIS_URL
        return
    argv = redis_server_argv(port=settings.EMBEDDED_REDIS_PORT, data_dir=tmp_path_factory.mktemp("redis"))
    process = subprocess.Popen(  # the session's Redis needs no persistence: speed first
        [*argv, "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    try:
        redis_wait(settings.REDIS_URL, timeout=20, process=process)
        yield settings.REDIS_URL
    finally:
        process.terminate()
        process.wait(timeout=10)


def _forget_workers() -> None:
    client = redis_client()
    for key in client.scan_iter(match=WORKER_KEY_PREFIX + "*"):
        client.delete(key)


@pytest.fixture
def redis(redis_url: str) -> Iterator[Any]:
    """The test Redis with no worker heartbeats in it, before and after the test."""
    _forget_workers()
    yield redis_client()
    _forget_workers()


@pytest.fixture
def in_memory_channel_layer() -> Iterator[None]:
    """Channels' in-memory layer, for consumer unit tests that need no other process."""
    with override_settings(CHANNEL_LAYERS={"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}):
        yield


def _subprocess_env(redis_url: str, var_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "webapp.settings_test",
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": redis_url,
        "STUDIO_VAR_DIR": str(var_dir),
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture(scope="session")
def live_studio(
    django_db_setup: None, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveStudio]:
    """A real uvicorn, a real Celery worker (queues gpu and cpu) and the reaper, on the test database and Redis."""
    var_dir = tmp_path_factory.mktemp("live")
    log_path = var_dir / "stack.log"
    hostname, port = f"test-{uuid.uuid4().hex[:8]}@studio-tests", free_port()
    with log_path.open("w") as log:
        supervisor = Supervisor(env=_subprocess_env(redis_url, var_dir), out=log)
        try:
            supervisor.start("worker", _worker_argv(hostname))
            supervisor.start("web", _web_argv(port))
            supervisor.start("reaper", [sys.executable, str(settings.BASE_DIR / "manage.py"), "reap", "--every", "1"])
            wait_until(
                lambda: port_open(port), timeout=START_TIMEOUT, what="web server not listening", log_path=log_path
            )
            wait_until(
                lambda: bool(redis_client().exists(WORKER_KEY_PREFIX + hostname)),
                timeout=START_TIMEOUT,
                what="worker heartbeat not seen",
                log_path=log_path,
            )
            web = WebServer(supervisor=supervisor, port=port, log_path=log_path)
            yield LiveStudio(url=f"http://127.0.0.1:{port}", worker_hostname=hostname, log_path=log_path, web=web)
        finally:
            supervisor.stop()


def _worker_argv(hostname: str) -> list[str]:
    celery = [sys.executable, "-m", "celery", "-A", "worker", "worker", "-Q", "gpu,cpu", "-n", hostname]
    return [*celery, "-c", "1", "-l", "WARNING", "--without-mingle", "--without-gossip"]


def _web_argv(port: int) -> list[str]:
    return [*uvicorn_argv(host="127.0.0.1", port=port), "--log-level", "warning"]


@dataclass(frozen=True)
class DoomedWorker:
    """A worker of its own, on a queue of its own, that the test kills."""

    hostname: str
    queue: str
    child: Child


@pytest.fixture
def doomed_worker(live_studio: LiveStudio, redis_url: str) -> Iterator[DoomedWorker]:
    name = uuid.uuid4().hex[:8]
    hostname, queue = f"doomed-{name}@studio-tests", f"doomed-{name}"
    argv = [sys.executable, "-m", "celery", "-A", "worker", "worker", "-Q", queue, "-n", hostname, "-c", "1"]
    argv += ["-l", "WARNING", "--without-mingle", "--without-gossip"]
    log_path = live_studio.log_path.parent / f"{queue}.log"
    with log_path.open("w") as log:
        supervisor = Supervisor(env=_subprocess_env(redis_url, live_studio.log_path.parent), out=log)
        child = supervisor.start("doomed", argv)
        try:
            wait_until(
                lambda: bool(redis_client().exists(WORKER_KEY_PREFIX + hostname)),
                timeout=START_TIMEOUT, what="doomed worker heartbeat not seen", log_path=log_path,
            )  # fmt: skip
            yield DoomedWorker(hostname=hostname, queue=queue, child=child)
        finally:
            supervisor.stop(timeout=5)
