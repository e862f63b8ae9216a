"""Signing in and out, the first-run page, login everywhere, and the 404 page."""

import pytest
from django.test import Client

from tests.factories import PASSWORD, MembershipFactory
from webapp.accounts.models import Team, User

PAGES = ["/", "/datasets/", "/jobs/", "/recordings/", "/review/", "/status/", "/api/docs/"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_it_sends_an_anonymous_visit_to_the_login_page(client: Client, alice: User, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={path}"


def test_it_signs_in_with_email_and_password(client: Client, alice: User) -> None:
    response = client.post("/login/", {"username": "ALICE@example.com", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert response.context["user"] == alice


def test_it_explains_wrong_credentials(client: Client, alice: User) -> None:
    response = client.post("/login/", {"username": "alice@example.com", "password": "wrong"})
    assert response.status_code == 200
    assert "That email and password don&#x27;t match an account." in response.content.decode()
    assert not response.context["user"].is_authenticated


def test_it_logs_out_with_a_post(alice_client: Client) -> None:
    response = alice_client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert alice_client.get("/").status_code == 302


@pytest.mark.django_db
def test_it_sends_the_first_visitor_to_the_first_run_page(client: Client) -> None:
    assert client.get("/").status_code == 302
    response = client.get("/login/")
    assert response.status_code == 302
    assert response["Location"] == "/setup/"


@pytest.mark.django_db
def test_it_creates_the_first_account_from_the_first_run_page(client: Client) -> None:
    form = {"email": "ada@example.com", "password": "a-long-unusual-pass", "password_again": "a-long-unusual-pass"}
    response = client.post("/setup/", {**form, "team_name": "Lab"}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert response.context["user"].email == "ada@example.com"
    assert "Team <strong>Lab</strong>" in response.content.decode()


@pytest.mark.django_db
def test_it_shows_password_problems_on_the_first_run_page(client: Client) -> None:
    form = {"email": "ada@example.com", "password": "short", "password_again": "short", "team_name": "Lab"}
    response = client.post("/setup/", form)
    assert response.status_code == 200
    assert "too short" in response.content.decode()
    assert not User.objects.exists()


def test_it_closes_the_first_run_page_once_someone_exists(client: Client, alice: User) -> None:
    response = client.get("/setup/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"


def test_it_shows_a_friendly_404_for_an_unknown_url(alice_client: Client, client: Client) -> None:
    for visitor in (alice_client, client):
        response = visitor.get("/no-such-page/")
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()


def test_it_switches_to_another_team_of_the_user(alice: User, alice_client: Client, other_team: Team) -> None:
    MembershipFactory(user=alice, team=other_team)
    alice_client.post("/teams/switch/", {"team_id": other_team.pk, "next": "/status/"})
    assert alice_client.get("/").context["current_team"] == other_team


def test_it_refuses_to_switch_to_a_team_the_user_is_not_in(alice_client: Client, other_team: Team, team: Team) -> None:
    response = alice_client.post("/teams/switch/", {"team_id": other_team.pk, "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert alice_client.get("/").context["current_team"] == team
