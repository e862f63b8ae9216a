"""The dashboard page: where a signed-in user lands."""

from django.http import HttpResponse
from django.shortcuts import render

from webapp.accounts.requests import SignedInHttpRequest
from webapp.dashboard import selectors
from webapp.system import selectors as system_selectors


def dashboard_view(request: SignedInHttpRequest) -> HttpResponse:
    """The team's counts and latest work, and whether the Studio is healthy."""
    summary = selectors.team_summary(user=request.user, team=request.team)
    return render(request, "system/dashboard.html", {"health": system_selectors.health_get(), "summary": summary})
