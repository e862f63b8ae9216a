"""The team-scoping selectors: one team never reads another's objects."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import Http404

from tests.factories import MembershipFactory, PingFactory, TeamFactory, UserFactory
from webapp.accounts import selectors
from webapp.accounts.models import Team, User
from webapp.system.models import Ping


def test_it_scopes_a_queryset_to_the_users_teams(alice: User, bob: User, charlie: User, team: Team) -> None:
    ours = PingFactory(team=team)
    PingFactory(team=TeamFactory())
    assert list(selectors.team_scope(Ping.objects.all(), user=alice)) == [ours]
    assert list(selectors.team_scope(Ping.objects.all(), user=bob)) == [ours]
    assert list(selectors.team_scope(Ping.objects.all(), user=charlie)) == []


def test_it_covers_every_team_of_a_user_in_several(alice: User, other_team: Team, team: Team) -> None:
    MembershipFactory(user=alice, team=other_team)
    pings = {PingFactory(team=team), PingFactory(team=other_team)}
    assert set(selectors.team_scope(Ping.objects.all(), user=alice)) == pings


def test_it_gives_nothing_to_an_anonymous_user(team: Team) -> None:
    PingFactory(team=team)
    assert not selectors.team_scope(Ping.objects.all(), user=AnonymousUser()).exists()


def test_it_hides_another_teams_object_as_missing(charlie: User, team: Team) -> None:
    ping = PingFactory(team=team)
    with pytest.raises(Http404):
        selectors.team_object_get(Ping.objects.all(), user=charlie, pk=ping.pk)


def test_it_picks_the_chosen_team_only_for_members(alice: User, team: Team, other_team: Team) -> None:
    assert selectors.team_current(user=alice, team_id=other_team.pk) == team
    MembershipFactory(user=alice, team=other_team)
    assert selectors.team_current(user=alice, team_id=other_team.pk) == other_team


def test_it_refuses_to_create_in_a_team_the_user_is_not_in(alice: User, other_team: Team) -> None:
    with pytest.raises(ValidationError, match="not a member of team"):
        selectors.team_choose(user=alice, team_id=other_team.pk)


@pytest.mark.django_db
def test_it_asks_a_teamless_user_to_join_a_team() -> None:
    with pytest.raises(ValidationError, match="not in any team yet"):
        selectors.team_choose(user=UserFactory(), team_id=None)
