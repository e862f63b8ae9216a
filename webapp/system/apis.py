"""API of the system app: pings."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.accounts import selectors as account_selectors
from webapp.accounts.middleware import TEAM_SESSION_KEY
from webapp.system import selectors, services
from webapp.system.serializers import PingSerializer, ping_payload


class PingListApi(APIView):
    """The latest pings of your teams."""

    @extend_schema(responses=PingSerializer(many=True))
    def get(self, request: Request) -> Response:
        pings = selectors.ping_list(user=request.user, limit=50)
        return Response([ping_payload(ping) for ping in pings])


class PingCreateApi(APIView):
    """Ask a worker to answer: proves queue, worker, database and live events work end to end.

    Watch `/ws/pings/<id>/` for the `ping.completed` event, or poll the ping.
    """

    class InputSerializer(serializers.Serializer):
        team = serializers.IntegerField(
            required=False, help_text="One of your teams; default: the team chosen in the page header, else your first."
        )

    @extend_schema(request=InputSerializer, responses={201: PingSerializer})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        team = account_selectors.team_choose(
            user=request.user,
            team_id=serializer.validated_data.get("team"),
            session_team_id=request.session.get(TEAM_SESSION_KEY),
        )
        ping = services.ping_create(team=team, user=request.user)
        return Response(ping_payload(ping), status=status.HTTP_201_CREATED)


class PingDetailApi(APIView):
    """One ping of your teams; another team's ping is a 404."""

    @extend_schema(responses=PingSerializer)
    def get(self, request: Request, pk: int) -> Response:
        ping = selectors.ping_get(user=request.user, ping_id=pk)
        return Response(ping_payload(ping))
