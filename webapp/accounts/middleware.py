"""Login for every page, and the current team on every request."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from rest_framework.views import APIView

from webapp.accounts import selectors

TEAM_SESSION_KEY = "team_id"


def _is_api_view(view_func: Callable[..., Any]) -> bool:
    """DRF views carry their class; they answer 401/403 themselves instead of redirecting to a page."""
    view_class = getattr(view_func, "cls", None)
    return isinstance(view_class, type) and issubclass(view_class, APIView)


class StudioLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Django's login-by-default, except for API views, whose own permission classes require login."""

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponseBase | None:
        if _is_api_view(view_func):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class CurrentTeamMiddleware:
    """Sets `request.team`: the team pages create new objects in, chosen per session (None without one).

    One query for signed-in users only; static files never reach this far (WhiteNoise answers first).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        team = None
        if request.user.is_authenticated:
            team = selectors.team_current(user=request.user, team_id=request.session.get(TEAM_SESSION_KEY))
        # ignore[attr-defined]: this adds the attribute; django-stubs' HttpRequest has no `team`.
        request.team = team  # type: ignore[attr-defined]
        return self.get_response(request)
