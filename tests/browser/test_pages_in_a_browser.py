"""What the pages' scripts draw and how the pages fit: a phone's 390 px, the Compare page at 1280 px, live refreshes.

Finished jobs are made by factories (no worker needed); the live Studio serves them from the test database.
"""

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings

from tests.browser.conftest import sign_in
from tests.factories import WorkerHeartbeatFactory
from tests.live_jobs import face_version_create, use_live_media
from tests.run_factories import RunFactory, finished_run_create
from tests.stack import LiveStudio
from webapp.accounts.models import Team, User
from webapp.datasets.models import DatasetVersion
from webapp.redis_client import redis_client
from webapp.runs.models import Run
from webapp.system import services as system_services
from webapp.system.models import WORKER_KEY_PREFIX

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SEEN = re.compile(r"^(just now|\d+ s ago)$")


def _jobs(team: Team, version: DatasetVersion) -> list[Run]:
    """A teacher, a student from labels and two distilled students, with FER2013-sized confusion matrices."""
    teacher = finished_run_create(
        model="resemotenet", team=team, dataset_version=version, accuracy=0.72, parameters=12_400_000, latency_ms=4.1
    )
    common: dict[str, Any] = {"team": team, "dataset_version": version}
    return [
        teacher,
        finished_run_create(accuracy=0.66, parameters=790_000, latency_ms=0.9, **common),
        finished_run_create(teacher=teacher, accuracy=0.69, parameters=790_000, latency_ms=0.9, **common),
        finished_run_create(
            model="mini_resemotenet_c", teacher=teacher, accuracy=0.63, parameters=210_000, latency_ms=0.5, **common
        ),
    ]


def _chart(page: Page, selector: str, expression: str) -> Any:
    """Evaluate `expression` on the Chart.js chart drawn on `selector`'s canvas (its legend, its datasets)."""
    script = f"(selector) => {{ const chart = Chart.getChart(document.querySelector(selector)); return {expression}; }}"
    return page.evaluate(script, selector)


def test_every_changed_page_fits_a_phone_without_sideways_scrolling(
    page: Page, live_studio: LiveStudio, alice: User, team: Team, settings: Settings
) -> None:
    use_live_media(settings, live_studio)
    version = face_version_create(team=team, user=alice)
    jobs = _jobs(team, version)
    sign_in(page, live_studio)
    page.set_viewport_size(PHONE)
    paths = [
        "/",
        "/jobs/",
        f"/jobs/{jobs[2].pk}/",
        "/models/compare/?" + "&".join(f"runs={run.pk}" for run in jobs),
        f"/datasets/{version.dataset_id}/",
        f"/datasets/{version.dataset_id}/versions/{version.number}/",
        "/status/",
    ]
    for path in paths:
        page.goto(live_studio.url + path)
        page.wait_for_load_state("load")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} is {width} px wide at {PHONE['width']} px"


def test_it_shows_all_seven_classes_of_every_confusion_matrix_at_1280_px(
    page: Page, live_studio: LiveStudio, alice: User, team: Team
) -> None:
    jobs = _jobs(team, RunFactory(team=team).dataset_version)
    sign_in(page, live_studio)
    page.goto(live_studio.url + "/models/compare/?" + "&".join(f"runs={run.pk}" for run in jobs))

    tables = page.locator("table.confusion")
    expect(tables).to_have_count(4)
    for index in range(4):
        scroller = tables.nth(index).locator("xpath=..")
        assert scroller.evaluate("(box) => box.scrollWidth <= box.clientWidth"), f"matrix {index} scrolls"
        headers = tables.nth(index).locator("thead abbr")
        expect(headers).to_have_count(7)
        expect(headers.first).to_have_attribute("title", "angry")
        last, box = headers.last.bounding_box(), scroller.bounding_box()
        assert last is not None
        assert box is not None
        assert last["x"] + last["width"] <= box["x"] + box["width"], f"matrix {index} hides its last column"


