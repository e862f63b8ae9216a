"""A researcher uploads datasets in a real browser: a good zip becomes v1 live, a bad one is refused with its reason."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in
from tests.dataset_files import emotion_zip, zip_bytes
from tests.stack import LiveStudio
from webapp.accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _upload(page: Page, name: str, filename: str, data: bytes) -> None:
    page.get_by_label("Name").fill(name)
    page.get_by_label("File").set_input_files({"name": filename, "mimeType": "application/zip", "buffer": data})
    page.get_by_role("button", name="Upload", exact=True).click()


def test_it_uploads_a_zip_sees_its_version_and_sees_why_a_bad_zip_is_refused(
    page: Page, live_studio: LiveStudio, alice: User
) -> None:
    sign_in(page, live_studio)
    page.get_by_role("navigation").get_by_role("link", name="Datasets").click()
    expect(page.get_by_role("heading", name="No datasets yet")).to_be_visible()
    page.get_by_role("link", name="Upload a dataset").first.click()

    _upload(page, "Lab faces", "faces.zip", emotion_zip())
    expect(page).to_have_url(re.compile(r"/datasets/\d+/$"))
    expect(page.get_by_role("heading", name="Lab faces")).to_be_visible()
    versions = page.locator("#versions")
    expect(versions.get_by_role("link", name="v1")).to_be_visible(timeout=60_000)  # the page follows the import live
    expect(page.locator("#imports")).to_contain_text("Imported 6 faces as v1")
    expect(page.locator("#imports")).to_contain_text("2 files skipped")

    versions.get_by_role("link", name="v1").click()
    expect(page.get_by_role("heading", name="Lab faces v1")).to_be_visible()
    expect(page.locator("li.face")).to_have_count(6)
    page.get_by_role("link", name="angry", exact=True).first.click()
    expect(page.locator("li.face")).to_have_count(2)

    page.goto(live_studio.url + "/datasets/upload/")
    _upload(page, "Evil", "evil.zip", zip_bytes({"../../evil.png": b"x"}))
    expect(page.get_by_role("alert")).to_contain_text("unsafe path '../../evil.png'")
    expect(page.get_by_role("alert")).to_contain_text("Nothing was imported.")
    expect(page).to_have_url(re.compile(r"/datasets/upload/$"))
