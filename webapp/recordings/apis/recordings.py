"""API of recordings and their task segments: list, detail, delete; add, import and remove tasks.

Another team's recording is a 404 everywhere. Follow a recording's preparation live at `/ws/recordings/<id>/`.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.accounts.requests import SignedInRequest
from webapp.pagination import StrictLimitOffsetPagination
from webapp.recordings import selectors, services
from webapp.recordings.serializers import RecordingSerializer, TaskSegmentSerializer, recording_payload, task_payload


class RecordingPagination(StrictLimitOffsetPagination):
    """`?limit=&offset=` paging with a count."""

    default_limit = 50
    max_limit = 200


class RecordingListApi(APIView):
    """Your teams' recordings, newest first, each with its analyses and tasks."""

    pagination_class = RecordingPagination  # read by the schema too: a page of recordings, not a bare list

    @extend_schema(responses=RecordingSerializer(many=True))
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.recording_list(user=request.user), request, view=self)
        return paginator.get_paginated_response([recording_payload(recording) for recording in page or []])


class RecordingDetailApi(APIView):
    """One recording; DELETE removes it and every file of it (original, copies, results, thumbnails)."""

    @extend_schema(responses=RecordingSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(recording_payload(selectors.recording_get(user=request.user, recording_id=pk)))

    @extend_schema(responses={204: None, 400: OpenApiResponse(description="An analysis of it is running.")})
    def delete(self, request: Request, pk: int) -> Response:
        services.recording_delete(recording=selectors.recording_get(user=request.user, recording_id=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_field(OpenApiTypes.STR)
class _TimeField(serializers.Field):
    """Seconds (`75.5`) or a clock time (`00:01:15.5`, `01:15`)."""

    def to_internal_value(self, data: object) -> float:
        text = str(data)
        if len(text) > 32:
            raise serializers.ValidationError("A time is at most 32 characters.")
        try:
            return services.parse_time(text)
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from None

    def to_representation(self, value: float) -> float:
        return value


class TaskCreateApi(APIView):
    """Mark a task segment: what the participant did from `start` to `end` (seconds or hh:mm:ss)."""

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200)
        start = _TimeField()
        end = _TimeField()

    @extend_schema(request=InputSerializer, responses={201: TaskSegmentSerializer})
    def post(self, request: SignedInRequest, pk: int) -> Response:
        recording = selectors.recording_get(user=request.user, recording_id=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        segment = services.SegmentInput(
            name=data.validated_data["name"], start_s=data.validated_data["start"], end_s=data.validated_data["end"]
        )
        task = services.task_segment_create(recording=recording, user=request.user, segment=segment)
        return Response(task_payload(task), status=status.HTTP_201_CREATED)


class TaskImportApi(APIView):
    """Add task segments from a CSV file (`task,start,end`; times in seconds or hh:mm:ss): all of them or none."""

    parser_classes = (MultiPartParser, FormParser)

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField()

    @extend_schema(request=InputSerializer, responses={201: TaskSegmentSerializer(many=True)})
    def post(self, request: SignedInRequest, pk: int) -> Response:
        recording = selectors.recording_get(user=request.user, recording_id=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        tasks = services.task_segments_import(recording=recording, user=request.user, data=upload.read(1024 * 1024 + 1))
        return Response([task_payload(task) for task in tasks], status=status.HTTP_201_CREATED)


class TaskDetailApi(APIView):
    """DELETE removes one task segment."""

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        services.task_segment_delete(task=selectors.task_get(user=request.user, task_id=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
