"""API of the system app: pings, the health the Status page shows, and the OpenAPI schema."""

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import exceptions, serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.accounts import selectors as account_selectors
from webapp.accounts.middleware import TEAM_SESSION_KEY
from webapp.accounts.requests import SignedInRequest
from webapp.api import IdField
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
        team = IdField(
            required=False, help_text="One of your teams; default: the team chosen in the page header, else your first."
        )

    @extend_schema(request=InputSerializer, responses={201: PingSerializer})
    def post(self, request: SignedInRequest) -> Response:
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


class CheckOutputSerializer(serializers.Serializer):
    """One dependency's state, as `/healthz` shows it."""

    ok = serializers.BooleanField()
    detail = serializers.CharField()


class WorkerOutputSerializer(serializers.Serializer):
    """A live worker and how long ago it last reported."""

    hostname = serializers.CharField()
    queues = serializers.ListField(child=serializers.CharField())
    has_gpu = serializers.BooleanField()
    gpus = serializers.ListField(child=serializers.CharField())
    pid = serializers.IntegerField()
    seen_seconds_ago = serializers.IntegerField(help_text="Seconds since its last heartbeat")


class WorkersOutputSerializer(CheckOutputSerializer):
    items = WorkerOutputSerializer(many=True)


class ProcessOutputSerializer(serializers.Serializer):
    """A process `./studio up` supervises, and how often it was restarted after it exited."""

    name = serializers.CharField()
    pid = serializers.IntegerField()
    state = serializers.ChoiceField(choices=["running", "restarting"])
    restarts = serializers.IntegerField()
    last_exit_code = serializers.IntegerField(allow_null=True)
    last_exit_at = serializers.FloatField(allow_null=True, help_text="Unix time of its last exit")


class HealthOutputSerializer(serializers.Serializer):
    """The Studio's health: `Health.as_dict()`, the body of `/healthz`."""

    ok = serializers.BooleanField()
    database = CheckOutputSerializer()
    redis = CheckOutputSerializer()
    workers = WorkersOutputSerializer()
    processes = ProcessOutputSerializer(many=True, required=False, help_text="Empty unless run by ./studio up")


class HealthApi(APIView):
    """The Studio's health as the Status page shows it: the same facts as `/healthz`, always 200 to a member.

    The Status page reads this every few seconds, so workers appear, age and disappear without a reload.
    """

    @extend_schema(responses=HealthOutputSerializer)
    def get(self, request: Request) -> Response:
        return Response(selectors.health_get().as_dict(with_pids=True))


class SchemaApi(SpectacularAPIView):
    """This OpenAPI schema: YAML, or JSON with `?format=json` or `Accept: application/vnd.oai.openapi+json`. `?lang=`
    picks the language of its texts. An unknown format or language is a 400."""

    # drf-spectacular's own view answers an unknown `lang` in English and DRF an unknown `format` with a 404, as if
    # there were no schema; both are a bad query value, refused as such.
    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        if not force:
            _one_of(request, "format", [renderer.format for renderer in self.get_renderers()])
        return super().perform_content_negotiation(request, force)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # signed in first: an anonymous caller gets its 401, not a 400
        _one_of(request, "lang", list(dict(settings.LANGUAGES)))

    def handle_exception(self, exc: Exception) -> Response:
        """An error is JSON, as from every other API view, not rendered by the schema's YAML or OpenAPI renderers."""
        self.request.accepted_renderer, self.request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().handle_exception(exc)


def _one_of(request: Request, name: str, allowed: list[str]) -> None:
    """A 400 unless the query parameter `name` is absent or given once with one of the `allowed` values."""
    values = request.query_params.getlist(name)
    if values and (len(values) > 1 or values[0] not in allowed):
        got = ", ".join(repr(value) for value in values[:3])
        listed = ", ".join(allowed[:5]) + (", …" if len(allowed) > 5 else "")
        raise exceptions.ValidationError({name: [f"Expected one of {listed}; got {got}."]})
