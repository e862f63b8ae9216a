"""The test suite's own flush retry (tests/conftest.py): a deadlocked flush runs again; any other failure does not."""

from collections.abc import Callable

import pytest
from django.core.management.base import CommandError
from django.db import OperationalError

from tests.conftest import retry_after_a_deadlock


def _failing(cause: Exception, times: int) -> tuple[list[int], Callable[[], None]]:
    calls: list[int] = []

    def flush() -> None:
        calls.append(1)
        if len(calls) <= times:
            raise CommandError("Database test_studio couldn't be flushed.") from cause

    return calls, flush


def test_a_flush_that_deadlocked_runs_again() -> None:
    calls, flush = _failing(OperationalError("deadlock detected\\nDETAIL: ..."), times=2)

    retry_after_a_deadlock(flush)

    assert len(calls) == 3


def test_a_flush_that_keeps_deadlocking_fails_in_the_end() -> None:
    calls, flush = _failing(OperationalError("deadlock detected"), times=10)

    with pytest.raises(CommandError):
        retry_after_a_deadlock(flush, attempts=3)
    assert len(calls) == 3


def test_any_other_flush_failure_is_not_retried() -> None:
    calls, flush = _failing(OperationalError('relation "runs_run" does not exist'), times=1)

    with pytest.raises(CommandError):
        retry_after_a_deadlock(flush)
    assert len(calls) == 1
