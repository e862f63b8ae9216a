"""API of the system app: pings, the health the Status page shows, and the dashboard's summary of a team."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.accounts import selectors as account_selectors
from webapp.accounts.middleware import TEAM_SESSION_KEY
from webapp.datasets.models import Dataset
from webapp.runs.models import Run
from webapp.system import selectors, services


class PingOutputSerializer(serializers.Serializer):
    """A ping as the API and its live event show it (`Ping.as_payload`)."""

    id = serializers.IntegerField()
    team = serializers.IntegerField()
    status = serializers.CharField()
    worker_hostname = serializers.CharField()
    created_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    round_trip_ms = serializers.IntegerField(allow_null=True)


class PingListApi(APIView):
    """The latest pings of your teams."""

    @extend_schema(responses=PingOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        pings = selectors.ping_list(user=request.user, limit=50)
        return Response([ping.as_payload() for ping in pings])


class PingCreateApi(APIView):
    """Ask a worker to answer: proves queue, worker, database and live events work end to end.

    Watch `/ws/pings/<id>/` for the `ping.completed` event, or poll the ping.
    """

    class InputSerializer(serializers.Serializer):
        team = serializers.IntegerField(
            required=False, help_text="One of your teams; default: the team chosen in the page header, else your first."
        )

    @extend_schema(request=InputSerializer, responses={201: PingOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        team = account_selectors.team_choose(
            user=request.user,
            team_id=serializer.validated_data.get("team"),
            session_team_id=request.session.get(TEAM_SESSION_KEY),
        )
        ping = services.ping_create(team=team, user=request.user)
        return Response(ping.as_payload(), status=status.HTTP_201_CREATED)


class PingDetailApi(APIView):
    """One ping of your teams; another team's ping is a 404."""

    @extend_schema(responses=PingOutputSerializer)
    def get(self, request: Request, pk: int) -> Response:
        ping = selectors.ping_get(user=request.user, ping_id=pk)
        return Response(ping.as_payload())


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


class HealthOutputSerializer(serializers.Serializer):
    """The Studio's health: `Health.as_dict()`, the body of `/healthz`."""

    ok = serializers.BooleanField()
    database = CheckOutputSerializer()
    redis = CheckOutputSerializer()
    workers = WorkersOutputSerializer()


class HealthApi(APIView):
    """The Studio's health as the Status page shows it: the same facts as `/healthz`, always 200 to a member.

    The Status page reads this every few seconds, so workers appear, age and disappear without a reload.
    """

    @extend_schema(responses=HealthOutputSerializer)
    def get(self, request: Request) -> Response:
        return Response(selectors.health_get().as_dict(with_pids=True))


class DashboardJobOutputSerializer(serializers.Serializer):
    """A job as the dashboard lists it."""

    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    model_label = serializers.CharField()
    dataset_version = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    accuracy = serializers.FloatField(allow_null=True, help_text="Test accuracy, else validation accuracy")
    created_at = serializers.DateTimeField()

    def get_url(self, run: Run) -> str:
        return reverse("runs:detail", kwargs={"pk": run.pk})


class DashboardDatasetOutputSerializer(serializers.Serializer):
    """A dataset as the dashboard lists it, with its latest version (versions come prefetched, newest first)."""

    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    name = serializers.CharField()
    latest_version = serializers.SerializerMethodField()
    faces = serializers.SerializerMethodField(help_text="Faces in the latest version")
    created_at = serializers.DateTimeField()

    def get_url(self, dataset: Dataset) -> str:
        return reverse("datasets:detail", kwargs={"pk": dataset.pk})

    def get_latest_version(self, dataset: Dataset) -> str | None:
        version = next(iter(dataset.versions.all()), None)
        return version.label if version else None

    def get_faces(self, dataset: Dataset) -> int | None:
        version = next(iter(dataset.versions.all()), None)
        return version.item_count if version else None


class DashboardOutputSerializer(serializers.Serializer):
    """`selectors.TeamSummary`: counts and the latest jobs and datasets of one team."""

    team = serializers.CharField(source="team.name", default=None)
    dataset_count = serializers.IntegerField()
    version_count = serializers.IntegerField()
    job_count = serializers.IntegerField()
    active_job_count = serializers.IntegerField(help_text="Queued or running")
    model_count = serializers.IntegerField()
    latest_jobs = DashboardJobOutputSerializer(many=True)
    latest_datasets = DashboardDatasetOutputSerializer(many=True)


class DashboardApi(APIView):
    """Your current team at a glance: how many datasets, versions, jobs and models, and the latest of each.

    The dashboard reads this every few seconds while it is open.
    """

    @extend_schema(responses=DashboardOutputSerializer)
    def get(self, request: Request) -> Response:
        team = account_selectors.team_current(user=request.user, team_id=request.session.get(TEAM_SESSION_KEY))
        return Response(DashboardOutputSerializer(selectors.team_summary(user=request.user, team=team)).data)
