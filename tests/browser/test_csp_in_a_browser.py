"""The Content-Security-Policy, on by default, refuses nothing the pages do: every page, its charts and the API docs
run in Chromium without one CSP violation (each is reported on the console)."""

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect
from pytest_django.fixtures import Settings

from tests.factories import PASSWORD, MembershipFactory, TeamFactory
from tests.live_jobs import face_version_create, use_live_media
from tests.run_factories import finished_run_create
from tests.stack import LiveStudio
from webapp.accounts.models import Team, User

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_no_page_breaks_the_content_security_policy(
    page: Page, live_studio: LiveStudio, alice: User, team: Team, settings: Settings
) -> None:
    use_live_media(settings, live_studio)
    MembershipFactory(user=alice, team=TeamFactory(name="Second team"))  # so the team switcher shows
    version = face_version_create(team=team, user=alice)
    teacher = finished_run_create(model="resemotenet", team=team, dataset_version=version, accuracy=0.7)
    student = finished_run_create(teacher=teacher, team=team, dataset_version=version, accuracy=0.6)
    violations: list[str] = []
    page.on("console", lambda message: _record(message, violations))

    page.goto(live_studio.url + "/login/")
    page.get_by_label("Email").fill("alice@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    paths = [
        "/", "/datasets/", f"/datasets/{version.dataset_id}/", "/jobs/", f"/jobs/{student.pk}/", "/models/",
        f"/models/compare/?runs={teacher.pk}&runs={student.pk}", "/recordings/", "/review/", "/status/",
    ]  # fmt: skip
    for path in paths:
        response = page.goto(live_studio.url + path)
        assert response is not None
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    page.goto(live_studio.url + "/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Mini-ResEmoteNet Studio API")

    page.goto(live_studio.url + "/jobs/")
    page.locator("#team-select").select_option(label="Second team")  # submitted by team_switcher.js, not inline
    expect(page.locator("#team-select")).to_have_value(str(alice.teams.get(name="Second team").pk))
    assert violations == []


def _record(message: ConsoleMessage, violations: list[str]) -> None:
    if "Content Security Policy" in message.text:
        violations.append(message.text)
