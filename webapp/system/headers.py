"""The Content-Security-Policy header on every response (STUDIO_CSP), so a page runs only the Studio's own files.

Django 5.2 has no CSP support of its own; the policy is one string from settings, and this middleware only adds it.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"


class ContentSecurityPolicyMiddleware:
    """Adds settings.STUDIO_CSP_POLICY to each response that does not set its own (none: no header)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.STUDIO_CSP_POLICY
        if policy and HEADER not in response:
            response[HEADER] = policy
        return response
