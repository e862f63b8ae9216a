"""What went wrong in a worker task, in words a user can act on (or that say retrying may help), and how it is logged.

Expected failures (a setting that cannot work, a dataset that cannot be read, a GPU out of memory) are the user's to
fix: the task records its message, logs one INFO line and raises `TaskFailedError`, which every task lists in Celery's
`throws`, so Celery logs it as one line too. Anything else is a fault of ours: it propagates, and Celery logs it once
as an error with its traceback.
"""

import logging

import torch

from kdcore.config import ConfigError
from kdcore.data import DatasetError

logger = logging.getLogger(__name__)

EXPECTED_ERRORS: tuple[type[BaseException], ...] = (ConfigError, DatasetError, torch.cuda.OutOfMemoryError)


class TaskFailedError(Exception):
    """A task ended on an expected failure, already recorded on its row with a message a user can act on."""


def failure_message(error: BaseException) -> str:
    """What went wrong, in words that say what to change (or that retrying may help)."""
    if isinstance(error, torch.cuda.OutOfMemoryError):
        return "The GPU ran out of memory: lower the batch size (or pick a smaller model) and submit again."
    if isinstance(error, ConfigError):
        return f"The job's settings are not valid: {error}. Submit it again with these fixed."
    if isinstance(error, DatasetError | ValueError | FileNotFoundError):
        return str(error)
    if isinstance(error, RuntimeError) and "CUDA" in str(error):
        return f"{error}. Choose device 'auto' or 'cpu', or run a worker on a GPU host, and retry."
    said = str(error).rstrip(". ")
    return f"{type(error).__name__}: {said}. Retry the job; if it fails again, the worker's log says more."


def is_expected(error: BaseException) -> bool:
    """Whether the failure is the user's to fix (settings, data, memory) rather than a fault of ours."""
    return isinstance(error, EXPECTED_ERRORS)


def expected_failure(error: BaseException, *, task: str) -> TaskFailedError:
    """Log an expected failure of `task` ("job #4") as one INFO line; returns the exception the task raises instead."""
    message = failure_message(error)
    logger.info("%s failed: %s", task, message)
    return TaskFailedError(message)
