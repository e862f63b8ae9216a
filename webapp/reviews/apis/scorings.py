"""API of label-quality jobs: queue one on a version, list, watch (`/ws/scorings/<id>/`), cancel, retry."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.accounts.requests import SignedInRequest
from webapp.api import IdField, QueryFilterSerializer
from webapp.reviews import selectors, services
from webapp.reviews.serializers import ScoringSerializer, scoring_payload
from webapp.runs.configs import INPUT_SIZE_CHOICES, MODEL_CHOICES

_NO_VERSION = OpenApiResponse(description="No dataset version with that id in your teams.")


class ScoringListApi(APIView):
    """Your teams' label-quality jobs, newest first (`?version=` for one dataset version). POST queues one."""

    class InputSerializer(serializers.Serializer):
        dataset_version = serializers.IntegerField(min_value=1, max_value=2**62)
        folds = serializers.IntegerField(default=4, min_value=services.MIN_FOLDS, max_value=services.MAX_FOLDS)
        model = serializers.ChoiceField(MODEL_CHOICES, default=services.DEFAULT_SETTINGS["model"])
        epochs = serializers.IntegerField(default=services.DEFAULT_SETTINGS["epochs"], min_value=1, max_value=1000)
        input_size = serializers.ChoiceField(INPUT_SIZE_CHOICES, default=services.DEFAULT_SETTINGS["input_size"])
        device = serializers.ChoiceField(["auto", "cuda", "cpu"], default="auto")

    class FilterSerializer(QueryFilterSerializer):
        version = IdField(required=False, help_text="Only this dataset version's jobs (its id)")

    @extend_schema(parameters=[FilterSerializer], responses={200: ScoringSerializer(many=True), 404: _NO_VERSION})
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        wanted = filters.validated_data.get("version")
        version = None if wanted is None else selectors.version_get(user=request.user, version_id=wanted)
        scorings = selectors.scoring_list(user=request.user, version=version)[:100]
        return Response([scoring_payload(scoring) for scoring in scorings])

    @extend_schema(request=InputSerializer, responses={201: ScoringSerializer, 404: _NO_VERSION})
    def post(self, request: SignedInRequest) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        version = selectors.version_get(user=request.user, version_id=values.pop("dataset_version"))
        folds = values.pop("folds")
        scoring = services.label_scoring_create(version=version, user=request.user, folds=folds, settings=values)
        return Response(scoring_payload(scoring), status=status.HTTP_201_CREATED)


class ScoringDetailApi(APIView):
    """One label-quality job of your teams."""

    @extend_schema(responses=ScoringSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(scoring_payload(selectors.scoring_get(user=request.user, scoring_id=pk)))


class ScoringCancelApi(APIView):
    """Cancel a queued job at once, or ask a running one to stop."""

    @extend_schema(request=None, responses=ScoringSerializer)
    def post(self, request: SignedInRequest, pk: int) -> Response:
        scoring = selectors.scoring_get(user=request.user, scoring_id=pk)
        return Response(scoring_payload(services.label_scoring_cancel(scoring_id=scoring.pk, user=request.user)))


class ScoringRetryApi(APIView):
    """Queue the same job again (the ended one and its scores stay)."""

    @extend_schema(request=None, responses={201: ScoringSerializer})
    def post(self, request: SignedInRequest, pk: int) -> Response:
        scoring = selectors.scoring_get(user=request.user, scoring_id=pk)
        retry = services.label_scoring_retry(scoring=scoring, user=request.user)
        return Response(scoring_payload(retry), status=status.HTTP_201_CREATED)
