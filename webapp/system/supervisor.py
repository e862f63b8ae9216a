"""Start several processes, show their output side by side, restart any that dies, and stop all of them together.

Children run in their own sessions, so a Ctrl-C in the terminal reaches only the supervisor, which then
stops them in reverse order (web and worker before the Redis they use). Each child also gets SIGTERM
from the kernel if the supervisor dies abruptly, so nothing is left running.

A child that exits on its own (a crash, a kill -9, the OOM killer) is restarted by `supervise()` after a back-off
that doubles with each quick crash in a row (1 s, 2 s, 4 s … at most 30 s) and starts again at 1 s once a child
has run for a minute; only `stop()` (Ctrl-C, SIGTERM) ends the Studio. What is left of the dead child's session
(Celery's pool processes) is killed first, so the new process never competes with orphans of the old one.
"""

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

_PR_SET_PDEATHSIG = 1
FIRST_BACKOFF_SECONDS, MAX_BACKOFF_SECONDS = 1.0, 30.0
STABLE_SECONDS = 60.0  # a child that ran this long before exiting was healthy: its back-off starts afresh


def backoff_seconds(quick_exits: int) -> float:
    """How long to wait before restarting a child that exited `quick_exits` times in a row soon after starting."""
    return min(MAX_BACKOFF_SECONDS, FIRST_BACKOFF_SECONDS * 2**quick_exits)


def _detach_with_parent() -> None:
    """In the child, before exec: own session (no terminal Ctrl-C), and die when the supervisor dies."""
    os.setsid()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Child:
    """One supervised process, and its history of restarts."""

    name: str
    process: subprocess.Popen[bytes]
    argv: list[str] = field(default_factory=list)
    pump: threading.Thread | None = field(default=None, repr=False)
    started_at: float = 0.0  # on the supervisor's clock
    restarts: int = 0
    quick_exits: int = 0  # exits in a row, each soon after its start
    last_exit_code: int | None = None
    last_exit_at: float | None = None  # wall-clock time (time.time()), for people
    restart_at: float | None = None  # when it is due to start again; None while it runs

    @property
    def state(self) -> str:
        """Either "running", or "restarting" while it waits out its back-off."""
        return "restarting" if self.restart_at is not None else "running"


class Supervisor:
    """Owns the children: starts them, restarts those that exit (`supervise`), stops them all."""

    def __init__(
        self,
        *,
        env: dict[str, str],
        out: IO[str] | None = None,
        clock: Callable[[], float] = time.monotonic,
        on_change: Callable[[list[Child]], None] | None = None,
    ) -> None:
        self.env = env
        self.out = out or sys.stdout
        self.clock, self.on_change = clock, on_change
        self.children: list[Child] = []
        self._width = 6
        self._stopping = False

    def start(self, name: str, argv: list[str]) -> Child:
        """Start `argv` with its output prefixed by `name`."""
        child = Child(name=name, process=self._spawn(name, argv), argv=argv, started_at=self.clock())
        self._pump_output(child)
        self.children.append(child)
        return child

    def supervise(self, *, poll_seconds: float = 0.5, until: Callable[[], bool] = lambda: False) -> None:
        """Keep every child running until `until()` is true (or a KeyboardInterrupt): restart each that exits."""
        while not until():
            self.restart_exited()
            time.sleep(poll_seconds)

    def restart_exited(self) -> list[Child]:
        """One round: schedule a restart for each child that just exited, and start those whose back-off is over."""
        if self._stopping:
            return []
        changed = [child for child in self.children if self._notice_exit(child) or self._restart_if_due(child)]
        if changed and self.on_change is not None:
            self.on_change(self.children)
        return changed

    def _notice_exit(self, child: Child) -> bool:
        code = child.process.poll()
        if code is None or child.restart_at is not None:
            return False
        _kill_session(child.process)
        quick = self.clock() - child.started_at < STABLE_SECONDS
        child.quick_exits = child.quick_exits + 1 if quick else 0
        delay = backoff_seconds(child.quick_exits - 1 if quick else 0)
        child.last_exit_code, child.last_exit_at, child.restart_at = code, time.time(), self.clock() + delay
        self._say(f"{child.name} exited with code {code}; restarting it in {delay:.0f} s")
        return True

    def _restart_if_due(self, child: Child) -> bool:
        if child.restart_at is None or self.clock() < child.restart_at:
            return False
        if child.pump is not None:
            child.pump.join(timeout=2)  # the old output is all written before the new one starts
        child.process, child.started_at, child.restart_at = self._spawn(child.name, child.argv), self.clock(), None
        child.restarts += 1
        self._pump_output(child)
        self._say(f"{child.name} restarted (pid {child.process.pid}, restart #{child.restarts})")
        return True

    def _spawn(self, name: str, argv: list[str]) -> subprocess.Popen[bytes]:
        self._width = max(self._width, len(name))
        return subprocess.Popen(
            argv, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, preexec_fn=_detach_with_parent
        )

    def _pump_output(self, child: Child) -> None:
        child.pump = threading.Thread(target=self._pump, args=(child, child.process), name=f"pump-{child.name}",
                                      daemon=True)  # fmt: skip
        child.pump.start()

    def _say(self, line: str) -> None:
        self.out.write(f"{'studio':<{self._width}} | {line}\n")
        self.out.flush()

    def wait_first_exit(self, poll_seconds: float = 0.5) -> Child:
        """Block until some child exits, and return it."""
        while True:
            for child in self.children:
                if child.process.poll() is not None:
                    return child
            time.sleep(poll_seconds)

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM each child, newest first, and SIGKILL its whole session if it lingers; none is restarted after."""
        self._stopping = True
        for child in reversed(self.children):
            self._stop_one(child, timeout)
        for child in self.children:
            if child.pump is not None:
                child.pump.join(timeout=2)

    def _stop_one(self, child: Child, timeout: float) -> None:
        if child.process.poll() is None:
            child.process.send_signal(signal.SIGTERM)
            try:
                child.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.out.write(f"{child.name} did not stop within {timeout:.0f} s; killing it\n")
        _kill_session(child.process)
        child.process.wait()

    def _pump(self, child: Child, process: subprocess.Popen[bytes]) -> None:
        assert process.stdout is not None
        for raw in iter(process.stdout.readline, b""):
            line = raw.decode("utf-8", errors="replace").rstrip("\n")
            self.out.write(f"{child.name:<{self._width}} | {line}\n")
            self.out.flush()


def _kill_session(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL what is left of a child's session (Celery's pool): none may outlive it."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
