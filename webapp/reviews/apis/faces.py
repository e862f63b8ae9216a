"""API of reviewing a version's faces: list them ranked and filtered, decide, undo, bulk-decide, read the audit.

Decisions carry the revision their author saw (`expected_revision`); a face a teammate changed meanwhile answers 409
with the `current` decision, and a committed version answers 409 with where the review continues.
"""

from typing import Any

from django.db.models import Model, QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.accounts.requests import SignedInRequest
from webapp.api import IdField, QueryFilterSerializer
from webapp.datasets.models import CLASS_NAMES, DatasetVersion
from webapp.pagination import StrictLimitOffsetPagination
from webapp.reviews import selectors, services
from webapp.reviews.faces import face_entries
from webapp.reviews.models import Action
from webapp.reviews.serializers import DecisionSerializer, EventSerializer, FaceSerializer
from webapp.runs import selectors as run_selectors

_CONFLICT = OpenApiResponse(description="Changed meanwhile, or the version was committed: `current` says how.")


class FacePagination(StrictLimitOffsetPagination):
    """`?limit=&offset=` paging with a count."""


class _Query(serializers.Serializer):
    scoring = serializers.IntegerField(
        required=False, min_value=1, max_value=2**62, help_text="Rank by this label-quality job"
    )
    run = serializers.IntegerField(
        required=False, min_value=1, max_value=2**62, help_text="Faces this job predicted, most confident first"
    )
    given = serializers.IntegerField(
        required=False, min_value=0, max_value=len(CLASS_NAMES) - 1, help_text="Given label (class index)"
    )
    predicted = serializers.IntegerField(
        required=False, min_value=0, max_value=len(CLASS_NAMES) - 1, help_text="Predicted or suggested label (index)"
    )
    split = serializers.IntegerField(required=False, min_value=0, max_value=2, help_text="0 train, 1 val, 2 test")
    min_score = serializers.FloatField(required=False, min_value=0.0, max_value=1.0)
    max_score = serializers.FloatField(required=False, min_value=0.0, max_value=1.0)
    reviewed = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="Only decided (true) or undecided (false) faces"
    )


def faces_of(request: Request, version: DatasetVersion) -> QuerySet[Any]:
    """The faces the query asks for, ranked by the scoring or job it names."""
    query = _Query(data=request.query_params)
    query.is_valid(raise_exception=True)
    values = dict(query.validated_data)
    wanted = selectors.FaceFilter(**{key: values.get(key) for key in selectors.FaceFilter.__dataclass_fields__})
    if values.get("scoring"):
        scoring = selectors.scoring_get(user=request.user, scoring_id=values["scoring"])
        if scoring.version_id != version.pk:
            raise serializers.ValidationError({"scoring": f"Label scoring #{scoring.pk} scored another version."})
        return selectors.scored_faces(scoring=scoring, wanted=wanted)
    if values.get("run"):
        run = run_selectors.run_get(user=request.user, run_id=values["run"])
        if run.dataset_version_id != version.pk:
            raise serializers.ValidationError({"run": f"Job #{run.pk} was evaluated on another version."})
        return selectors.predicted_faces(run=run, wanted=wanted)
    return selectors.plain_faces(version=version, wanted=wanted)


class FaceListApi(APIView):
    """A version's faces to review: ranked by a label-quality job (`scoring`), or a job's confusion cell (`run`,
    `given`, `predicted`), with each face's top guesses and current decision."""

    pagination_class = FacePagination  # read by the schema too: a page of faces

    @extend_schema(parameters=[_Query], responses=FaceSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        version = selectors.version_get(user=request.user, version_id=pk)
        paginator = self.pagination_class()
        page: list[Model] = paginator.paginate_queryset(faces_of(request, version), request, view=self) or []
        return paginator.get_paginated_response(face_entries(version, page))


def _conflict(error: services.ConflictError) -> Response:
    current = DecisionSerializer(error.current).data if error.current is not None else None
    return Response({"detail": error.messages[0], "current": current}, status=status.HTTP_409_CONFLICT)


class _Decision(serializers.Serializer):
    item = serializers.IntegerField(min_value=1, max_value=2**62)
    expected_revision = serializers.IntegerField(min_value=0, max_value=2**31, help_text="0 for an undecided face")


class _Choice(serializers.Serializer):
    action = serializers.ChoiceField(choices=[Action.RELABEL, Action.KEEP, Action.EXCLUDE])
    # ignore[assignment]: `label` shadows a Field attribute in the stubs; DRF moves declared fields off the class.
    label = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=len(CLASS_NAMES) - 1)  # type: ignore[assignment]
    scoring = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**62)
    run = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**62)


