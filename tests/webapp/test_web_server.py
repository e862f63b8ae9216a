"""The web server stops when told to, even while a client holds a request open (a stalled upload)."""

import os
import signal
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.stack import START_TIMEOUT, free_port, port_open, wait_until
from webapp.system.web_server import GRACEFUL_SHUTDOWN_S, uvicorn_argv

pytestmark = pytest.mark.slow

STALLED_UPLOAD = (
    b"POST /api/datasets/upload/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
    b"Content-Length: 1000000\r\n\r\n" + b"x" * 10
)


@pytest.fixture
def web_server(tmp_path: Path, redis_url: str) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """The Studio's own uvicorn command line on a free port, on SQLite, in a session of its own."""
    port = free_port()
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "webapp.settings_test", "REDIS_URL": redis_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'web.sqlite3'}", "STUDIO_VAR_DIR": str(tmp_path),
    }  # fmt: skip
    log_path = tmp_path / "web.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [*uvicorn_argv(host="127.0.0.1", port=port), "--log-level", "info"],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        wait_until(lambda: port_open(port), timeout=START_TIMEOUT, what="web server not listening", log_path=log_path)
        yield server, port
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def test_a_stalled_upload_does_not_keep_a_stopped_web_server_alive(
    web_server: tuple[subprocess.Popen[bytes], int],
) -> None:
    """Without a bound uvicorn waits for ever for the upload's body (seen as a restart that never ended)."""
    server, port = web_server
    with socket.create_connection(("127.0.0.1", port)) as stalled:
        stalled.sendall(STALLED_UPLOAD)
        server.send_signal(signal.SIGTERM)

        # The bound, plus generous room for a busy machine: a server that waits for ever never gets here. uvicorn
        # ends by re-raising the signal it was stopped with.
        assert server.wait(timeout=GRACEFUL_SHUTDOWN_S + 50) in (0, -signal.SIGTERM)
