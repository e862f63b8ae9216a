"""What went wrong in a worker task, in words a user can act on (or that say retrying may help)."""

import torch

from kdcore.config import ConfigError
from kdcore.data import DatasetError


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
