"""API of accounts: who am I, and a token for scripts."""

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.accounts import selectors
from webapp.accounts.models import EMAIL_MAX_LENGTH


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
    def get(self, request: Request) -> Response:
        user = request.user
        data = {"id": user.pk, "email": user.email, "teams": selectors.team_list(user=user)}
        return Response(self.OutputSerializer(data).data)


class TokenCreateApi(APIView):
    """Trade an email and password for an API token (`Authorization: Token <key>`)."""

    permission_classes = (AllowAny,)
    # Token authentication only so that a refusal is a 401 with `WWW-Authenticate: Token` (none: a 403).
    authentication_classes = (TokenAuthentication,)

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField(max_length=EMAIL_MAX_LENGTH)
        password = serializers.CharField(trim_whitespace=False, max_length=4096)

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(request, **serializer.validated_data)
        if user is None:
            raise AuthenticationFailed("That email and password don't match an account.")
        token, _ = Token.objects.get_or_create(user=user)
        return Response(self.OutputSerializer({"token": token.key}).data, status=status.HTTP_201_CREATED)
