"""Reads about users and teams, and the one helper that scopes any team-owned query to a user."""

from typing import TypeVar
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from knox.models import AuthToken

from webapp.accounts.models import Membership, Team, User

M = TypeVar("M", bound=Model)
AnyUser = AbstractBaseUser | AnonymousUser


def team_scope(queryset: QuerySet[M], *, user: AnyUser) -> QuerySet[M]:
    """Only the rows of `queryset` whose team `user` belongs to; nothing for an anonymous user.

    Every list of team-owned objects goes through here, so isolation is decided in one place.
    """
    if not user.is_authenticated:
        return queryset.none()
    return queryset.filter(team_id__in=Membership.objects.filter(user_id=user.pk).values("team_id"))


def team_object_get(queryset: QuerySet[M], *, user: AnyUser, pk: int | UUID | str) -> M:
    """One team-owned object, or Http404: another team's object looks exactly like a missing one."""
    return get_object_or_404(team_scope(queryset, user=user), pk=pk)


def team_list(*, user: AnyUser) -> QuerySet[Team]:
    """The teams `user` belongs to, by name."""
    if not user.is_authenticated:
        return Team.objects.none()
    return Team.objects.filter(memberships__user_id=user.pk).order_by("name", "id")


def team_current(*, user: AnyUser, team_id: int | None) -> Team | None:
    """The team the user chose for this session if still a member there, else their first team."""
    teams = team_list(user=user)
    chosen = teams.filter(pk=team_id).first() if team_id is not None else None
    return chosen or teams.first()


def team_choose(*, user: AnyUser, team_id: int | None, session_team_id: int | None = None) -> Team:
    """The team a new object goes to: the one asked for, else the one chosen in the session, else the first.

    Raises ValidationError (a 400 in the API) when the user is not in the team asked for, or in no team.
    """
    if team_id is not None and not user_is_member(user=user, team_id=team_id):
        raise ValidationError({"team": f"You are not a member of team {team_id}."})
    team = team_current(user=user, team_id=team_id if team_id is not None else session_team_id)
    if team is None:
        raise ValidationError({"team": "You are not in any team yet: ask a team owner to add you."})
    return team


def user_is_member(*, user: AnyUser, team_id: int) -> bool:
    """Whether `user` may see objects of team `team_id`."""
    return user.is_authenticated and Membership.objects.filter(user_id=user.pk, team_id=team_id).exists()


def user_any_exists() -> bool:
    """Whether anyone has signed up yet; with nobody, the Studio shows its first-run page."""
    return User.objects.exists()


def api_token_list(*, user: AnyUser) -> QuerySet[AuthToken]:
    """The user's API tokens that have not expired, newest first (each by the first characters of its key)."""
    if not user.is_authenticated:
        return AuthToken.objects.none()
    return AuthToken.objects.filter(user_id=user.pk, expiry__gt=timezone.now()).order_by("-created")
