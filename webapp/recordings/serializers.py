"""The JSON shapes of recordings, uploads, analyses, task segments and share links: one per entity, shared by the
API, the pages' scripts and the live events."""

from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from webapp.recordings.models import Analysis, Recording, RecordingUpload, ShareLink, TaskSegment


class RecordingUploadSerializer(serializers.Serializer):
    """A resumable upload: send the bytes from `received` on, in chunks of at most `chunk_bytes`."""

    id = serializers.UUIDField()
    name = serializers.CharField()
    original_name = serializers.CharField()
    size_bytes = serializers.IntegerField()
    received = serializers.IntegerField(help_text="Bytes stored so far: the offset of the next chunk.")
    chunk_bytes = serializers.SerializerMethodField()
    recording = serializers.IntegerField(source="recording_id", allow_null=True, help_text="Set once complete.")

    def get_chunk_bytes(self, upload: RecordingUpload) -> int:
        from django.conf import settings

        return int(settings.STUDIO_UPLOAD_CHUNK_MB * 1024 * 1024)


class AnalysisSerializer(serializers.Serializer):
    """An analysis: where it runs, how far it got (`progress`), and its result's summary once it succeeded."""

    id = serializers.IntegerField()
    recording = serializers.IntegerField(source="recording_id")
    status = serializers.ChoiceField(choices=Analysis.Status.choices)
    status_label = serializers.CharField(source="get_status_display")
    status_message = serializers.CharField()
    model_run = serializers.IntegerField(source="model_run_id", allow_null=True, help_text="null: built-in model")
    model_label = serializers.CharField()
    config = serializers.JSONField(help_text="kdcore.video AnalysisSettings.to_dict()")
    queue = serializers.ChoiceField(choices=Analysis.Queue.choices)
    runs_on_cpu = serializers.BooleanField()
    device = serializers.CharField()
    worker_hostname = serializers.CharField()
    retry_of = serializers.IntegerField(source="retry_of_id", allow_null=True)
    cancel_requested = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    progress = serializers.JSONField(help_text="frames_done, frames_total, frames_per_s, elapsed_s, eta_s")
    summary = serializers.JSONField(help_text="tracks, participant, distribution, moments, timings")
    participant_track = serializers.IntegerField(allow_null=True)

    def get_cancel_requested(self, analysis: Analysis) -> bool:
        return analysis.cancel_requested_at is not None


class TaskSegmentSerializer(serializers.Serializer):
    """A task the participant did, from `start_s` to `end_s` seconds into the recording."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    start_s = serializers.FloatField()
    end_s = serializers.FloatField()


class RecordingSerializer(serializers.Serializer):
    """A recording: what the probe found, where the browser plays it, and its analyses (newest first)."""

    id = serializers.IntegerField()
    team = serializers.IntegerField(source="team_id")
    name = serializers.CharField()
    original_name = serializers.CharField()
    size_bytes = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Recording.Status.choices)
    status_label = serializers.CharField(source="get_status_display")
    message = serializers.CharField()
    info = serializers.JSONField(help_text="duration_s, frame_rate, width, height, rotation, codec, has_audio, …")
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    video_url = serializers.SerializerMethodField()
    poster_url = serializers.SerializerMethodField()
    analyses = serializers.SerializerMethodField()
    tasks = TaskSegmentSerializer(many=True, source="tasks.all")

    @extend_schema_field(OpenApiTypes.URI)
    def get_video_url(self, recording: Recording) -> str | None:
        return reverse("recordings:video", kwargs={"pk": recording.pk}) if recording.video_path else None

    @extend_schema_field(OpenApiTypes.URI)
    def get_poster_url(self, recording: Recording) -> str | None:
        return reverse("recordings:poster", kwargs={"pk": recording.pk}) if recording.poster_path else None

    @extend_schema_field(AnalysisSerializer(many=True))
    def get_analyses(self, recording: Recording) -> list[dict[str, Any]]:
        return [analysis_payload(analysis) for analysis in recording.analyses.all()]


class ShareLinkSerializer(serializers.Serializer):
    """A read-only link to an analysis's report; `url` works without an account until revoked."""

    id = serializers.IntegerField()
    analysis = serializers.IntegerField(source="analysis_id")
    url = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    revoked_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, link: ShareLink) -> str:
        return reverse("recordings:share", kwargs={"token": link.token})


def recording_payload(recording: Recording) -> dict[str, Any]:
    """A recording as plain JSON-ready data (the API's answer and the `recording.status` event)."""
    return dict(RecordingSerializer(recording).data)


def analysis_payload(analysis: Analysis) -> dict[str, Any]:
    """An analysis as plain JSON-ready data (the API's answer and the `analysis.status` event)."""
    return dict(AnalysisSerializer(analysis).data)


def task_payload(task: TaskSegment) -> dict[str, Any]:
    """A task segment as plain JSON-ready data."""
    return dict(TaskSegmentSerializer(task).data)
