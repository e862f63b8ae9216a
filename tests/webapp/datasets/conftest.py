"""Fixtures of the datasets tests: a private MEDIA_ROOT, a stand-in for the queue, and versions with faces."""

from collections.abc import Iterator
from unittest import mock

import pytest

from tests.dataset_files import media_root

__all__ = ["media_root"]


@pytest.fixture
def enqueued() -> Iterator[mock.MagicMock]:
    """Imports are queued through `jobs.enqueue_dataset_import`; this records the calls instead."""
    with mock.patch("webapp.jobs.enqueue_dataset_import") as enqueue:
        yield enqueue
