"""The supervisor behind `./studio up`: prefixed output, first exit noticed, every process stopped."""

import io
import os
import sys
import time

from tests.processes import alive, descendants
from webapp.system.supervisor import Supervisor

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def test_it_prefixes_each_line_with_the_childs_name() -> None:
    out = io.StringIO()
    supervisor = Supervisor(env=dict(os.environ), out=out)
    child = supervisor.start("echo", [sys.executable, "-c", "print('hello'); print('world')"])
    child.process.wait(timeout=10)
    supervisor.stop()
    assert out.getvalue().splitlines() == ["echo   | hello", "echo   | world"]


def test_it_reports_the_first_child_to_exit() -> None:
    supervisor = Supervisor(env=dict(os.environ), out=io.StringIO())
    supervisor.start("sleeper", SLEEPER)
    quitter = supervisor.start("quitter", [sys.executable, "-c", "raise SystemExit(3)"])
    try:
        assert supervisor.wait_first_exit(poll_seconds=0.05) is quitter
        assert quitter.process.returncode == 3
    finally:
        supervisor.stop()


def test_it_stops_children_and_their_children() -> None:
    supervisor = Supervisor(env=dict(os.environ), out=io.StringIO())
    spawner = "import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])"
    parent = supervisor.start("parent", [sys.executable, "-c", f"{spawner}; time.sleep(60)"])
    sleeper = supervisor.start("sleeper", SLEEPER)
    deadline = time.monotonic() + 10
    while not descendants(parent.process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    started = {parent.process.pid, sleeper.process.pid} | descendants(parent.process.pid)
    assert len(started) == 3
    supervisor.stop(timeout=5)
    # SIGKILL is delivered asynchronously: on a busy machine the orphaned grandchild may take a moment to go.
    deadline = time.monotonic() + 30
    while alive(started) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert alive(started) == set()
