"""Shared by the runs tests: a dataset version of alice's team, live workers in the registry, a media folder."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from pytest_django.fixtures import Settings

from tests.dataset_factories import DatasetFactory, version_with_faces
from tests.factories import WorkerHeartbeatFactory
from webapp.accounts.models import Team
from webapp.datasets.models import DatasetVersion
from webapp.system import services as system_services
from webapp.system.models import WorkerHeartbeat


@pytest.fixture
def version(team: Team) -> DatasetVersion:
    return version_with_faces(DatasetFactory(team=team))


@pytest.fixture
def gpu_worker(redis: Any) -> WorkerHeartbeat:
    heartbeat = WorkerHeartbeatFactory(hostname="gpu@box", gpus=["NVIDIA H100"])
    system_services.worker_heartbeat_record(heartbeat=heartbeat)
    return heartbeat


@pytest.fixture
def cpu_worker(redis: Any) -> WorkerHeartbeat:
    heartbeat = WorkerHeartbeatFactory(hostname="cpu@laptop", gpus=[])
    system_services.worker_heartbeat_record(heartbeat=heartbeat)
    return heartbeat


@pytest.fixture
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def enqueue() -> Iterator[mock.Mock]:
    """`jobs.enqueue_training`, replaced: tests see what would be queued, and nothing is."""
    with mock.patch("webapp.jobs.enqueue_training") as fake:
        yield fake
