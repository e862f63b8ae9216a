"""A newcomer in a real browser: sign in, see the dashboard and the live worker, ping it, sign out."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in
from tests.stack import LiveStudio
from webapp.accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_it_signs_in_shows_the_worker_pings_it_and_signs_out(page: Page, live_studio: LiveStudio, alice: User) -> None:
    page.goto(live_studio.url + "/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    sign_in(page, live_studio, landing=None)

    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.locator(".page-head")).to_contain_text("Affect Lab")

    page.get_by_role("navigation").get_by_role("link", name="Status").click()
    expect(page.locator("#workers")).to_contain_text(live_studio.worker_hostname)
    page.get_by_role("button", name="Ping a worker").click()
    expect(page.locator("#ping-result")).to_contain_text(f"Pong from {live_studio.worker_hostname}", timeout=30_000)

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login/$"))
    page.goto(live_studio.url + "/jobs/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/jobs/$"))


def test_it_explains_wrong_credentials(page: Page, live_studio: LiveStudio, alice: User) -> None:
    sign_in(page, live_studio, password="not-her-password", landing=None)
    expect(page.get_by_role("alert")).to_have_text(
        "That email and password don't match an account. Check both and try again."
    )
    expect(page).to_have_url(re.compile(r"/login/$"))


def test_it_shows_the_404_page_for_an_unknown_url(page: Page, live_studio: LiveStudio, alice: User) -> None:
    response = page.goto(live_studio.url + "/no-such-page/")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
