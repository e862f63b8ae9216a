"""API of the dashboard: the current team's counts and its latest jobs and datasets, read every few seconds."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.accounts import selectors as account_selectors
from webapp.accounts.middleware import TEAM_SESSION_KEY
from webapp.dashboard import selectors
from webapp.datasets.models import Dataset
from webapp.runs.models import Run


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
