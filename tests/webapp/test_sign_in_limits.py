"""Signing in is limited per account and per address: 30 wrong passwords, then the right one does not work at once."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import PASSWORD, UserFactory
from webapp.accounts.models import User

WRONG = "not-the-password"


def _login(client: Client, email: str, password: str, *, address: str = "127.0.0.1") -> int:
    return client.post("/login/", {"username": email, "password": password}, REMOTE_ADDR=address).status_code


def test_the_login_page_locks_an_account_after_repeated_failures(client: Client, alice: User) -> None:
    statuses = [_login(client, "alice@example.com", WRONG, address=f"10.0.0.{n}") for n in range(30)]
    assert statuses[0] == 200  # the form again, with its message
    assert statuses[-1] == 429
    response = client.post("/login/", {"username": "ALICE@example.com", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 429
    assert "Too many failed sign-ins for this account or from this address" in response.content.decode()
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_the_login_page_locks_an_address_trying_many_accounts(client: Client, alice: User) -> None:
    for n in range(30):
        _login(client, f"someone{n}@example.com", WRONG)
    assert _login(client, "alice@example.com", PASSWORD) == 429
    assert _login(client, "alice@example.com", PASSWORD, address="10.1.1.1") == 302  # the account itself is fine


@pytest.mark.django_db
def test_the_admin_login_is_limited_too(client: Client) -> None:
    admin = UserFactory(email="root@example.com", is_staff=True, is_superuser=True)
    for _ in range(10):
        client.post("/admin/login/", {"username": admin.email, "password": WRONG})
    response = client.post("/admin/login/?next=/admin/", {"username": admin.email, "password": PASSWORD})
    assert response.status_code == 429


def test_a_success_before_the_limit_clears_the_failures(client: Client, alice: User) -> None:
    for _ in range(9):
        _login(client, "alice@example.com", WRONG)
    assert _login(client, "alice@example.com", PASSWORD) == 302
    client.post("/logout/")
    assert _login(client, "alice@example.com", WRONG) == 200


@pytest.mark.parametrize("vary", ["address", "account"])
def test_the_token_api_throttles_per_account_and_per_address(alice: User, vary: str) -> None:
    client = APIClient()
    for n in range(30):
        email = f"someone{n}@example.com" if vary == "account" else "alice@example.com"
        address = f"10.0.0.{n}" if vary == "address" else "127.0.0.1"
        client.post("/api/auth/token/", {"email": email, "password": WRONG}, format="json", REMOTE_ADDR=address)
    response = client.post("/api/auth/token/", {"email": "alice@example.com", "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Too many sign-in attempts for this account or from this address.")
    assert "Retry-After" in response


def test_the_token_api_honours_the_lockout_of_the_login_page(client: Client, alice: User) -> None:
    for n in range(10):
        _login(client, "alice@example.com", WRONG, address=f"10.0.0.{n}")
    body = {"email": "alice@example.com", "password": PASSWORD}
    response = APIClient().post("/api/auth/token/", body, format="json", REMOTE_ADDR="10.2.2.2")
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.json()["detail"]
