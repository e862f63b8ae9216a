"""`./studio up`: the embedded Redis, a Celery worker, the ASGI web server and the reaper, started and stopped together;
one that crashes is restarted (with back-off), logged, and shown on the Status page."""

import os
import signal
import socket
import sys
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from webapp.accounts import selectors as account_selectors
from webapp.accounts import services as account_services
from webapp.accounts.models import User
from webapp.system.embedded_redis import redis_server_argv, redis_wait
from webapp.system.processes import ProcessState, processes_write
from webapp.system.supervisor import Child, Supervisor
from webapp.system.web_server import uvicorn_argv


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """SIGINT and SIGTERM stop the Studio alike (installed explicitly: a background start ignores SIGINT)."""
    raise KeyboardInterrupt


def _reachable_host(host: str) -> str:
    """Where to reach a server bound to `host`: a wildcard bind is reached through loopback."""
    return "127.0.0.1" if host in ("0.0.0.0", "::") else host


def _port_busy(host: str, port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex((host, port)) == 0


def _wait_listening(host: str, port: int, *, timeout: float, supervisor: Supervisor) -> None:
    """Until the web server accepts connections, or a child dies during start-up."""
    deadline = time.monotonic() + timeout
    while not _port_busy(host, port):
        if any(child.process.poll() is not None for child in supervisor.children):
            raise CommandError("a Studio process exited during start-up; see its output above")
        if time.monotonic() > deadline:
            raise CommandError(f"the web server did not listen on {host}:{port} within {timeout:.0f} s")
        time.sleep(0.2)


def _report(children: list[Child]) -> None:
    """Tell the Status page (through a file under VAR_DIR) which processes run and how often each was restarted."""
    processes_write([
        ProcessState(name=child.name, pid=child.process.pid, state=child.state, restarts=child.restarts,
                     last_exit_code=child.last_exit_code, last_exit_at=child.last_exit_at)
        for child in children
    ])  # fmt: skip


# Mingle and gossip only chat between workers; without them a worker is ready about a second sooner.
_WORKER_FLAGS = ("-l", "INFO", "--without-mingle", "--without-gossip")


class Command(BaseCommand):
    help = "Run the whole Studio (Redis unless REDIS_URL is set, a Celery worker, the web server) until Ctrl-C."

    def handle(self, *args: Any, **options: Any) -> None:
        signal.signal(signal.SIGINT, _interrupt)
        signal.signal(signal.SIGTERM, _interrupt)
        supervisor = Supervisor(env=self._child_env(), on_change=_report)
        try:
            self._run(supervisor)
        except KeyboardInterrupt:
            self.stdout.write("\nStopping the Studio…")
        finally:
            # A second Ctrl-C or SIGTERM must not interrupt the shutdown and leave children behind.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            supervisor.stop()
        self.stdout.write("Studio stopped; nothing left running.")

    def _run(self, supervisor: Supervisor) -> None:
        host, port = settings.STUDIO_HOST, settings.STUDIO_PORT
        self._check_ports(host, port)
        if settings.REDIS_EMBEDDED:
            argv = redis_server_argv(port=settings.EMBEDDED_REDIS_PORT, data_dir=settings.VAR_DIR / "redis")
            try:
                redis_wait(settings.REDIS_URL, timeout=20, process=supervisor.start("redis", argv).process)
            except (RuntimeError, TimeoutError) as error:
                raise CommandError(f"the embedded Redis did not start: {error}") from None
        admin = self._bootstrap_admin()
        supervisor.start("worker", self._worker_argv())
        supervisor.start("web", self._web_argv(host, port))
        # Fails jobs whose worker died, even when that was the only worker and nobody has a page open.
        supervisor.start("reaper", [sys.executable, str(settings.BASE_DIR / "manage.py"), "reap"])
        _wait_listening(_reachable_host(host), port, timeout=60, supervisor=supervisor)
        base_url = f"http://{_reachable_host(host)}:{port}/"
        self._banner(base_url, admin_email=admin.email if admin else "")
        _report(supervisor.children)
        supervisor.supervise()  # until Ctrl-C or SIGTERM: a process that exits is restarted, never the end

    def _bootstrap_admin(self) -> User | None:
        try:
            return account_services.admin_bootstrap(
                email=settings.STUDIO_ADMIN_EMAIL,
                password=settings.STUDIO_ADMIN_PASSWORD,
                team_name=settings.STUDIO_ADMIN_TEAM,
            )
        except ValidationError as error:
            raise CommandError(f"STUDIO_ADMIN_EMAIL / STUDIO_ADMIN_PASSWORD refused: {error.messages}") from None

    def _check_ports(self, host: str, port: int) -> None:
        if _port_busy(_reachable_host(host), port):
            raise CommandError(f"port {port} is in use (another Studio?): stop it or set STUDIO_PORT")
        if settings.REDIS_EMBEDDED and _port_busy("127.0.0.1", settings.EMBEDDED_REDIS_PORT):
            raise CommandError(
                f"port {settings.EMBEDDED_REDIS_PORT} for the embedded Redis is in use (another Studio?): "
                "stop it, set STUDIO_REDIS_PORT, or point REDIS_URL at that Redis"
            )

    def _child_env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "webapp.settings",
            "REDIS_URL": settings.REDIS_URL,
            "PYTHONUNBUFFERED": "1",
        }

    def _worker_argv(self) -> list[str]:
        queues = ",".join(settings.STUDIO_WORKER_QUEUES)
        celery = [sys.executable, "-m", "celery", "-A", "worker", "worker"]
        return [*celery, "-Q", queues, "-n", "studio@%h", *_WORKER_FLAGS]

    def _web_argv(self, host: str, port: int) -> list[str]:
        return uvicorn_argv(host=host, port=port)

    def _banner(self, base_url: str, *, admin_email: str) -> None:
        if admin_email:
            login = f"Sign in as {admin_email} with the password in STUDIO_ADMIN_PASSWORD."
        elif account_selectors.user_any_exists():
            login = "Sign in with your account (add people under /admin/)."
        else:
            login = f"No account yet: open {base_url}setup/ to create the first one."
        lines = [
            "",
            f"  Mini-ResEmoteNet Studio is running at {base_url}",
            f"  {login}",
            f"  Health: {base_url}healthz   API docs: {base_url}api/docs/",
            "  Press Ctrl-C to stop the web server, the worker and Redis together (one that crashes is restarted).",
            "",
        ]
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))
