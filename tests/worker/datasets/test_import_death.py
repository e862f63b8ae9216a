"""A worker that dies mid-import: the import is failed with the reason within a minute, and can be retried."""

import os
import signal
from unittest import mock

import pytest
from django.db import connection, transaction
from pytest_django.fixtures import Settings

from tests.dataset_files import emotion_zip, uploaded
from tests.live_jobs import use_live_media
from tests.stack import DoomedWorker, LiveStudio, wait_until
from webapp import jobs
from webapp.accounts.models import Team, User
from webapp.datasets import services
from webapp.datasets.models import Dataset, DatasetImport

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.mark.skipif(connection.vendor == "sqlite", reason="holds a row lock, which SQLite does not have")
def test_it_fails_the_import_of_a_killed_worker_within_a_minute(
    live_studio: LiveStudio, doomed_worker: DoomedWorker, alice: User, team: Team, settings: Settings
) -> None:
    use_live_media(settings, live_studio)
    with mock.patch("webapp.jobs.enqueue_dataset_import"):
        created = services.dataset_upload_create(
            team=team, user=alice, name="Doomed faces", upload=uploaded("faces.zip", emotion_zip())
        )
    with transaction.atomic():
        # Saving the version locks the dataset's row first: holding that lock stops the import there, mid-way.
        Dataset.objects.select_for_update().get(pk=created.dataset_id)
        jobs.enqueue_dataset_import(import_id=created.pk, queue=doomed_worker.queue)
        wait_until(
            lambda: DatasetImport.objects.get(pk=created.pk).message.startswith("Saving"),
            timeout=90, what="the import did not reach its last step", log_path=live_studio.log_path,
        )  # fmt: skip
        os.killpg(doomed_worker.child.process.pid, signal.SIGKILL)  # the whole worker, pool and all
    wait_until(
        lambda: DatasetImport.objects.get(pk=created.pk).status != DatasetImport.Status.RUNNING,
        timeout=60, what="the import still looks running a minute after its worker died",
    )  # fmt: skip
    failed = DatasetImport.objects.get(pk=created.pk)
    assert failed.status == DatasetImport.Status.FAILED
    assert failed.errors[-1].startswith(f"Worker {doomed_worker.hostname} stopped responding at 90% of the import")
    assert failed.version is None
    assert failed.can_retry
