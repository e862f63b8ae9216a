"""API of analyses: queue one, watch it, cancel, retry; its report, timeline, live rows, exports and share links.

Watch `/ws/analyses/<id>/` for `analysis.status` (progress, then the outcome) and `analysis.frames` (rows as they
are classified: `[frame, time_s, track, valence, p_angry, p_disgust, p_fear, p_happy, p_sad, p_surprise,
p_neutral]`, track -1 for a frame without a face).
"""

import json
from dataclasses import asdict
from typing import Any

from django.http import HttpResponse
from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.accounts.requests import SignedInRequest
from webapp.api import IdField
from webapp.ids import int_parse
from webapp.recordings import reports, selectors, services
from webapp.recordings.models import Analysis
from webapp.recordings.serializers import AnalysisSerializer, ShareLinkSerializer, analysis_payload
from webapp.system.media import file_response

EXPORTS = {
    "frames.csv": "text/csv", "frames.json": "application/json", "tasks.csv": "text/csv",
    "tasks.json": "application/json",
}  # fmt: skip


class AnalysisCreateApi(APIView):
    """Analyse a recording with a finished job's model (`model_run`), or the built-in Student B (null)."""

    class InputSerializer(serializers.Serializer):
        model_run = IdField(required=False, allow_null=True, default=None)

    @extend_schema(request=InputSerializer, responses={201: AnalysisSerializer})
    def post(self, request: SignedInRequest, pk: int) -> Response:
        recording = selectors.recording_get(user=request.user, recording_id=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        analysis = services.analysis_create(
            recording=recording, user=request.user, model_run=data.validated_data["model_run"]
        )
        return Response(analysis_payload(analysis), status=status.HTTP_201_CREATED)


class AnalysisDetailApi(APIView):
    """One analysis of your teams."""

    @extend_schema(responses=AnalysisSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(analysis_payload(selectors.analysis_get(user=request.user, analysis_id=pk)))


class AnalysisCancelApi(APIView):
    """Cancel a queued analysis at once, or ask a running one to stop (it does within seconds)."""

    @extend_schema(request=None, responses=AnalysisSerializer)
    def post(self, request: SignedInRequest, pk: int) -> Response:
        analysis = selectors.analysis_get(user=request.user, analysis_id=pk)
        return Response(analysis_payload(services.analysis_cancel(analysis_id=analysis.pk, user=request.user)))


class AnalysisRetryApi(APIView):
    """Queue a new analysis with an ended one's model and settings."""

    @extend_schema(request=None, responses={201: AnalysisSerializer})
    def post(self, request: SignedInRequest, pk: int) -> Response:
        analysis = selectors.analysis_get(user=request.user, analysis_id=pk)
        retry = services.analysis_retry(analysis=analysis, user=request.user)
        return Response(analysis_payload(retry), status=status.HTTP_201_CREATED)


class AnalysisParticipantApi(APIView):
    """Choose which track is the participant's: the report's timeline, distribution and tasks follow it."""

    class InputSerializer(serializers.Serializer):
        track = serializers.IntegerField(min_value=0, max_value=2**31 - 1)

    @extend_schema(request=InputSerializer, responses=AnalysisSerializer)
    def put(self, request: Request, pk: int) -> Response:
        analysis = selectors.analysis_get(user=request.user, analysis_id=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(analysis_payload(services.analysis_participant_set(analysis=analysis, **data.validated_data)))


def _finished(analysis: Analysis) -> dict[str, Any]:
    timeline = reports.timeline_load(analysis) if analysis.status == Analysis.Status.SUCCEEDED else None
    if timeline is None:
        raise NotFound(f"Analysis #{analysis.pk} has no report ({analysis.get_status_display().lower()}).")
    return timeline


def report_data(analysis: Analysis, *, track: int | None = None) -> dict[str, Any]:
    """The report's numbers for one track (default: the participant's): distribution and per-task summaries."""
    timeline = _finished(analysis)
    track = analysis.participant_track if track is None else track
    tasks = list(analysis.recording.tasks.all())
    return {
        "track": track,
        "distribution": asdict(reports.track_distribution(timeline, track)),
        "tasks": reports.task_summaries(timeline, tasks, track),
    }


class AnalysisReportApi(APIView):
    """The report's summary numbers: the participant's distribution and each task's means (`?track=` for another)."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, pk: int) -> Response:
        analysis = selectors.analysis_get(user=request.user, analysis_id=pk)
        return Response(report_data(analysis, track=int_parse(request.query_params.get("track"))))


class AnalysisTimelineApi(APIView):
    """The binned timeline of a finished analysis (`timeline.json`, described in the README)."""

    @extend_schema(responses={(200, "application/json"): OpenApiTypes.OBJECT, 404: OpenApiResponse()})
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        analysis = selectors.analysis_get(user=request.user, analysis_id=pk)
        _finished(analysis)
        return file_response(request._request, reports.result_file(analysis, "timeline.json"))


class AnalysisLiveApi(APIView):
    """The live rows stored so far: what a page shows when it opens while the analysis runs."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, pk: int) -> Response:
        analysis = selectors.analysis_get(user=request.user, analysis_id=pk)
        return Response({"analysis": analysis_payload(analysis), "rows": reports.live_rows(analysis)})


def export_response(request: Request, analysis: Analysis, kind: str) -> HttpResponseBase:
    """One export file: per frame (stored by the worker) or per task segment (computed now)."""
    if kind not in EXPORTS:
        raise NotFound(f"No export {kind!r}; there are {', '.join(EXPORTS)}.")
    stem = f"recording-{analysis.recording_id}-analysis-{analysis.pk}"
    if kind.startswith("frames."):
        _finished(analysis)
        response = file_response(request._request, reports.result_file(analysis, kind), content_type=EXPORTS[kind])
    else:
        rows = report_data(analysis)["tasks"]
        body = reports.task_summaries_csv(rows) if kind == "tasks.csv" else json.dumps(rows)
        response = HttpResponse(body, content_type=EXPORTS[kind])
    response["Content-Disposition"] = f'attachment; filename="{stem}-{kind}"'
    return response


class AnalysisExportApi(APIView):
    """Download `frames.csv`, `frames.json`, `tasks.csv` or `tasks.json` (columns in the README)."""

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int, kind: str) -> HttpResponseBase:
        return export_response(request, selectors.analysis_get(user=request.user, analysis_id=pk), kind)


class ShareLinkListApi(APIView):
    """The analysis's working share links; POST makes a new one (read-only report, no account needed)."""

    @extend_schema(responses=ShareLinkSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        analysis = selectors.analysis_get(user=request.user, analysis_id=pk)
        return Response(ShareLinkSerializer(selectors.share_links_of(analysis=analysis), many=True).data)

    @extend_schema(request=None, responses={201: ShareLinkSerializer})
    def post(self, request: SignedInRequest, pk: int) -> Response:
        analysis = selectors.analysis_get(user=request.user, analysis_id=pk)
        link = services.share_link_create(analysis=analysis, user=request.user)
        return Response(ShareLinkSerializer(link).data, status=status.HTTP_201_CREATED)


class ShareLinkRevokeApi(APIView):
    """Revoke a share link: it stops working at once."""

    @extend_schema(request=None, responses=ShareLinkSerializer)
    def post(self, request: Request, pk: int, link_id: int) -> Response:
        analysis = selectors.analysis_get(user=request.user, analysis_id=pk)
        link = analysis.share_links.filter(pk=link_id).first()
        if link is None:
            raise NotFound("No such share link on this analysis.")
        return Response(ShareLinkSerializer(services.share_link_revoke(link=link)).data)
