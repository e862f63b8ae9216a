"""Runs (a training or distillation job and what it produced) and the epochs they record as they go."""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.formats import date_format
from django.utils.timezone import localtime

from webapp.runs.configs import model_label
from webapp.system.models import WorkerTask

LEGACY_LATENCY = "Timed while its worker was busy (before latency was measured alone): measure again to trust it."


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
    latency = models.JSONField(
        default=dict, blank=True, help_text="How latency_ms was measured: runs, threads, spread, when, where, notes."
    )

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
        return model_label(self.model_name, self.width_mult)

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

    @property
    def model_name(self) -> str:
        """The registered model the job trains (kdcore's `list_models()`)."""
        return str(self.config.get("model", ""))

    @property
    def width_mult(self) -> float | None:
        """The width of an any-width student; None for the named models."""
        value = self.config.get("width_mult")
        return None if value is None else float(value)

    @property
    def created_by_label(self) -> str:
        """Who queued it, in words ("" when unknown)."""
        return str(self.created_by or "")

    @property
    def cancel_requested(self) -> bool:
        """Whether someone asked it to stop."""
        return self.cancel_requested_at is not None

    @property
    def has_checkpoint(self) -> bool:
        """Whether its best weights can be downloaded."""
        return bool(self.checkpoint_path)

    @property
    def latency_measured(self) -> bool:
        """Whether `latency_ms` comes from a repeatable measurement (else it is missing, or from an older Studio that
        timed it while the worker trained)."""
        return bool(self.latency.get("measured_at"))

    @property
    def latency_measured_at(self) -> datetime | None:
        """When `latency_ms` was measured (None before a repeatable measurement)."""
        measured = self.latency.get("measured_at")
        return localtime(datetime.fromisoformat(measured)) if measured else None

    @property
    def latency_pending(self) -> bool:
        """Whether a measurement is queued that has not been taken yet."""
        queued, measured = self.latency.get("queued_at"), self.latency.get("measured_at")
        return bool(queued) and (not measured or queued > measured)

    @property
    def latency_summary(self) -> str:
        """How `latency_ms` was measured, in words: runs, threads, spread, when and where ("" when nothing to say)."""
        if self.latency_pending:
            again = " again" if self.latency_ms is not None else ""
            return f"Being measured{again}: waits until its worker's machine is idle."
        measured_at = self.latency_measured_at
        if measured_at is None:
            return "" if self.latency_ms is None else LEGACY_LATENCY
        facts = self.latency
        when = date_format(measured_at, "j M Y, H:i")
        threads = "thread" if facts["threads"] == 1 else "threads"
        return (
            f"Median of {facts['runs']} runs on {facts['threads']} {threads} after {facts['warmup']} warm-up runs "
            f"(middle half within {facts['spread_ms']:.2f} ms), measured {when} on {facts['host']}."
        )

    @property
    def has_onnx(self) -> bool:
        """Whether its ONNX export can be downloaded."""
        return bool(self.onnx_path)


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


class RunPrediction(models.Model):
    """What a finished job's model predicted for one face of its validation or test split.

    Stored when the job succeeds (`kdcore.predictions`), so a confusion-matrix cell lists exactly its faces and the
    review page can show the model's top guesses. `probs` holds the class probabilities in `Run.class_names` order.
    """

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="predictions")
    item = models.ForeignKey("datasets.DatasetItem", on_delete=models.CASCADE, related_name="+")
    split = models.PositiveSmallIntegerField()
    label = models.PositiveSmallIntegerField(help_text="The given label, when the job ran.")
    predicted = models.PositiveSmallIntegerField()
    confidence = models.FloatField(help_text="Probability of the predicted class.")
    probs = models.JSONField()

    class Meta:
        constraints = (models.UniqueConstraint(fields=("run", "item"), name="one_prediction_per_run_and_item"),)
        indexes = (models.Index(fields=("run", "label", "predicted"), name="runs_prediction_cell"),)

    def __str__(self) -> str:
        return f"Job #{self.run_id}, item {self.item_id}: {self.label} → {self.predicted}"