def _surface(request: Request, values: dict[str, Any], item_id: int) -> services.Surface:
    """The scoring or job that showed the face, and its score for it (for the audit)."""
    if values.get("scoring"):
        scoring = selectors.scoring_get(user=request.user, scoring_id=values["scoring"])
        score = scoring.scores.filter(item_id=item_id).values_list("quality", flat=True).first()
        return services.Surface(scoring=scoring, score=score)
    if values.get("run"):
        run = run_selectors.run_get(user=request.user, run_id=values["run"])
        score = run.predictions.filter(item_id=item_id).values_list("confidence", flat=True).first()
        return services.Surface(run=run, score=score)
    return services.Surface()


def _scores(surface: services.Surface, item_ids: list[int]) -> dict[int, float]:
    """Each face's score by the scoring or job that showed it (a bulk decision audits every face with its own)."""
    if surface.scoring is not None:
        return dict(surface.scoring.scores.filter(item_id__in=item_ids).values_list("item_id", "quality"))
    if surface.run is not None:
        return dict(surface.run.predictions.filter(item_id__in=item_ids).values_list("item_id", "confidence"))
    return {}


class DecisionApi(APIView):
    """Decide about one face: `relabel` (with `label`), `keep`, or `exclude` (not a usable face)."""

    class InputSerializer(_Decision, _Choice):
        pass

    @extend_schema(request=InputSerializer, responses={200: DecisionSerializer, 409: _CONFLICT})
    def post(self, request: SignedInRequest, pk: int) -> Response:
        version = selectors.version_get(user=request.user, version_id=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        item = selectors.item_get(version=version, item_id=values["item"])
        try:
            decision = services.review_decide(
                version=version, item=item, user=request.user, action=values["action"], label=values.get("label"),
                expected_revision=values["expected_revision"], surface=_surface(request, values, item.pk),
            )  # fmt: skip
        except services.ConflictError as error:
            return _conflict(error)
        return Response(DecisionSerializer(decision).data)


class DecisionBulkApi(APIView):
    """The same decision about several faces (grid mode): all of them, or none if any changed meanwhile."""

    class InputSerializer(_Choice):
        items = _Decision(many=True)

    @extend_schema(request=InputSerializer, responses={200: DecisionSerializer(many=True), 409: _CONFLICT})
    def post(self, request: SignedInRequest, pk: int) -> Response:
        version = selectors.version_get(user=request.user, version_id=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        faces = [(selectors.item_get(version=version, item_id=entry["item"]), entry) for entry in values["items"]]
        surface = _surface(request, values, faces[0][0].pk) if faces else services.Surface()
        scores = _scores(surface, [item.pk for item, _ in faces])
        items = [services.BulkItem(item, entry["expected_revision"], scores.get(item.pk)) for item, entry in faces]
        try:
            decisions = services.review_decide_many(
                version=version, items=items, user=request.user, action=values["action"], label=values.get("label"),
                surface=surface,
            )  # fmt: skip
        except services.ConflictError as error:
            return _conflict(error)
        return Response(DecisionSerializer(decisions, many=True).data)


class UndoApi(APIView):
    """Take back the decision a face has now (repeat to step further back)."""

    InputSerializer = _Decision

    @extend_schema(request=_Decision, responses={200: DecisionSerializer, 409: _CONFLICT})
    def post(self, request: SignedInRequest, pk: int) -> Response:
        version = selectors.version_get(user=request.user, version_id=pk)
        data = _Decision(data=request.data)
        data.is_valid(raise_exception=True)
        item = selectors.item_get(version=version, item_id=data.validated_data["item"])
        try:
            decision = services.review_undo(
                version=version, item=item, user=request.user,
                expected_revision=data.validated_data["expected_revision"],
            )  # fmt: skip
        except services.ConflictError as error:
            return _conflict(error)
        return Response(DecisionSerializer(decision).data)


class AuditApi(APIView):
    """A version's audit trail, newest first (`?item=` for one face's history)."""

    pagination_class = FacePagination  # read by the schema too: a page of entries

    class FilterSerializer(QueryFilterSerializer):
        item = IdField(required=False, help_text="Only this face's history")

    @extend_schema(parameters=[FilterSerializer], responses=EventSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        version = selectors.version_get(user=request.user, version_id=pk)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        events = selectors.events_of(version=version, item_id=filters.validated_data.get("item"))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(events, request, view=self)
        return paginator.get_paginated_response(EventSerializer(page, many=True).data)
