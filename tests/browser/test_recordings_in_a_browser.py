"""Recordings in a real browser on the live Studio (uvicorn, a Celery worker, Redis): upload a sample clip through
the page, watch its timeline fill in live, then use the report (a strongest moment seeks the player, a task is
marked, the per-task CSV downloads, a share link works without an account); and an upload cut off after one chunk
resumes where it stopped once the page is reloaded and the same file selected again.

Every page shown is checked to fit 1280 and 390 px; set SCREENSHOTS_DIR to keep screenshots of them there.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import Browser, Page, Request, Route, expect
from pytest_django.fixtures import Settings

from tests.browser.conftest import sign_in, wait_for_true
from tests.live_jobs import use_live_media
from tests.recording_files import clip
from tests.stack import LiveStudio
from webapp.accounts.models import User
from webapp.recordings import storage
from webapp.recordings.models import Recording, RecordingUpload

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
WORK_S = 150_000  # ms: preparing and analysing on a CPU worker shared with the rest of the suite


def _shots(page: Page, name: str) -> None:
    """Check the page fits 1280 and 390 px without scrolling sideways; with SCREENSHOTS_DIR set, keep full-page
    screenshots of both there. The page is back at 1280 px after."""
    folder = os.environ.get("SCREENSHOTS_DIR")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(300)  # the charts resize on the next frame
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} overflows at {width} px"
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def test_it_uploads_a_clip_draws_its_timeline_live_and_reports_on_it(
    page: Page, browser: Browser, live_studio: LiveStudio, alice: User, settings: Settings
) -> None:
    use_live_media(settings, live_studio)
    sign_in(page, live_studio, next_path="/recordings/", landing="Recordings")
    expect(page.get_by_role("heading", name="No recordings yet")).to_be_visible()
    _shots(page, "list-empty")

    page.get_by_label("Video (.mp4").set_input_files(clip("single_face.mp4"))
    page.get_by_label("Name", exact=True).fill("Participant 3")
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page).to_have_url(re.compile(r"/recordings/\d+/$"))
    expect(page.get_by_role("heading", name="Participant 3")).to_be_visible()

    timeline = page.locator("#timeline-chart")
    expect(timeline).to_have_attribute("data-live-events", re.compile(r"^[1-9]\d*$"), timeout=WORK_S)
    expect(timeline).to_have_attribute("data-live-rows", re.compile(r"^[1-9]\d*$"))
    if page.locator("#analysis-status").text_content() == "Running":
        _shots(page, "analysis-running")
    expect(page.locator("#analysis-status")).to_have_text("Succeeded", timeout=WORK_S)
    expect(page.locator("body")).to_have_attribute("data-report", "ready")
    expect(timeline).to_have_attribute("data-mode", "report")
    expect(page.locator("#stat-frames")).to_have_text("72 / 72")
    expect(page.locator("#track-table tbody tr")).to_have_count(1)

    wait_for_true(page, "document.getElementById('player') && document.getElementById('player').readyState >= 1")
    moment = page.locator(".moment").first
    moment_time = float(moment.get_attribute("data-time") or "nan")
    moment.click()
    player_time = page.evaluate("document.getElementById('player').currentTime")
    assert player_time == pytest.approx(moment_time, abs=0.05)
    expect(timeline).to_have_attribute("data-cursor", f"{moment_time:.2f}")

    page.get_by_role("button", name="⟵ now").click()  # the player's time, as the form writes it
    expect(page.locator("#task-start")).to_have_value(re.compile(r"^0:0\d\.\d$"))
    page.get_by_label("Task", exact=True).fill("Greeting")
    page.locator("#task-start").fill("0:00.5")
    page.locator("#task-end").fill("2")
    page.get_by_role("button", name="Add task").click()
    expect(page.locator("#task-table tbody tr")).to_have_count(1)
    expect(page.locator("#task-table")).to_contain_text("Greeting")
    expect(page.locator("#task-table")).to_contain_text("0:00.5–0:02.0")
    expect(page.locator(".task-segment")).to_have_text("Greeting")
    page.locator("#task-end").fill("soon")
    page.get_by_label("Task", exact=True).fill("Bad")
    page.locator("#task-start").fill("1")
    page.get_by_role("button", name="Add task").click()
    expect(page.locator("#task-error")).to_contain_text("To: 'soon' is not a time")

    with page.expect_download() as download:
        page.get_by_role("link", name="Per task (CSV)").click()
    lines = Path(download.value.path()).read_text().splitlines()
    assert lines[0].startswith("task,start_s,end_s,dominant,mean_angry,")
    assert lines[1].startswith("Greeting,0.5,2.0,")
    with page.expect_download() as download:
        page.get_by_role("link", name="Per frame (CSV)").click()
    assert Path(download.value.path()).read_text().startswith("frame,time_s,track,x,y,w,h,angry,")
    _shots(page, "report")

    page.get_by_role("button", name="Create a share link").click()
    shared_url = page.locator("#share-links input").first.input_value()
    assert shared_url.startswith(live_studio.url + "/share/")
    anonymous = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    anonymous.goto(shared_url)
    expect(anonymous.locator("body")).to_have_attribute("data-report", "ready", timeout=15_000)
    expect(anonymous.locator("#task-table")).to_contain_text("Greeting")
    expect(anonymous.locator("#task-form")).to_have_count(0)
    _shots(anonymous, "shared-report")
    anonymous.context.close()

    page.get_by_role("link", name="← Recordings").click()
    row = page.locator("#recording-table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Participant 3")
    expect(row).to_contain_text("1 face")
    _shots(page, "list")


def _padded_clip(folder: Path, size: int) -> Path:
    """A real clip's bytes padded to `size` (only the first bytes are checked while uploading)."""
    data = clip("single_face.mp4").read_bytes()
    path = folder / "long_session.mp4"
    path.write_bytes(data + b"\0" * (size - len(data)))
    return path


