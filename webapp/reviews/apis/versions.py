"""API of a version under review: where it stands (counts, events, commit), commit it, export its audit as CSV."""

import csv
import io

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.accounts.requests import SignedInRequest
from webapp.datasets.models import CLASS_NAMES
from webapp.reviews import selectors, services
from webapp.reviews.serializers import CommitSerializer

AUDIT_COLUMNS = ("at", "user", "item", "name", "action", "result", "old_label", "new_label", "revision", "scoring",
                 "run", "score")  # fmt: skip


class ReviewStateApi(APIView):
    """Decisions so far (relabel, keep, exclude), audit entries (`events`, what a commit names), and the commit."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, pk: int) -> Response:
        version = selectors.version_get(user=request.user, version_id=pk)
        commit = selectors.commit_of(version=version)
        return Response({
            "version": version.pk, "label": version.label, "dataset": version.dataset_id,
            "counts": selectors.decision_counts(version=version),
            "commit": CommitSerializer(commit).data if commit else None,
        })  # fmt: skip


class CommitApi(APIView):
    """Turn the version's decisions into its next version (relabelled faces relabelled, excluded ones left out).

    `expected_events` is the number of audit entries you saw; decisions made since answer 409.
    """

    class InputSerializer(serializers.Serializer):
        expected_events = serializers.IntegerField(min_value=0, max_value=2**31)

    @extend_schema(request=InputSerializer, responses={201: CommitSerializer, 409: OpenApiResponse()})
    def post(self, request: SignedInRequest, pk: int) -> Response:
        version = selectors.version_get(user=request.user, version_id=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            commit = services.review_commit(
                version=version, user=request.user, expected_events=data.validated_data["expected_events"]
            )
        except services.ConflictError as error:
            return Response({"detail": error.messages[0]}, status=status.HTTP_409_CONFLICT)
        return Response(CommitSerializer(commit).data, status=status.HTTP_201_CREATED)


class AuditCsvApi(APIView):
    """The version's whole audit trail as CSV, oldest first."""

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request: Request, pk: int) -> HttpResponse:
        version = selectors.version_get(user=request.user, version_id=pk)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(AUDIT_COLUMNS)
        events = selectors.events_of(version=version).select_related("item").order_by("id")
        for event in events:
            new = CLASS_NAMES[event.new_label] if event.new_label is not None else ""
            writer.writerow([
                event.created_at.isoformat(), event.user or "", event.item_id, event.item.name, event.action,
                event.result, CLASS_NAMES[event.old_label], new, event.revision, event.scoring_id or "",
                event.run_id or "", "" if event.score is None else round(event.score, 5),
            ])  # fmt: skip
        response = HttpResponse(buffer.getvalue(), content_type="text/csv")
        name = f"{version.dataset.name}-{version.label}-audit.csv".replace('"', "")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
