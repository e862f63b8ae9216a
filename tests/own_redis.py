"""A Redis of the test's own, which the test may kill, restart, freeze and thaw without touching the session's.

It runs exactly as `./studio up` runs the embedded one (append-only file and all), on its own port and folder.
"""

import contextlib
import os
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.stack import free_port
from webapp.system.embedded_redis import redis_server_argv, redis_wait


@dataclass
class RedisServer:
    """One redis-server process; `url` stays the same across restarts."""

    port: int
    data_dir: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start it (again, on the same port and data) and wait until it answers."""
        argv = redis_server_argv(port=self.port, data_dir=self.data_dir)
        log = (self.data_dir / "redis.log").open("ab")
        self.process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
        redis_wait(self.url, timeout=20, process=self.process)

    def kill(self) -> None:
        """SIGKILL, as a crash or the OOM killer would: no last save."""
        self._signal(signal.SIGKILL)
        assert self.process is not None
        self.process.wait(timeout=10)

    def freeze(self) -> None:
        """SIGSTOP: connections stay open and nothing answers, as with a hung host."""
        self._signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self._signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.thaw()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()

    def _signal(self, signum: int) -> None:
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.process.pid, signum)


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A started Redis of this test's own."""
    server = RedisServer(port=free_port(), data_dir=tmp_path / "own-redis")
    server.start()
    try:
        yield server
    finally:
        server.stop()
