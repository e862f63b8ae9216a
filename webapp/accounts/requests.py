"""Request types for views that only signed-in users reach, so the type checker knows `request.user` is a `User`.

django-stubs and the DRF stubs type `request.user` as `User | AnonymousUser`. Every page requires login
(`StudioLoginRequiredMiddleware`; a page marked `@login_not_required` takes a plain `HttpRequest`), and so does every
API view (`IsAuthenticated` is DRF's default permission here; one that allows anyone takes a plain `Request`).
These classes are annotations only: no request is ever created as one, and nothing is checked at run time.
"""

from django.http import HttpRequest
from rest_framework.request import Request

from webapp.accounts.models import Team, User


class SignedInHttpRequest(HttpRequest):
    """A page's request: a signed-in user, and the current team that `CurrentTeamMiddleware` set."""

    user: User
    team: Team | None


class SignedInRequest(Request):
    """An API view's request behind `IsAuthenticated`."""

    user: User
