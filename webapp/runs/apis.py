"""API of the runs app: create, list, watch, cancel and retry jobs; the models they made and their files.

Watch `/ws/runs/<id>/` for `run.status`, `run.epoch` and (throttled) `run.progress` events.
"""

import re
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kdcore.config import (
    ALPHA_RANGE,
    BATCH_SIZE_RANGE,
    EPOCHS_RANGE,
    LR_MAX,
    SEED_RANGE,
    TEMPERATURE_RANGE,
    TIME_BUDGET_MAX_S,
)
from webapp.accounts import selectors as account_selectors
from webapp.accounts.requests import SignedInRequest
from webapp.api import IdField, QueryFilterSerializer, StatedRangeFloatField, StatedRangeIntegerField
from webapp.datasets.models import DatasetVersion
from webapp.ids import id_list_parse
from webapp.pagination import StrictLimitOffsetPagination
from webapp.runs import selectors, services
from webapp.runs.configs import DEFAULTS, DEVICE_CHOICES, INPUT_SIZE_CHOICES, MODEL_CHOICES
from webapp.runs.models import Run
from webapp.runs.payloads import run_compare_data, run_detail_data
from webapp.runs.serializers import RunDetailSerializer, RunSerializer, run_payload

M = TypeVar("M", bound=Model)
_ONLY_WITH_TEACHER = "Only with a teacher (default {}); refused without one."
_ID_LIST_PATTERN = r"^[1-9][0-9]{0,17}(,[1-9][0-9]{0,17})*$"  # ids as `<id:...>` takes them
_NO_TEACHER = "This applies only to a distillation: name a teacher, or leave it out."


class RunListApi(APIView):
    """The jobs of your teams, newest first, a page at a time (`?limit=&offset=`, as `/api/datasets/`); narrow them
    with `?status=succeeded` and `?dataset_version=3,4` (ids)."""

    pagination_class = StrictLimitOffsetPagination

    class FilterSerializer(QueryFilterSerializer):
        status = serializers.ChoiceField(Run.Status.choices, required=False, help_text="Only jobs in this state")
        dataset_version = serializers.RegexField(
            _ID_LIST_PATTERN,
            required=False,
            trim_whitespace=False,
            help_text="Only jobs on these dataset versions: their ids, comma-separated, e.g. 3,4",
        )

        def validate_dataset_version(self, value: str) -> str:
            """The whole text, not a line of it: Python's `$` also matches before a final newline."""
            if not re.fullmatch(_ID_LIST_PATTERN, value):
                raise ValidationError("Expected dataset version ids separated by commas, e.g. 3,4.")
            return value

    @extend_schema(parameters=[FilterSerializer], responses=RunSerializer(many=True))
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        status_wanted = filters.validated_data.get("status")
        versions = filters.validated_data.get("dataset_version")
        version_ids = None if versions is None else id_list_parse(versions.split(","))
        runs = selectors.run_list(user=request.user, status=status_wanted, version_ids=version_ids)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(runs, request, view=self)
        positions = selectors.run_queue_positions(user=request.user)
        return paginator.get_paginated_response(
            [run_payload(run, position=positions.get(run.pk)) for run in page or []]
        )


