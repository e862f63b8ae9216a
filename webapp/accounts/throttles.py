"""Limits on signing in: per address and per account, for the token API (DRF throttles) and, through django-axes, the
login pages. The throttles count every attempt; axes counts failures and locks an account or address out for a while.
"""

import hashlib
from typing import Any

from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from webapp.accounts.models import EMAIL_MAX_LENGTH


def sign_in_email(data: Any) -> str | None:
    """The email a sign-in names, as one key whatever its case; None when the body names none."""
    email = data.get("email") or data.get("username") if hasattr(data, "get") else None
    return str(email).strip().lower()[:EMAIL_MAX_LENGTH] if email else None


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """django-axes' key for an account (AXES_USERNAME_CALLABLE): the login form's `username` or the API's `email`."""
    return sign_in_email(credentials or getattr(request, "POST", {}))


class SignInAddressThrottle(SimpleRateThrottle):
    """Token requests from one address, signed in or not."""

    scope = "sign_in_address"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class SignInAccountThrottle(SimpleRateThrottle):
    """Token requests naming one account, from any address."""

    scope = "sign_in_account"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        email = sign_in_email(request.data)
        if email is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": hashlib.sha256(email.encode()).hexdigest()}