def test_an_upload_cut_off_resumes_after_a_reload(
    page: Page, live_studio: LiveStudio, alice: User, settings: Settings, tmp_path: Path
) -> None:
    use_live_media(settings, live_studio)
    chunk = django_settings.STUDIO_UPLOAD_CHUNK_MB * 1024 * 1024
    file = _padded_clip(tmp_path, chunk + 300_000)
    sign_in(page, live_studio, next_path="/recordings/", landing="Recordings")
    sent: list[int] = []

    def first_chunk_only(route: Route, request: Request) -> None:
        sent.append(int(request.headers["upload-offset"]))
        if len(sent) == 1:
            route.continue_()
        else:
            route.abort()  # the connection drops after the first chunk

    page.route("**/chunk/", first_chunk_only)
    page.get_by_label("Analyse as soon as it is ready").uncheck()
    page.get_by_label("Video (.mp4").set_input_files(file)
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.locator("#upload-status")).to_contain_text("The connection dropped", timeout=30_000)
    assert RecordingUpload.objects.get().received == chunk

    page.unroute("**/chunk/")
    page.reload()
    expect(page.locator("#unfinished-uploads")).to_contain_text("long_session.mp4")
    offsets: list[str] = []

    def note_offset(request: Request) -> None:
        if request.url.endswith("/chunk/"):
            offsets.append(request.headers["upload-offset"])

    page.on("request", note_offset)
    page.get_by_label("Video (.mp4").set_input_files(file)
    expect(page.locator("#upload-resume")).to_contain_text("the upload resumes from there")
    page.get_by_role("button", name="Resume upload").click()
    expect(page).to_have_url(re.compile(r"/recordings/\d+/$"), timeout=30_000)

    assert offsets == [str(chunk)]  # resumed where the server stood, not from zero
    recording = Recording.objects.get()
    assert recording.size_bytes == file.stat().st_size
    assert storage.media_path(recording.original_path).read_bytes() == file.read_bytes()
    assert page.evaluate("Object.keys(localStorage).filter((key) => key.startsWith('recordings.upload:'))") == []
