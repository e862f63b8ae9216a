"""Live pages survive the server dropping their WebSocket: they say so, reconnect, and catch up on what they missed.

The web server is stopped (uvicorn closes every socket, as in a restart), the work finishes while it is down, and
the server comes back: the page must show the finished work without a manual reload.
"""

import re
import time
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings

from tests.browser.conftest import sign_in
from tests.dataset_files import emotion_zip
from tests.live_jobs import face_version_create, use_live_media, wait_for_status
from tests.run_factories import TINY_SETTINGS
from tests.stack import LiveStudio
from webapp import jobs
from webapp.accounts.models import Team, User
from webapp.datasets import services as dataset_services
from webapp.datasets.models import DatasetImport
from webapp.runs import services as run_services
from webapp.runs.models import Run

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _drop_the_socket(page: Page, studio: LiveStudio) -> None:
    """Wait until the page's feed is live, stop the server, and see the page say it is reconnecting."""
    indicator = page.locator("#live-status")
    expect(indicator).to_have_attribute("data-state", "live")
    studio.web.stop()
    expect(indicator).to_have_attribute("data-state", "reconnecting")
    expect(indicator).to_be_visible()
    expect(indicator).to_have_text("Reconnecting…")


def _held_job(*, team: Team, user: User, epochs: int) -> Run:
    """A tiny CPU job that stays queued until the test hands it to the worker (`jobs.enqueue_training`)."""
    version = face_version_create(team=team, user=user)
    settings = {**TINY_SETTINGS, "epochs": epochs}
    with mock.patch("webapp.jobs.enqueue_training"):
        return run_services.run_create(team=team, user=user, dataset_version=version, teacher=None, settings=settings)


def _wait_for_import(dataset_import: DatasetImport, status: str, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        dataset_import.refresh_from_db()
        if dataset_import.status == status:
            return
        time.sleep(0.2)
    pytest.fail(f"import #{dataset_import.pk} is {dataset_import.status}, not {status}, after {timeout:.0f} s")


def test_it_follows_an_import_across_a_server_restart(
    page: Page, live_studio: LiveStudio, alice: User, team: Team, settings: Settings
) -> None:
    use_live_media(settings, live_studio)
    upload = SimpleUploadedFile("faces.zip", emotion_zip(), content_type="application/zip")
    with mock.patch("webapp.jobs.enqueue_dataset_import"):  # held back until the server is down
        dataset_import = dataset_services.dataset_upload_create(team=team, user=alice, name="Lab faces", upload=upload)
    sign_in(page, live_studio)
    page.goto(f"{live_studio.url}/datasets/{dataset_import.dataset_id}/")
    expect(page.locator(".import")).to_have_attribute("data-status", "queued")

    try:
        _drop_the_socket(page, live_studio)
        jobs.enqueue_dataset_import(import_id=dataset_import.pk)
        _wait_for_import(dataset_import, "succeeded", timeout=60)  # its events went nowhere
    finally:
        live_studio.web.start()

    expect(page.locator("#versions").get_by_role("link", name="v1")).to_be_visible(timeout=30_000)
    expect(page.locator("#imports")).to_contain_text("Imported 6 faces as v1")


def test_it_follows_a_job_across_a_server_restart(
    page: Page, live_studio: LiveStudio, alice: User, team: Team, settings: Settings
) -> None:
    use_live_media(settings, live_studio)
    run = _held_job(team=team, user=alice, epochs=2)  # queued once the server is down
    sign_in(page, live_studio)
    page.goto(f"{live_studio.url}/jobs/{run.pk}/")
    expect(page.locator("#run-status [data-role=status]")).to_have_text("Queued")

    try:
        _drop_the_socket(page, live_studio)
        jobs.enqueue_training(run_id=run.pk, queue=run.queue)
        wait_for_status(run, {"succeeded"}, timeout=90, studio=live_studio)
    finally:
        live_studio.web.start()

    expect(page.locator("#run-status [data-role=status]")).to_have_text("Succeeded", timeout=30_000)
    expect(page.locator("#loss-chart")).to_have_attribute("data-epoch-points", "2")
    expect(page.locator("#epochs tbody tr")).to_have_count(2)
    expect(page.locator("#stat-epoch")).to_have_text("2 / 2")
    expect(page.locator("#results")).to_contain_text("Test accuracy")
    expect(page.get_by_role("button", name="Cancel job")).to_be_hidden()
    expect(page.get_by_role("button", name="Retry")).to_be_visible()
    expect(page.locator("[data-role=finished]")).not_to_have_text("—")
    expect(page.locator("#live-status")).to_be_hidden()
    assert re.search(r"/jobs/\d+/$", page.url)


def test_it_stops_reconnecting_once_the_user_is_signed_out(
    page: Page, live_studio: LiveStudio, alice: User, team: Team, settings: Settings
) -> None:
    use_live_media(settings, live_studio)
    run = _held_job(team=team, user=alice, epochs=1)  # stays queued: the page keeps its feed open
    sign_in(page, live_studio)
    page.goto(f"{live_studio.url}/jobs/{run.pk}/")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")

    page.context.clear_cookies()  # signed out elsewhere: the server refuses the next handshake
    try:
        _drop_the_socket(page, live_studio)
    finally:
        live_studio.web.start()

    indicator = page.locator("#live-status")
    expect(indicator).to_have_attribute("data-state", "refused", timeout=30_000)
    expect(indicator).to_have_text("Live updates stopped: reload the page.")
