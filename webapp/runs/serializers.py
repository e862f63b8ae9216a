"""The one JSON shape of a job, shared by the API, the pages' scripts and the `run.status` live event."""

from typing import Any

from rest_framework import serializers

from webapp.runs.models import Run
from webapp.runs.selectors import run_disk_bytes


class RunSerializer(serializers.Serializer):
    """A job, plus its place in the queue when the caller knows it (`context={"position": n}`)."""

    id = serializers.IntegerField()
    team = serializers.IntegerField(source="team_id")
    created_by = serializers.CharField(source="created_by_label")
    created_at = serializers.DateTimeField(allow_null=True)
    status = serializers.ChoiceField(Run.Status.choices)
    status_label = serializers.CharField(source="get_status_display")
    status_message = serializers.CharField()
    queue = serializers.ChoiceField(Run.Queue.choices)
    runs_on_cpu = serializers.BooleanField(help_text="Runs (or will run) on a CPU: expect it to be slow.")
    model = serializers.CharField(source="model_name")
    model_label = serializers.CharField()
    width_mult = serializers.FloatField(allow_null=True)
    is_distillation = serializers.BooleanField()
    teacher = serializers.IntegerField(source="teacher_id", allow_null=True)
    dataset_version = serializers.IntegerField(source="dataset_version_id")
    retry_of = serializers.IntegerField(source="retry_of_id", allow_null=True)
    config = serializers.JSONField(help_text="kdcore TrainConfig.to_dict()")
    cancel_requested = serializers.BooleanField()
    worker_hostname = serializers.CharField()
    device = serializers.CharField()
    started_at = serializers.DateTimeField(allow_null=True)
    heartbeat_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    progress = serializers.JSONField(help_text="The latest kdcore ProgressEvent")
    metrics = serializers.JSONField(help_text="kdcore FitResult.metrics() once it succeeded")
    class_names = serializers.ListField(child=serializers.CharField())
    accuracy = serializers.FloatField(allow_null=True, help_text="Test accuracy, else validation accuracy")
    parameters = serializers.IntegerField(allow_null=True)
    size_bytes = serializers.IntegerField(allow_null=True)
    latency_ms = serializers.FloatField(allow_null=True, help_text="Median CPU batch-1 latency")
    latency = serializers.JSONField(
        help_text="How latency_ms was measured: median_ms, p25_ms, p75_ms, min_ms, max_ms, runs, warmup, threads, "
        "input_size, measured_at, host, side_by_side_with, note; queued_at while a measurement waits"
    )
    latency_summary = serializers.CharField(help_text="How and when latency_ms was measured, in words")
    latency_pending = serializers.BooleanField(help_text="A measurement is queued: it waits until its machine is idle")
    disk_bytes = serializers.SerializerMethodField(help_text="Bytes its files (checkpoint, ONNX export) take on disk")
    has_checkpoint = serializers.BooleanField()
    has_onnx = serializers.BooleanField()
    queue_position = serializers.SerializerMethodField(help_text="1 = next to start; null unless queued")

    def get_disk_bytes(self, run: Run) -> int:
        return run_disk_bytes(run=run)

    def get_queue_position(self, run: Run) -> int | None:
        position = self.context.get("position")
        return int(position) if position is not None else None


class RunDetailSerializer(RunSerializer):
    """A job with every epoch recorded so far (kdcore ProgressEvents of kind "epoch"), given as `context`."""

    epochs = serializers.SerializerMethodField()

    def get_epochs(self, run: Run) -> list[dict[str, Any]]:
        return list(self.context.get("epochs", []))


def run_payload(run: Run, *, position: int | None = None) -> dict[str, Any]:
    """A job as plain JSON-ready data: what the API lists and the `run.status` event carries."""
    return dict(RunSerializer(run, context={"position": position}).data)


def run_detail_payload(run: Run, *, position: int | None, epochs: list[dict[str, Any]]) -> dict[str, Any]:
    """A job with its epochs."""
    return dict(RunDetailSerializer(run, context={"position": position, "epochs": epochs}).data)
