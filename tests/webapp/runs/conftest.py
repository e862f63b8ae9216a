"""Shared by the runs tests: a dataset version of alice's team, a media folder, a fake enqueue."""

from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from pytest_django.fixtures import Settings

from tests.dataset_factories import DatasetFactory, version_with_faces
from webapp.accounts.models import Team
from webapp.datasets.models import DatasetVersion


@pytest.fixture
def version(team: Team) -> DatasetVersion:
    return version_with_faces(DatasetFactory(team=team))


@pytest.fixture
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def enqueue() -> Iterator[mock.Mock]:
    """`jobs.enqueue_training`, replaced: tests see what would be queued, and nothing is."""
    with mock.patch("webapp.jobs.enqueue_training") as fake:
        yield fake
