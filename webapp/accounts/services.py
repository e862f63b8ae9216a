"""Writes about users, teams and API tokens. First-account creation lives here, used by the page and `./studio up`."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from knox.models import AuthToken

from webapp.accounts.models import Membership, Team, User


@transaction.atomic
def team_create(*, name: str, owner: User) -> Team:
    """A new team with `owner` as its first member."""
    team = Team(name=name.strip())
    team.full_clean()
    team.save()
    membership_create(team=team, user=owner, role=Membership.Role.OWNER)
    return team


@transaction.atomic
def membership_create(*, team: Team, user: User, role: str = Membership.Role.MEMBER) -> Membership:
    """Add `user` to `team`."""
    membership = Membership(team=team, user=user, role=role)
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def user_create(*, email: str, password: str, is_admin: bool = False) -> User:
    """An account, its password checked against the configured validators before anything is saved."""
    user = User(email=User.objects.normalize_email(email).lower(), is_staff=is_admin, is_superuser=is_admin)
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def first_user_create(*, email: str, password: str, team_name: str) -> User:
    """The Studio's first account: an administrator with a team of their own.

    Refuses once anyone exists, so the first-run page cannot be used to add accounts later.
    """
    if User.objects.exists():
        raise ValidationError("The Studio already has an account: sign in instead.")
    user = user_create(email=email, password=password, is_admin=True)
    team_create(name=team_name, owner=user)
    return user


def admin_bootstrap(*, email: str, password: str, team_name: str) -> User | None:
    """Create the first account from the environment (`STUDIO_ADMIN_*`) unless that email exists.

    An existing account keeps its password: the environment only ever creates, never resets.
    """
    if not email or not password:
        return None
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        return existing
    user = user_create(email=email, password=password, is_admin=True)
    team_create(name=team_name, owner=user)
    return user


@transaction.atomic
def api_token_create(*, user: User) -> tuple[AuthToken, str]:
    """A new API token for `user`, expiring after REST_KNOX's TOKEN_TTL; returns the row and the key.

    Only a hash of the key is stored, so the key is shown this once and never again.
    """
    token, key = AuthToken.objects.create(user=user)
    return token, key


@transaction.atomic
def api_token_revoke(*, user: User, token_key: str) -> bool:
    """Revoke `user`'s token whose key starts with `token_key` (as `api_token_list` shows it); False if none is."""
    deleted, _ = AuthToken.objects.filter(user=user, token_key=token_key).delete()
    return deleted > 0