class RunQueueApi(APIView):
    """Your teams' queued and running jobs, in the order they will run, each with its place in its queue."""

    @extend_schema(responses=RunSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(
            [run_payload(run, position=position) for run, position in selectors.run_queue_list(user=request.user)]
        )


# Request bodies for the docs page: no `team` (the job goes to your first team), ids to replace with yours.
_TRAINED = {name: DEFAULTS[name] for name in ("model", "epochs", "batch_size", "lr", "input_size")}
CREATE_EXAMPLES = [
    OpenApiExample(
        "Train a teacher", request_only=True, value={"dataset_version": 1, **_TRAINED, "model": "resemotenet"},
        description="From the labels alone, on dataset version 1 (its id: GET /api/datasets/).",
    ),
    OpenApiExample(
        "Distil a student", request_only=True,
        value={"dataset_version": 1, "teacher": 2, **_TRAINED, "temperature": 4.0, "alpha": 0.7},
        description="From the finished job 2 of your team; T and α weigh the teacher's soft targets.",
    ),
]  # fmt: skip


class RunCreateApi(APIView):
    """Queue a training job, or a distillation when `teacher` names a finished job of the same team.

    The settings are checked by kdcore's `TrainConfig` before anything is stored; a refusal is a 400 with a
    message per field (e.g. `{"alpha": ["α must be between 0 and 1; you entered 1.5."]}`).
    """

    class InputSerializer(serializers.Serializer):
        # The schema states kdcore's ranges; kdcore judges every value, and the rules between fields, all at once.
        team = IdField(required=False, help_text="Id of one of your teams (GET /api/me/); leave it out for your first.")
        dataset_version = IdField()
        teacher = IdField(required=False, allow_null=True, help_text="Job to distil from")
        model = serializers.ChoiceField(MODEL_CHOICES, default=DEFAULTS["model"])
        width_mult = StatedRangeFloatField(
            required=False, allow_null=True, low=0, high=1, low_exclusive=True, help_text="Only for any width"
        )
        temperature = StatedRangeFloatField(
            required=False, low=TEMPERATURE_RANGE[0], high=TEMPERATURE_RANGE[1],
            help_text=_ONLY_WITH_TEACHER.format(DEFAULTS["temperature"]),
        )  # fmt: skip
        alpha = StatedRangeFloatField(
            required=False, low=ALPHA_RANGE[0], high=ALPHA_RANGE[1],
            help_text="α: weight of the KD term. " + _ONLY_WITH_TEACHER.format(DEFAULTS["alpha"]),
        )  # fmt: skip
        epochs = StatedRangeIntegerField(default=DEFAULTS["epochs"], low=EPOCHS_RANGE[0], high=EPOCHS_RANGE[1])
        batch_size = StatedRangeIntegerField(
            default=DEFAULTS["batch_size"], low=BATCH_SIZE_RANGE[0], high=BATCH_SIZE_RANGE[1]
        )
        lr = StatedRangeFloatField(default=DEFAULTS["lr"], low=0, high=LR_MAX, low_exclusive=True)
        seed = StatedRangeIntegerField(default=DEFAULTS["seed"], low=SEED_RANGE[0], high=SEED_RANGE[1])
        device = serializers.ChoiceField(DEVICE_CHOICES, default=DEFAULTS["device"])
        input_size = serializers.ChoiceField(INPUT_SIZE_CHOICES, default=DEFAULTS["input_size"])
        time_limit_min = StatedRangeFloatField(
            required=False,
            allow_null=True,
            low=0,
            high=TIME_BUDGET_MAX_S / 60,
            help_text="Plan as many epochs as fit in this many minutes (at most a week)",
        )

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            """T and α only shape a distillation: given without a teacher, they are refused, not silently dropped."""
            if attrs.get("teacher") is None:
                ignored = [name for name in ("temperature", "alpha") if name in attrs]
                if ignored:
                    raise ValidationError({name: [_NO_TEACHER] for name in ignored})
            return attrs

    @extend_schema(request=InputSerializer, responses={201: RunDetailSerializer}, examples=CREATE_EXAMPLES)
    def post(self, request: SignedInRequest) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        team = account_selectors.team_choose(user=request.user, team_id=values.pop("team", None))
        version = _one_of(DatasetVersion.objects.all(), request, values.pop("dataset_version"), "dataset_version")
        teacher_id = values.pop("teacher", None)
        teacher = None if teacher_id is None else _one_of(Run.objects.all(), request, teacher_id, "teacher")
        run = services.run_create(
            team=team, user=request.user, dataset_version=version, teacher=teacher, settings=values
        )
        return Response(run_detail_data(run), status=status.HTTP_201_CREATED)


def _one_of(queryset: QuerySet[M], request: Request, pk: int, field: str) -> M:
    """An object of the user's teams by id, else a 400 naming the field: another team's looks like a missing one."""
    found = account_selectors.team_scope(queryset, user=request.user).filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: [f"Nothing with id {pk} in your teams."]})
    return found


