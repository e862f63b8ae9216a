"""Playwright driving Debian's Chromium (never a downloaded browser) against the live Studio."""

import time
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.factories import PASSWORD
from tests.stack import LiveStudio

CHROMIUM = Path("/usr/bin/chromium")
# Headless as root on a closed network: no sandbox, no GPU, none of Chromium's calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's Chromium is missing: apt-get install -y chromium (./studio test does this)")
    # Playwright's sync API keeps an event loop in this thread for as long as it runs, and Django's ORM
    # refuses to run beside one; these tests call the ORM only from sync code, so that check is lifted.
    with pytest.MonkeyPatch.context() as env, sync_playwright() as playwright:
        env.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser context per test; a failing test leaves its screenshot in var/test-artifacts/."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Generator[None, Any, Any]:
    report = yield
    if report.when == "call":
        item.report_call = report  # type: ignore[attr-defined]  # ours, read back by the page fixture
    return report


def wait_for_true(page: Page, expression: str, *, timeout: float = 15.0) -> None:
    """Poll a JavaScript expression until it is truthy. Playwright's `wait_for_function` evaluates its predicate with
    `eval` inside the page, which the Studio's Content-Security-Policy refuses; `evaluate` is not subject to it."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout:.0f} s: {expression}")
        page.wait_for_timeout(100)


def sign_in(
    page: Page, studio: LiveStudio, *, email: str = "alice@example.com", password: str = PASSWORD,
    next_path: str = "", landing: str | None = "Dashboard",
) -> None:  # fmt: skip
    """Sign in through the login form, then wait for the heading `landing` of the page it leads to (None: wait for
    nothing, e.g. when the sign-in is meant to fail); `next_path` is where the form sends a signed-in user."""
    page.goto(studio.url + "/login/" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if landing is not None:
        expect(page.get_by_role("heading", name=landing, exact=True)).to_be_visible()
