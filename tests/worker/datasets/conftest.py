"""Fixtures of the worker's dataset tests: a private MEDIA_ROOT and cache, and imports ready to run."""

from collections.abc import Callable

import pytest

from tests.dataset_factories import DatasetFactory
from tests.dataset_files import media_root, uploaded
from webapp.accounts.models import Team
from webapp.datasets import services
from webapp.datasets.models import DatasetImport

__all__ = ["media_root"]

ImportMaker = Callable[[str, bytes], DatasetImport]


@pytest.fixture
def stored_import(team: Team, media_root: object) -> ImportMaker:
    """`stored_import(name, data)`: an upload checked and stored as the web app stores it, not queued."""

    def make(name: str, data: bytes) -> DatasetImport:
        dataset = DatasetFactory(team=team)
        return services.dataset_import_create(dataset=dataset, user=None, upload=uploaded(name, data), enqueue=False)

    return make
