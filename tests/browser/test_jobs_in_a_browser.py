"""Jobs in a real browser: submit a one-epoch distillation on the CPU worker and watch it live; cancel a job."""

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings

from tests.browser.conftest import sign_in
from tests.live_jobs import face_version_create, teacher_create, use_live_media
from tests.stack import LiveStudio
from webapp.accounts.models import Team, User
from webapp.datasets.models import DatasetVersion
from webapp.runs.models import Run

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _fill_tiny_job(page: Page, version: DatasetVersion, *, epochs: int) -> None:
    page.get_by_label("Dataset version").select_option(str(version.pk))
    page.get_by_label("Model").select_option("mini_resemotenet")
    page.get_by_label("Width").fill("0.0625")
    page.get_by_label("Epochs").fill(str(epochs))
    page.get_by_label("Batch size").fill("8")
    page.get_by_label("Learning rate").fill("0.01")
    page.get_by_label("Device").select_option("cpu")


def test_it_distils_a_student_and_draws_its_curves_live(
    page: Page, live_studio: LiveStudio, alice: User, team: Team, settings: Settings
) -> None:
    media = use_live_media(settings, live_studio)
    version = face_version_create(team=team, user=alice, per_class=12)
    teacher = teacher_create(team=team, version=version, media=media)
    sign_in(page, live_studio, next_path="/jobs/", landing="Jobs")

    _fill_tiny_job(page, version, epochs=2)
    page.get_by_label("Distil from").select_option(str(teacher.pk))
    expect(page.get_by_label("Temperature T")).to_be_visible()
    page.get_by_label("Temperature T").fill("3")
    page.get_by_label("α").fill("0.7")
    page.get_by_role("button", name="Queue job").click()

    expect(page).to_have_url(re.compile(r"/jobs/\d+/$"))
    run = Run.objects.latest("id")
    assert (run.teacher, run.config["distill"]["temperature"], run.config["distill"]["alpha"]) == (teacher, 3.0, 0.7)
    expect(page.locator("[data-role=cpu]").first).to_have_text("runs on CPU — slow")
    chart = page.locator("#loss-chart")
    expect(chart).to_have_attribute("data-batch-points", re.compile(r"^[1-9]\d*$"), timeout=60_000)
    expect(chart).to_have_attribute("data-epoch-points", "2", timeout=60_000)
    expect(page.locator("#run-status [data-role=status]")).to_have_text("Succeeded", timeout=60_000)
    expect(page.locator("#epochs tbody tr")).to_have_count(2)
    expect(page.locator("#results")).to_contain_text("Test accuracy")


def test_it_cancels_a_running_job(
    page: Page, live_studio: LiveStudio, alice: User, team: Team, settings: Settings
) -> None:
    use_live_media(settings, live_studio)
    version = face_version_create(team=team, user=alice)
    sign_in(page, live_studio, next_path="/jobs/", landing="Jobs")
    _fill_tiny_job(page, version, epochs=500)
    page.get_by_role("button", name="Queue job").click()

    status = page.locator("#run-status [data-role=status]")
    expect(status).to_have_text("Running", timeout=60_000)
    page.get_by_role("button", name="Cancel job").click()
    expect(page.get_by_text("Stopping the job: its worker stops within seconds.")).to_be_visible()
    expect(status).to_have_text("Cancelled", timeout=15_000)
    expect(page.locator("#run-message")).to_contain_text("Cancelled by alice@example.com after")
    expect(page.get_by_role("button", name="Retry")).to_be_visible()
