"""API of accounts: who am I, and API tokens for scripts (made, listed and revoked by their owner)."""

from typing import NoReturn

from django.conf import settings
from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import AuthenticationFailed, NotFound, Throttled
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.accounts import selectors, services
from webapp.accounts.authentication import ApiTokenAuthentication
from webapp.accounts.models import EMAIL_MAX_LENGTH
from webapp.accounts.requests import SignedInRequest
from webapp.accounts.throttles import SignInAccountThrottle, SignInAddressThrottle

_MANY = OpenApiResponse(description="Too many attempts for this account or from this address; try again later")


class TeamOutputSerializer(serializers.Serializer):
    """A team as the API shows it."""

    id = serializers.IntegerField()
    name = serializers.CharField()


class MeApi(APIView):
    """The signed-in user and their teams: what a script checks first."""

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        email = serializers.EmailField()
        teams = TeamOutputSerializer(many=True)

    @extend_schema(responses=OutputSerializer)
    def get(self, request: SignedInRequest) -> Response:
        user = request.user
        data = {"id": user.pk, "email": user.email, "teams": selectors.team_list(user=user)}
        return Response(self.OutputSerializer(data).data)


_THROTTLED = "Too many sign-in attempts for this account or from this address."
_LOCKED_OUT = "Too many failed sign-ins for this account or from this address: try again in {minutes} minutes."


class TokenOutputSerializer(serializers.Serializer):
    """An API token as its owner sees it: never the key itself, which is shown once, when it is made."""

    key = serializers.CharField(source="token_key", help_text="The key's first characters: what revoking names")
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField()


class TokenCreateApi(APIView):
    """Trade an email and password for an API token (`Authorization: Token <token>`), valid for STUDIO_API_TOKEN_DAYS.

    Only a hash is stored: keep the token, it is shown this once. Too many attempts for one account or from one
    address are refused with 429 for a while.
    """

    permission_classes = (AllowAny,)
    # Token authentication only so that a refusal is a 401 with `WWW-Authenticate: Token` (none: a 403).
    authentication_classes = (ApiTokenAuthentication,)
    throttle_classes = (SignInAddressThrottle, SignInAccountThrottle)

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField(max_length=EMAIL_MAX_LENGTH)
        password = serializers.CharField(trim_whitespace=False, max_length=4096)

    class OutputSerializer(TokenOutputSerializer):
        token = serializers.CharField(help_text="The whole token, shown only now")

    @extend_schema(
        request=InputSerializer,
        responses={201: OutputSerializer, 401: OpenApiResponse(description="Wrong email or password"), 429: _MANY},
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(request, **serializer.validated_data)
        if getattr(request, "axes_locked_out", False):  # set by django-axes' backend, which refused to check
            minutes = round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
            raise Throttled(detail=_LOCKED_OUT.format(minutes=minutes))
        if user is None:
            raise AuthenticationFailed("That email and password don't match an account.")
        token, key = services.api_token_create(user=user)
        data = {"token": key, "token_key": token.token_key, "created": token.created, "expiry": token.expiry}
        return Response(self.OutputSerializer(data).data, status=status.HTTP_201_CREATED)

    def throttled(self, request: Request, wait: float | None) -> NoReturn:
        raise Throttled(wait, detail=_THROTTLED)


class TokenListApi(APIView):
    """Your API tokens that have not expired, newest first."""

    @extend_schema(responses=TokenOutputSerializer(many=True))
    def get(self, request: SignedInRequest) -> Response:
        tokens = selectors.api_token_list(user=request.user)
        return Response(TokenOutputSerializer(tokens, many=True).data)


class TokenRevokeApi(APIView):
    """Revoke one of your API tokens by its `key` (as listed): it stops working at once."""

    @extend_schema(request=None, responses={204: None, 404: OpenApiResponse(description="No such token of yours")})
    def post(self, request: SignedInRequest, key: str) -> Response:
        if not services.api_token_revoke(user=request.user, token_key=key):
            raise NotFound("You have no token with that key.")
        return Response(status=status.HTTP_204_NO_CONTENT)
