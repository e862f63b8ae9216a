"""The JSON shapes of the reviews app: label scorings, faces under review, decisions, audit entries, commits."""

from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from webapp.datasets.models import CLASS_NAMES
from webapp.reviews.models import LabelScoring, ReviewCommit, ReviewDecision, ReviewEvent


class ScoringSerializer(serializers.Serializer):
    """A label-quality job."""

    id = serializers.IntegerField()
    version = serializers.IntegerField(source="version_id")
    status = serializers.ChoiceField(choices=LabelScoring.Status.choices)
    status_label = serializers.CharField(source="get_status_display")
    status_message = serializers.CharField()
    folds = serializers.IntegerField()
    config = serializers.JSONField(help_text="kdcore TrainConfig.to_dict() of each fold's model")
    queue = serializers.CharField()
    runs_on_cpu = serializers.BooleanField()
    device = serializers.CharField()
    worker_hostname = serializers.CharField()
    retry_of = serializers.IntegerField(source="retry_of_id", allow_null=True)
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    progress = serializers.JSONField(help_text="kdcore CrossFitProgress: fold, epoch, fraction, eta_s")
    summary = serializers.JSONField(help_text="flagged, fold accuracies, method, seconds")


class DecisionSerializer(serializers.Serializer):
    """The current decision about one face ('' action: undecided) and its revision, to send back with a change."""

    item = serializers.IntegerField(source="item_id")
    action = serializers.CharField()
    # ignore[assignment]: `label` shadows a Field attribute in the stubs; DRF moves declared fields off the class.
    label = serializers.IntegerField(allow_null=True)  # type: ignore[assignment]
    label_name = serializers.SerializerMethodField()
    revision = serializers.IntegerField()
    decided_by = serializers.CharField(allow_null=True)
    decided_at = serializers.DateTimeField()

    def get_label_name(self, decision: ReviewDecision) -> str | None:
        return CLASS_NAMES[decision.label] if decision.label is not None else None


class _GuessSerializer(serializers.Serializer):
    # ignore[assignment]: `label` shadows a Field attribute in the stubs; DRF moves declared fields off the class.
    label = serializers.IntegerField()  # type: ignore[assignment]
    name = serializers.CharField()
    prob = serializers.FloatField()


class FaceSerializer(serializers.Serializer):
    """The shape of one face under review, as `webapp.reviews.faces.face_entries` builds it, for the schema: the
    scored fields come with a label scoring (`rank`, `flagged`) or a job's predictions, and are absent otherwise."""

    item = serializers.IntegerField()
    name = serializers.CharField()
    split = serializers.CharField()
    # ignore[assignment]: as above.
    label = serializers.IntegerField()  # type: ignore[assignment]
    label_name = serializers.CharField()
    image_url = serializers.CharField()
    decision = DecisionSerializer(allow_null=True)
    rank = serializers.IntegerField(required=False, help_text="1 is the likeliest label error (a scoring only)")
    score = serializers.FloatField(required=False, help_text="Label quality, or the job's confidence")
    flagged = serializers.BooleanField(required=False, help_text="Counted among the likely label errors")
    suggested = serializers.IntegerField(required=False, help_text="The likeliest class (index)")
    top = _GuessSerializer(many=True, required=False, help_text="The three likeliest classes")


class EventSerializer(serializers.Serializer):
    """One audit entry."""

    id = serializers.IntegerField()
    item = serializers.IntegerField(source="item_id")
    user = serializers.CharField(allow_null=True)
    at = serializers.DateTimeField(source="created_at")
    action = serializers.CharField()
    result = serializers.CharField()
    old_label = serializers.SerializerMethodField()
    new_label = serializers.SerializerMethodField()
    revision = serializers.IntegerField()
    scoring = serializers.IntegerField(source="scoring_id", allow_null=True)
    run = serializers.IntegerField(source="run_id", allow_null=True)
    score = serializers.FloatField(allow_null=True)

    def get_old_label(self, event: ReviewEvent) -> str:
        return CLASS_NAMES[event.old_label]

    def get_new_label(self, event: ReviewEvent) -> str | None:
        return CLASS_NAMES[event.new_label] if event.new_label is not None else None


class CommitSerializer(serializers.Serializer):
    """A committed review: the version it made and its changelog."""

    version = serializers.IntegerField(source="version_id")
    new_version = serializers.IntegerField(source="new_version_id")
    new_version_label = serializers.CharField(source="new_version.label")
    committed_by = serializers.CharField(allow_null=True)
    committed_at = serializers.DateTimeField()
    changelog = serializers.JSONField()
    url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, commit: ReviewCommit) -> str:
        version = commit.new_version
        return reverse("datasets:version", kwargs={"pk": version.dataset_id, "number": version.number})


def scoring_payload(scoring: LabelScoring) -> dict[str, Any]:
    """A label-quality job as plain JSON-ready data (the API's answer and its live event)."""
    return dict(ScoringSerializer(scoring).data)