def test_it_plots_accuracy_against_cost_with_the_teacher_marked_apart(
    page: Page, live_studio: LiveStudio, alice: User, team: Team
) -> None:
    jobs = _jobs(team, RunFactory(team=team).dataset_version)
    sign_in(page, live_studio)
    page.goto(live_studio.url + "/models/compare/?" + "&".join(f"runs={run.pk}" for run in jobs))

    expect(page.locator("#tradeoff-latency")).to_have_attribute("data-points", "4")
    expect(page.locator("#tradeoff-parameters")).to_have_attribute("data-points", "4")
    styles = _chart(page, "#tradeoff-parameters", "chart.data.datasets.map((d) => [d.pointStyle, d.backgroundColor])")
    assert [style for style, _ in styles] == ["rect", "circle", "circle", "circle"]
    assert styles[1][1] == "#ffffff"  # the student trained from labels alone is hollow; distilled ones are filled
    assert styles[2][1] != "#ffffff"
    assert _chart(page, "#tradeoff-parameters", "chart.scales.x.type") == "logarithmic"
    # The loss chart draws train and validation lines but lists each job once.
    legend = _chart(page, "#compare-loss", "chart.legend.legendItems.map((item) => item.text)")
    assert legend == [f"#{run.pk} {run.model_label}" for run in jobs]


def test_a_finished_jobs_page_shows_what_it_ran_and_no_empty_legend(
    page: Page, live_studio: LiveStudio, alice: User, team: Team
) -> None:
    version = RunFactory(team=team).dataset_version
    teacher = finished_run_create(model="resemotenet", team=team, dataset_version=version, accuracy=0.7)
    run = finished_run_create(teacher=teacher, team=team, dataset_version=version, accuracy=0.65, epochs=2)
    # A time limit planned 2 of 30 epochs; the last event still says 30, the metrics say what ran.
    run.config = {**run.config, "epochs": 30}
    run.progress = {**run.progress, "epochs": 30}
    run.save()
    sign_in(page, live_studio)
    page.goto(f"{live_studio.url}/jobs/{run.pk}/")

    expect(page.locator("#stat-epoch")).to_have_text("2 / 2")
    expect(page.locator("#loss-chart")).to_have_attribute("data-epoch-points", "2")
    assert _chart(page, "#loss-chart", "chart.legend.legendItems.map((item) => item.text)") == ["train, per epoch"]
    assert _chart(page, "#accuracy-chart", "chart.legend.legendItems.map((item) => item.text)") == [
        "train",
        "validation",
    ]
    expect(page.get_by_role("heading", name="Validation loss")).to_be_visible()
    expect(page.get_by_text("The KD + CE mix it minimises")).to_be_visible()
    expect(page.get_by_role("button", name="Retry")).to_have_class(re.compile(r"\bbutton-quiet\b"))


def test_the_status_page_lists_a_new_worker_without_a_reload(page: Page, live_studio: LiveStudio, alice: User) -> None:
    sign_in(page, live_studio)
    page.goto(live_studio.url + "/status/")
    expect(page.locator("#workers")).to_contain_text(live_studio.worker_hostname)
    expect(page.locator("#workers [data-role=seen]").first).to_have_text(SEEN)

    late = WorkerHeartbeatFactory(hostname="late@gpu-box")
    system_services.worker_heartbeat_record(heartbeat=late)
    try:
        row = page.locator("#workers tr", has_text=late.hostname)
        expect(row).to_be_visible(timeout=10_000)  # the page reads the health again every few seconds
        expect(row.locator("[data-role=seen]")).to_have_text(SEEN)
    finally:
        redis_client().delete(WORKER_KEY_PREFIX + late.hostname)


def test_the_dashboard_shows_a_new_job_without_a_reload(
    page: Page, live_studio: LiveStudio, alice: User, team: Team
) -> None:
    sign_in(page, live_studio)
    expect(page.locator("#latest-jobs")).to_contain_text("No jobs yet")

    run = RunFactory(team=team)
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")  # what a returning tab does
    expect(page.locator("#latest-jobs").get_by_role("link", name=f"#{run.pk} {run.model_label}")).to_be_visible()
    expect(page.locator("#summary [data-role=jobs]")).to_have_text("1 job · 1 queued or running · 0 models")
