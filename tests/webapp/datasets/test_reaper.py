"""The import reaper fails a running import whose worker died, with the reason, and leaves healthy ones alone."""

from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.dataset_factories import DatasetFactory
from tests.dataset_files import emotion_zip, uploaded
from tests.factories import WorkerHeartbeatFactory
from webapp.accounts.models import Team
from webapp.datasets import services
from webapp.datasets.models import DatasetImport
from webapp.system import services as system_services

pytestmark = pytest.mark.usefixtures("media_root", "redis")


def _running(team: Team, *, host: str, started_s_ago: float, silent_s: float) -> DatasetImport:
    with mock.patch("webapp.jobs.enqueue_dataset_import"):
        dataset_import = services.dataset_import_create(
            dataset=DatasetFactory(team=team), user=None, upload=uploaded("faces.zip", emotion_zip())
        )
    services.dataset_import_start(import_id=dataset_import.pk, hostname=host)
    now = timezone.now()
    DatasetImport.objects.filter(pk=dataset_import.pk).update(
        started_at=now - timedelta(seconds=started_s_ago), heartbeat_at=now - timedelta(seconds=silent_s), progress=0.42
    )
    return DatasetImport.objects.get(pk=dataset_import.pk)


@pytest.fixture
def live_worker(redis: Any) -> str:
    heartbeat = WorkerHeartbeatFactory(hostname="cpu@live")
    system_services.worker_heartbeat_record(heartbeat=heartbeat)
    return heartbeat.hostname


def test_it_fails_an_import_whose_worker_left_the_registry(team: Team, live_worker: str) -> None:
    gone = _running(team, host="dead@box", started_s_ago=60, silent_s=25)
    alive = _running(team, host=live_worker, started_s_ago=60, silent_s=25)
    assert services.dataset_import_reap_stale() == [gone.pk]
    gone.refresh_from_db()
    alive.refresh_from_db()
    assert gone.status == DatasetImport.Status.FAILED
    assert gone.errors == [
        "Worker dead@box stopped responding at 42% of the import, so it was stopped. "
        "Nothing was imported; the upload is kept: retry the import to run it again."
    ]
    assert gone.version is None
    assert alive.status == DatasetImport.Status.RUNNING


def test_it_gives_a_just_started_worker_time_to_register(team: Team) -> None:
    fresh = _running(team, host="new@box", started_s_ago=2, silent_s=2)
    assert services.dataset_import_reap_stale() == []
    fresh.refresh_from_db()
    assert fresh.status == DatasetImport.Status.RUNNING


def test_it_fails_an_import_silent_for_too_long_even_with_a_live_worker(
    team: Team, live_worker: str, settings: Any
) -> None:
    hung = _running(team, host=live_worker, started_s_ago=900, silent_s=settings.TASK_STALE_SECONDS + 1)
    assert services.dataset_import_reap_stale() == [hung.pk]


def test_it_never_touches_an_import_that_ended(team: Team) -> None:
    done = _running(team, host="dead@box", started_s_ago=60, silent_s=2)
    services.dataset_import_fail(import_id=done.pk, message="bad CSV")
    assert services.dataset_import_reap_stale() == []
    done.refresh_from_db()
    assert done.errors == ["bad CSV"]


def test_the_reap_command_fails_dead_imports_too(team: Team, capsys: Any) -> None:
    gone = _running(team, host="dead@box", started_s_ago=60, silent_s=25)
    call_command("reap", "--once")
    assert f"import #{gone.pk} failed: its worker stopped responding" in capsys.readouterr().out