class RunDetailApi(APIView):
    """One job of your teams with its epochs so far; another team's job is a 404. DELETE removes a finished job with
    its files (400, saying why, while it runs or a student or a recording analysis still needs it)."""

    @extend_schema(responses=RunDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(run_detail_data(selectors.run_get(user=request.user, run_id=pk)))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        services.run_delete(run=selectors.run_get(user=request.user, run_id=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class RunCancelApi(APIView):
    """Cancel a queued job at once, or ask a running one to stop (it does within seconds, as `cancelled`)."""

    @extend_schema(request=None, responses=RunDetailSerializer)
    def post(self, request: SignedInRequest, pk: int) -> Response:
        run = selectors.run_get(user=request.user, run_id=pk)
        return Response(run_detail_data(services.run_cancel(run_id=run.pk, user=request.user)))


class RunRetryApi(APIView):
    """Queue a new job with a finished job's config, dataset version and teacher."""

    @extend_schema(request=None, responses={201: RunDetailSerializer})
    def post(self, request: SignedInRequest, pk: int) -> Response:
        run = selectors.run_get(user=request.user, run_id=pk)
        clone = services.run_retry(run=run, user=request.user)
        return Response(run_detail_data(clone), status=status.HTTP_201_CREATED)


class RunLatencyApi(APIView):
    """Measure a finished job's CPU latency again (queued; it runs alone on its worker's machine); 400 without a
    checkpoint. The job's `latency` says how and when, and `run.status` tells watchers once it is measured."""

    @extend_schema(request=None, responses={202: RunDetailSerializer})
    def post(self, request: Request, pk: int) -> Response:
        run = selectors.run_get(user=request.user, run_id=pk)
        return Response(run_detail_data(services.run_latency_request(run=run)), status=status.HTTP_202_ACCEPTED)


class RunRetrainApi(APIView):
    """Train again with a job's exact settings (and teacher) on another dataset version of your teams, e.g. the one a
    review just committed; `dataset_version` is the version's id."""

    class InputSerializer(serializers.Serializer):
        dataset_version = serializers.IntegerField(min_value=1, max_value=2**62)

    @extend_schema(request=InputSerializer, responses={201: RunDetailSerializer})
    def post(self, request: SignedInRequest, pk: int) -> Response:
        run = selectors.run_get(user=request.user, run_id=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        wanted = data.validated_data["dataset_version"]
        version = _one_of(DatasetVersion.objects.all(), request, wanted, "dataset_version")
        clone = services.run_retrain(run=run, dataset_version=version, user=request.user)
        return Response(run_detail_data(clone), status=status.HTTP_201_CREATED)


class RunArtifactApi(APIView):
    """Download a finished job's checkpoint (`.pt`: state dict + metadata) or its ONNX export."""

    kind = "checkpoint"

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int) -> FileResponse:
        run = selectors.run_get(user=request.user, run_id=pk)
        path = selectors.run_artifact_path(run=run, kind=self.kind)
        filename = f"job-{run.pk}-{run.config.get('model', 'model')}{path.suffix}"
        return FileResponse(path.open("rb"), as_attachment=True, filename=filename)


class ModelListApi(APIView):
    """Every trained checkpoint of your teams, with accuracy, parameters, size and CPU latency."""

    @extend_schema(responses=RunSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response([run_payload(run) for run in selectors.model_list(user=request.user)])


class RunCompareApi(APIView):
    """Several jobs side by side: each with its epochs, metrics (per-class F1, confusion), size and latency."""

    @extend_schema(
        parameters=[OpenApiParameter("ids", str, description="Job ids, comma-separated, e.g. 3,5,8")],
        responses=RunDetailSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        ids = id_list_parse(request.query_params.get("ids", "").split(","))
        runs = selectors.run_compare_list(user=request.user, run_ids=ids)
        return Response(run_compare_data(runs))
