"""Session recordings, the uploads that bring them in, their analyses, task segments and share links.

A recording's files live under MEDIA_ROOT/recordings/<id>/ (`webapp.recordings.storage`): the original, a
browser-playable copy when the original does not play in Chromium, a poster, and one folder per analysis. Per-frame
results are files (Parquet, plus CSV/JSON exports); the database keeps only summaries, so a 90-minute recording at
30 fps (162,000 frames) costs a handful of rows.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models

from webapp.accounts.models import TeamOwned
from webapp.system.models import WorkerTask

CLASS_NAMES = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")


class RecordingUpload(TeamOwned):
    """A chunked, resumable upload in progress: bytes arrive in order at `received`, into a part file.

    A dropped connection resumes at `received` (the client asks for it), never from zero; the whole file is never
    held in memory. Completing it creates the `Recording`.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=200, help_text="What people call the recording.")
    original_name = models.CharField(max_length=255)
    size_bytes = models.BigIntegerField(help_text="The whole file's size, declared when the upload starts.")
    received = models.BigIntegerField(default=0, help_text="Bytes stored so far, from the start of the file.")
    options = models.JSONField(default=dict, blank=True, help_text="What to do once complete: analyse, model_run.")
    recording = models.OneToOneField(
        "Recording", null=True, blank=True, on_delete=models.SET_NULL, related_name="upload"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"Upload of {self.original_name} ({self.received}/{self.size_bytes} bytes)"

    @property
    def is_complete(self) -> bool:
        """Every byte arrived."""
        return self.received >= self.size_bytes


class Recording(WorkerTask):
    """One uploaded session recording (or a single photo), prepared by a worker before it is analysed.

    Preparation (the task's lifecycle) probes the file with PyAV, writes a poster and, when the original does not
    play in Chromium, a browser-playable copy. `info` is `kdcore.video.VideoInfo` as a dict.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Preparing"
        SUCCEEDED = "succeeded", "Ready"
        FAILED = "failed", "Not usable"
        CANCELLED = "cancelled", "Cancelled"

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=200)
    original_name = models.CharField(max_length=255)
    original_path = models.CharField(max_length=255, blank=True, help_text="Relative to MEDIA_ROOT; '' once gone.")
    size_bytes = models.BigIntegerField()
    info = models.JSONField(default=dict, blank=True, help_text="What the worker's probe found.")
    playable_path = models.CharField(max_length=255, blank=True, help_text="The copy the browser plays, if any.")
    poster_path = models.CharField(max_length=255, blank=True)
    message = models.TextField(blank=True, help_text="What preparation is doing, or why the file is not usable.")

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return self.name

    @property
    def folder(self) -> str:
        """This recording's folder, relative to MEDIA_ROOT."""
        return f"recordings/{self.pk}"

    @property
    def duration_s(self) -> float | None:
        """Its length in seconds, once probed."""
        value = self.info.get("duration_s")
        return None if value is None else float(value)

    @property
    def is_image(self) -> bool:
        """A single photo, analysed as one frame."""
        return bool(self.info.get("is_image"))

    @property
    def video_path(self) -> str:
        """The file the browser plays: the playable copy when there is one, else the original ('' if neither)."""
        if self.playable_path:
            return self.playable_path
        return self.original_path if self.info.get("browser_playable") else ""


class Analysis(WorkerTask):
    """One pass of a model over a recording: faces found, tracked and classified in every frame.

    `model_run` is the finished job whose checkpoint classifies faces; None means the built-in Student B.
    `progress` holds frames done, the estimate of all frames, frames/s and ETA; `summary` the result's summary
    (tracks, participant, distribution, strongest moments, timings). Per-frame rows live in `result_dir`.
    """

    class Queue(models.TextChoices):
        GPU = "gpu", "GPU"
        CPU = "cpu", "CPU"

    recording = models.ForeignKey(Recording, on_delete=models.CASCADE, related_name="analyses")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    model_run = models.ForeignKey("runs.Run", null=True, blank=True, on_delete=models.PROTECT, related_name="analyses")
    model_label = models.CharField(max_length=100, help_text="The model in words, kept if its job is deleted.")
    config = models.JSONField(default=dict, blank=True, help_text="kdcore.video AnalysisSettings.to_dict()")
    queue = models.CharField(max_length=10, choices=Queue.choices, default=Queue.GPU)
    device = models.CharField(max_length=20, blank=True, help_text="Where it actually ran: cpu or cuda.")
    retry_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="retries")
    status_message = models.TextField(blank=True)
    cancel_requested_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    progress = models.JSONField(default=dict, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    participant_track = models.IntegerField(null=True, blank=True, help_text="Picked automatically; switchable.")

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name_plural = "analyses"

    def __str__(self) -> str:
        return f"Analysis #{self.pk} of {self.recording_id} ({self.status})"

    @property
    def result_dir(self) -> str:
        """This analysis's folder, relative to MEDIA_ROOT."""
        return f"recordings/{self.recording_id}/analyses/{self.pk}"

    @property
    def runs_on_cpu(self) -> bool:
        """Whether it runs (or will run) on a CPU."""
        return self.device == "cpu" if self.device else self.queue == self.Queue.CPU


class TaskSegment(models.Model):
    """A stretch of a recording in which the participant did one task (`name`), in seconds from its start."""

    recording = models.ForeignKey(Recording, on_delete=models.CASCADE, related_name="tasks")
    name = models.CharField(max_length=200)
    start_s = models.FloatField()
    end_s = models.FloatField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("recording", "start_s", "id")

    def __str__(self) -> str:
        return f"{self.name} ({self.start_s:.1f}–{self.end_s:.1f} s)"


def _share_token() -> str:
    return secrets.token_urlsafe(32)


class ShareLink(models.Model):
    """A read-only link to one analysis's report for people without an account: unguessable and revocable."""

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="share_links")
    token = models.CharField(max_length=64, unique=True, default=_share_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"Share link of analysis #{self.analysis_id}"

    @property
    def is_active(self) -> bool:
        """Not revoked."""
        return self.revoked_at is None
