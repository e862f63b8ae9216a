"""API of recording uploads: resumable chunks for big files, or one multipart request for small ones.

Resumable: `POST /api/recordings/uploads/` declares the file, then `PUT …/uploads/<id>/chunk/` sends bytes
(`Content-Type: application/offset+octet-stream`, header `Upload-Offset`), at most `chunk_bytes` a request. After a
dropped connection, `GET …/uploads/<id>/` says how many bytes are stored (`received`): resume from there. The last
chunk creates the recording (`recording` in the answer).
"""

from typing import Any

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.accounts import selectors as account_selectors
from webapp.accounts.middleware import TEAM_SESSION_KEY
from webapp.accounts.models import Team
from webapp.accounts.requests import SignedInRequest
from webapp.api import IdField, StatedRangeIntegerField
from webapp.ids import int_parse
from webapp.recordings import selectors, services
from webapp.recordings.formats import ACCEPTED
from webapp.recordings.serializers import RecordingSerializer, RecordingUploadSerializer, recording_payload
from webapp.system.uploads import UploadTooLarge, upload_size_check

_CONFLICT = OpenApiResponse(description="The chunk does not start at `received`: resume from there.")
_TOO_LARGE = OpenApiResponse(description="Over STUDIO_MAX_UPLOAD_MB (the file) or STUDIO_UPLOAD_CHUNK_MB (a chunk).")


class _Options(serializers.Serializer):
    team = IdField(required=False, help_text="One of your teams; default: the current one.")
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    analyse = serializers.BooleanField(default=True, help_text="Analyse it as soon as it is prepared.")
    model_run = IdField(required=False, allow_null=True, help_text="Job whose model to use")


def _team(request: Request, team_id: int | None) -> Team:
    """The team asked for, else the one chosen in the session (pages), else the user's first."""
    session_team = request.session.get(TEAM_SESSION_KEY)
    return account_selectors.team_choose(user=request.user, team_id=team_id, session_team_id=session_team)


class RecordingUploadStartApi(APIView):
    """Declare a recording to upload in chunks; answers where to send them and how big each may be."""

    class InputSerializer(_Options):
        original_name = serializers.CharField(
            max_length=255, help_text=f"The file's name, e.g. session-3.mov; {' '.join(ACCEPTED)} (any case)"
        )
        # The service judges the size, with its own 413 past the limit; the schema states both ends.
        size_bytes = StatedRangeIntegerField(low=1, high=settings.STUDIO_MAX_UPLOAD_MB * 1024 * 1024)

    @extend_schema(request=InputSerializer, responses={201: RecordingUploadSerializer, 413: _TOO_LARGE})
    def post(self, request: SignedInRequest) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        try:
            upload = services.recording_upload_start(
                team=_team(request, values.get("team")), user=request.user, name=values["name"],
                original_name=values["original_name"], size_bytes=values["size_bytes"],
                options={"analyse": values["analyse"], "model_run": values.get("model_run")},
            )  # fmt: skip
        except services.UploadTooLargeError as error:
            raise UploadTooLarge(error.messages[0]) from None
        return Response(RecordingUploadSerializer(upload).data, status=status.HTTP_201_CREATED)


class RecordingUploadDetailApi(APIView):
    """Where an upload stands (`received` bytes): resume from there. DELETE abandons it and its bytes."""

    @extend_schema(responses=RecordingUploadSerializer)
    def get(self, request: Request, pk: str) -> Response:
        return Response(RecordingUploadSerializer(selectors.upload_get(user=request.user, upload_id=pk)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: str) -> Response:
        upload = selectors.upload_get(user=request.user, upload_id=pk)
        if upload.recording_id is None:
            services.recording_upload_abandon(upload=upload)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RecordingUploadChunkApi(APIView):
    """Append one chunk at `Upload-Offset`; the body is the raw bytes, never parsed or held in memory whole."""

    parser_classes = ()

    @extend_schema(
        request={"application/offset+octet-stream": OpenApiTypes.BINARY},
        parameters=[OpenApiParameter("Upload-Offset", int, OpenApiParameter.HEADER, required=True)],
        responses={200: RecordingUploadSerializer, 409: _CONFLICT, 413: _TOO_LARGE},
    )
    def put(self, request: Request, pk: str) -> Response:
        upload = selectors.upload_get(user=request.user, upload_id=pk)
        offset, length = _header_int(request, "Upload-Offset"), _header_int(request, "Content-Length")
        try:
            upload = services.recording_upload_append(
                upload_id=upload.pk, offset=offset, length=length, read=request._request.read
            )
        except services.OffsetConflictError as error:
            body = {"detail": error.messages[0], "received": error.received}
            return Response(body, status=status.HTTP_409_CONFLICT)
        except services.UploadTooLargeError as error:
            raise UploadTooLarge(error.messages[0]) from None
        return Response(RecordingUploadSerializer(upload).data)


def _header_int(request: Request, name: str) -> int:
    raw = request.headers.get(name, "")
    value = int_parse(raw)
    if value is None:
        raise serializers.ValidationError({name: f"Send the {name} header as a whole number of bytes, got {raw!r}."})
    return value


class RecordingUploadApi(APIView):
    """Upload a whole recording in one multipart request (`file`); for big files use the resumable upload."""

    parser_classes = (MultiPartParser, FormParser)

    class InputSerializer(_Options):
        file = serializers.FileField()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        upload_size_check(request._request)
        super().initial(request, *args, **kwargs)

    @extend_schema(request=InputSerializer, responses={201: RecordingSerializer, 413: _TOO_LARGE})
    def post(self, request: SignedInRequest) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values, file = dict(data.validated_data), data.validated_data["file"]
        upload = services.recording_upload_start(
            team=_team(request, values.get("team")), user=request.user, name=values["name"],
            original_name=file.name or "recording", size_bytes=file.size or 0,
            options={"analyse": values["analyse"], "model_run": values.get("model_run")},
        )  # fmt: skip
        chunk = settings.STUDIO_UPLOAD_CHUNK_MB * 1024 * 1024
        file.seek(0)
        while not upload.is_complete:
            length = min(chunk, upload.size_bytes - upload.received)
            upload = services.recording_upload_append(upload_id=upload.pk, offset=upload.received, length=length,
                                                      read=file.read)  # fmt: skip
        assert upload.recording is not None
        return Response(recording_payload(upload.recording), status=status.HTTP_201_CREATED)
