"""Creating accounts: the first-run account, the one from the environment, and password rules."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import UserFactory
from webapp.accounts import services
from webapp.accounts.models import Membership, User

pytestmark = pytest.mark.django_db


def test_it_creates_the_first_account_as_an_admin_with_a_team() -> None:
    user = services.first_user_create(email="Ada@Example.com", password="a-long-unusual-pass", team_name="Lab")
    assert user.email == "ada@example.com"
    assert user.is_superuser
    assert user.is_staff
    assert Membership.objects.get(user=user).team.name == "Lab"


def test_it_refuses_a_second_first_account() -> None:
    UserFactory()
    with pytest.raises(ValidationError, match="already has an account"):
        services.first_user_create(email="eve@example.com", password="a-long-unusual-pass", team_name="Lab")


def test_it_refuses_a_weak_password_and_saves_nothing() -> None:
    with pytest.raises(ValidationError, match="too short"):
        services.first_user_create(email="ada@example.com", password="abc", team_name="Lab")
    assert not User.objects.exists()


def test_it_bootstraps_the_admin_from_the_environment_once() -> None:
    first = services.admin_bootstrap(email="admin@example.com", password="a-long-unusual-pass", team_name="Ops")
    again = services.admin_bootstrap(email="ADMIN@example.com", password="another-long-pass", team_name="Ops")
    assert first == again
    assert again is not None
    assert again.check_password("a-long-unusual-pass")
    assert User.objects.count() == 1


def test_it_bootstraps_nothing_without_both_variables() -> None:
    assert services.admin_bootstrap(email="admin@example.com", password="", team_name="Ops") is None
    assert not User.objects.exists()
