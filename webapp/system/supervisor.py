"""Start several processes, show their output side by side, and stop all of them together.

Children run in their own sessions, so a Ctrl-C in the terminal reaches only the supervisor, which then
stops them in reverse order (web and worker before the Redis they use). Each child also gets SIGTERM
from the kernel if the supervisor dies abruptly, so nothing is left running.
"""

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import IO

_PR_SET_PDEATHSIG = 1


def _detach_with_parent() -> None:
    """In the child, before exec: own session (no terminal Ctrl-C), and die when the supervisor dies."""
    os.setsid()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Child:
    """One supervised process."""

    name: str
    process: subprocess.Popen[bytes]
    pump: threading.Thread | None = field(default=None, repr=False)


class Supervisor:
    """Owns the children: starts them, reports the first to exit, stops them all."""

    def __init__(self, *, env: dict[str, str], out: IO[str] | None = None) -> None:
        self.env = env
        self.out = out or sys.stdout
        self.children: list[Child] = []
        self._width = 6

    def start(self, name: str, argv: list[str]) -> Child:
        """Start `argv` with its output prefixed by `name`."""
        process = subprocess.Popen(
            argv, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, preexec_fn=_detach_with_parent
        )
        child = Child(name=name, process=process)
        self._width = max(self._width, len(name))
        child.pump = threading.Thread(target=self._pump, args=(child,), name=f"pump-{name}", daemon=True)
        child.pump.start()
        self.children.append(child)
        return child

    def wait_first_exit(self, poll_seconds: float = 0.5) -> Child:
        """Block until some child exits, and return it."""
        while True:
            for child in self.children:
                if child.process.poll() is not None:
                    return child
            time.sleep(poll_seconds)

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM each child, newest first, and SIGKILL its whole session if it lingers."""
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
        # The session may hold grandchildren (Celery's pool): make sure none outlives the supervisor.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.process.pid, signal.SIGKILL)
        child.process.wait()

    def _pump(self, child: Child) -> None:
        assert child.process.stdout is not None
        for raw in iter(child.process.stdout.readline, b""):
            line = raw.decode("utf-8", errors="replace").rstrip("\n")
            self.out.write(f"{child.name:<{self._width}} | {line}\n")
            self.out.flush()
