"""Template context every page needs for its navigation."""

from typing import Any

from django.http import HttpRequest

from webapp.accounts import selectors


def teams(request: HttpRequest) -> dict[str, Any]:
    """The user's teams and the current one, for the team switcher in the header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"current_team": None, "user_teams": []}
    return {"current_team": getattr(request, "team", None), "user_teams": list(selectors.team_list(user=user))}
