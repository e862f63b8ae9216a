"""The supervisor behind `./studio up`: prefixed output, first exit noticed, a child that exits restarted after a
back-off (its old session's leftovers killed first), every process stopped."""

import io
import os
import signal
import sys
import time

from tests.processes import alive, descendants
from webapp.system.supervisor import STABLE_SECONDS, Child, Supervisor, backoff_seconds

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


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


QUITTER = [sys.executable, "-c", "raise SystemExit(3)"]


def _exited(child: Child) -> Child:
    child.process.wait(timeout=30)
    return child


def test_the_back_off_doubles_with_each_quick_exit_up_to_half_a_minute() -> None:
    assert [backoff_seconds(n) for n in range(7)] == [1, 2, 4, 8, 16, 30, 30]


def test_it_restarts_a_child_that_exits_after_a_back_off_and_says_so() -> None:
    out, clock, changes = io.StringIO(), FakeClock(), []
    supervisor = Supervisor(env=dict(os.environ), out=out, clock=clock, on_change=lambda children: changes.append(1))
    quitter = _exited(supervisor.start("quitter", QUITTER))
    try:
        assert supervisor.restart_exited() == [quitter]
        assert (quitter.state, quitter.last_exit_code, quitter.restarts) == ("restarting", 3, 0)
        clock.now += 0.9
        assert supervisor.restart_exited() == []  # still waiting out its first second
        clock.now += 0.1
        first_pid = quitter.process.pid
        assert supervisor.restart_exited() == [quitter]
        assert (quitter.state, quitter.restarts) == ("running", 1)
        assert quitter.process.pid != first_pid
        _exited(quitter)
        supervisor.restart_exited()  # a quick exit again: twice the pause
        assert quitter.restart_at == clock.now + 2
    finally:
        supervisor.stop()
    lines = [line for line in out.getvalue().splitlines() if line.startswith("studio")]
    assert lines == [
        "studio  | quitter exited with code 3; restarting it in 1 s",
        f"studio  | quitter restarted (pid {quitter.process.pid}, restart #1)",
        "studio  | quitter exited with code 3; restarting it in 2 s",
    ]
    assert len(changes) == 3


def test_a_child_that_ran_for_a_while_is_restarted_after_a_second_again() -> None:
    clock = FakeClock()
    supervisor = Supervisor(env=dict(os.environ), out=io.StringIO(), clock=clock)
    quitter = supervisor.start("quitter", QUITTER)
    quitter.quick_exits = 4  # it crashed in a loop earlier
    clock.now += STABLE_SECONDS
    _exited(quitter)
    supervisor.restart_exited()
    assert quitter.restart_at == clock.now + 1
    supervisor.stop()


def test_a_killed_child_is_restarted_without_the_orphans_of_its_old_self() -> None:
    supervisor = Supervisor(env=dict(os.environ), out=io.StringIO())
    spawner = "import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])"
    parent = supervisor.start("parent", [sys.executable, "-c", f"{spawner}; time.sleep(60)"])
    try:
        deadline = time.monotonic() + 10
        while not descendants(parent.process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        orphans = descendants(parent.process.pid)
        os.kill(parent.process.pid, signal.SIGKILL)  # as `kill -9` of Celery's main process
        stopped_at = time.monotonic()
        supervisor.supervise(
            poll_seconds=0.05, until=lambda: parent.restarts == 1 or time.monotonic() > stopped_at + 30
        )
        assert parent.restarts == 1
        assert parent.process.poll() is None
        deadline = time.monotonic() + 30  # SIGKILL is delivered asynchronously
        while alive(orphans) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert alive(orphans) == set()
    finally:
        supervisor.stop(timeout=5)


def test_stop_ends_a_child_waiting_out_its_back_off_for_good() -> None:
    clock = FakeClock()
    supervisor = Supervisor(env=dict(os.environ), out=io.StringIO(), clock=clock)
    quitter = _exited(supervisor.start("quitter", QUITTER))
    supervisor.restart_exited()
    supervisor.stop()
    clock.now += 60
    assert supervisor.restart_exited() == []
    assert quitter.restarts == 0
