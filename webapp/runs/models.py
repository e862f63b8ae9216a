"""Runs (a training or distillation job and what it produced) and the epochs they record as they go."""

from typing import Any

from django.conf import settings
from django.db import models

from webapp.runs.configs import model_label
from webapp.system.models import WorkerTask


class Run(WorkerTask):
    """One job: a config, where it runs, how far it got, and its checkpoint, export and measurements.

    Status changes happen only in `webapp.runs.services` (through `RunLifecycle`); `config` is
    `kdcore.config.TrainConfig.to_dict()`, with the teacher's checkpoint named relative to MEDIA_ROOT.
    """

    class Queue(models.TextChoices):
        GPU = "gpu", "GPU"
        CPU = "cpu", "CPU"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dataset_version = models.ForeignKey("datasets.DatasetVersion", on_delete=models.PROTECT, related_name="runs")
    teacher = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="students")
    retry_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="retries")
    config = models.JSONField()
    queue = models.CharField(max_length=10, choices=Queue.choices, default=Queue.GPU)
    status_message = models.TextField(blank=True, help_text="How the job ended, in words a user can act on.")
    cancel_requested_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    device = models.CharField(max_length=20, blank=True, help_text="Where it actually ran: cpu or cuda.")
    progress = models.JSONField(default=dict, blank=True, help_text="The latest ProgressEvent, as a dict.")
    metrics = models.JSONField(default=dict, blank=True, help_text="FitResult.metrics() once it succeeded.")
    class_names = models.JSONField(default=list, blank=True)
    checkpoint_path = models.CharField(max_length=255, blank=True, help_text="Relative to MEDIA_ROOT.")
    onnx_path = models.CharField(max_length=255, blank=True, help_text="Relative to MEDIA_ROOT.")
    parameters = models.BigIntegerField(null=True, blank=True)
    size_bytes = models.BigIntegerField(null=True, blank=True)
    latency_ms = models.FloatField(null=True, blank=True, help_text="Median CPU batch-1 latency.")

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = (models.Index(fields=("status", "queue", "id"), name="runs_queue_order"),)

    def __str__(self) -> str:
        return f"Job #{self.pk} ({self.model_label}, {self.status})"

    @property
    def artifact_dir(self) -> str:
        """Folder of this run's files, relative to MEDIA_ROOT."""
        return f"runs/{self.pk}"

    @property
    def is_distillation(self) -> bool:
        """Whether a teacher guides this run."""
        return bool(self.config.get("distill"))

    @property
    def model_label(self) -> str:
        """The model in words, e.g. "Student B (¼ width)"."""
        return model_label(self.config.get("model", ""), self.config.get("width_mult"))

    @property
    def runs_on_cpu(self) -> bool:
        """Whether the job runs (or will run) on a CPU: the device it got, else what its queue promises."""
        if self.device:
            return self.device == "cpu"
        return self.queue == self.Queue.CPU or self.config.get("device") == "cpu"

    @property
    def epochs_done(self) -> int:
        """Whole epochs finished, from the latest progress point (an epoch cut short by a cancel does not count)."""
        if not self.progress:
            return 0
        epoch, whole = int(self.progress["epoch"]), self.progress.get("step") == self.progress.get("steps_per_epoch")
        return epoch if self.progress.get("kind") == "epoch" and whole else epoch - 1

    @property
    def accuracy(self) -> float | None:
        """Test accuracy of the chosen weights, else their validation accuracy (None before it succeeds)."""
        for split in ("test", "val"):
            report = self.metrics.get(split)
            if report:
                return float(report["accuracy"])
        return None

    def as_payload(self) -> dict[str, Any]:
        """The JSON shape shared by the API and the `run.status` live event."""
        stamp = _isoformat
        return {
            "id": self.pk, "team": self.team_id, "created_by": str(self.created_by or ""),
            "created_at": stamp(self.created_at), "status": self.status, "status_label": self.get_status_display(),
            "status_message": self.status_message, "queue": self.queue, "runs_on_cpu": self.runs_on_cpu,
            "model": self.config.get("model", ""), "model_label": self.model_label,
            "width_mult": self.config.get("width_mult"), "is_distillation": self.is_distillation,
            "teacher": self.teacher_id, "dataset_version": self.dataset_version_id, "retry_of": self.retry_of_id,
            "config": self.config, "cancel_requested": self.cancel_requested_at is not None,
            "worker_hostname": self.worker_hostname, "device": self.device, "started_at": stamp(self.started_at),
            "heartbeat_at": stamp(self.heartbeat_at), "finished_at": stamp(self.finished_at),
            "progress": self.progress, "metrics": self.metrics, "class_names": self.class_names,
            "accuracy": self.accuracy, "parameters": self.parameters, "size_bytes": self.size_bytes,
            "latency_ms": self.latency_ms, "has_checkpoint": bool(self.checkpoint_path),
            "has_onnx": bool(self.onnx_path),
        }  # fmt: skip


class RunEpoch(models.Model):
    """One finished and validated epoch: `asdict(ProgressEvent)` of kind "epoch", as the browser renders it."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="epochs")
    epoch = models.PositiveIntegerField()
    event = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("run", "epoch")
        constraints = (models.UniqueConstraint(fields=("run", "epoch"), name="one_row_per_run_epoch"),)

    def __str__(self) -> str:
        return f"Job #{self.run_id} epoch {self.epoch}"


def _isoformat(value: Any) -> str | None:
    return value.isoformat() if value else None
