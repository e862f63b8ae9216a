"""Review and relabel: label-quality scorings, per-face scores, reviewers' decisions, their audit trail, commits.

A scoring is a worker task that cross-fits a model on a dataset version and scores every face (`FaceScore`). People
decide about faces of a version (`ReviewDecision`: relabel, keep, or exclude as not a face); every decision and
undo is an audit entry (`ReviewEvent`) that is never changed. A commit turns the decisions into the next immutable
version (`ReviewCommit` keeps its changelog); the committed version takes no more decisions.
"""

from django.conf import settings
from django.db import models

from webapp.accounts.models import TeamOwned
from webapp.system.models import WorkerTask


class LabelScoring(WorkerTask):
    """A label-quality job: out-of-sample probabilities for every face of `version` by k-fold cross-fitting, then
    each face's scores. Each run is kept with its date and settings; a re-run replaces nothing."""

    class Queue(models.TextChoices):
        GPU = "gpu", "GPU"
        CPU = "cpu", "CPU"

    version = models.ForeignKey("datasets.DatasetVersion", on_delete=models.CASCADE, related_name="scorings")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    folds = models.PositiveSmallIntegerField(default=4)
    config = models.JSONField(help_text="kdcore TrainConfig.to_dict() of each fold's model")
    queue = models.CharField(max_length=10, choices=Queue.choices, default=Queue.GPU)
    device = models.CharField(max_length=20, blank=True)
    retry_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="retries")
    status_message = models.TextField(blank=True)
    cancel_requested_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    progress = models.JSONField(default=dict, blank=True, help_text="kdcore CrossFitProgress, as a dict")
    summary = models.JSONField(default=dict, blank=True, help_text="fold metrics, flagged count, method, seconds")

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"Label scoring #{self.pk} of {self.version_id} ({self.status})"

    @property
    def runs_on_cpu(self) -> bool:
        """Whether it runs (or will run) on a CPU."""
        return self.device == "cpu" if self.device else self.queue == self.Queue.CPU


class FaceScore(models.Model):
    """How likely one face's given label is wrong, by one scoring: `rank` 1 is the likeliest."""

    scoring = models.ForeignKey(LabelScoring, on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey("datasets.DatasetItem", on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveIntegerField()
    quality = models.FloatField(help_text="cleanlab's label-quality score in [0, 1]: low means likely wrong")
    self_confidence = models.FloatField()
    normalized_margin = models.FloatField()
    flagged = models.BooleanField(help_text="Confident learning counts it among the likely label errors.")
    suggested = models.PositiveSmallIntegerField(help_text="The class the out-of-sample model finds likeliest.")
    probs = models.JSONField()

    class Meta:
        constraints = (models.UniqueConstraint(fields=("scoring", "item"), name="one_score_per_scoring_and_item"),)
        indexes = (models.Index(fields=("scoring", "rank"), name="reviews_score_rank"),)

    def __str__(self) -> str:
        return f"Item {self.item_id}: rank {self.rank} in scoring #{self.scoring_id}"


class Action(models.TextChoices):
    """What a reviewer decided about a face."""

    RELABEL = "relabel", "Relabelled"
    KEEP = "keep", "Kept"
    EXCLUDE = "exclude", "Excluded (not a usable face)"
    UNDO = "undo", "Undone"


class ReviewDecision(TeamOwned):
    """The current decision about one face of one version. `revision` grows with every change, so a reviewer whose
    page is out of date is told (optimistic concurrency) instead of overwriting a teammate's decision."""

    version = models.ForeignKey("datasets.DatasetVersion", on_delete=models.CASCADE, related_name="decisions")
    item = models.ForeignKey("datasets.DatasetItem", on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices, blank=True, help_text="'' once undone")
    label = models.PositiveSmallIntegerField(null=True, blank=True, help_text="The new label, when relabelled.")
    revision = models.PositiveIntegerField(default=0, help_text="Grows with every change, undos included.")
    state_revision = models.PositiveIntegerField(
        default=0, help_text="The audit entry whose decision this is (0: undecided); undo steps back from it."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = (models.UniqueConstraint(fields=("version", "item"), name="one_decision_per_version_and_item"),)

    def __str__(self) -> str:
        return f"Item {self.item_id} of version {self.version_id}: {self.action or 'undecided'}"


class ReviewEvent(TeamOwned):
    """One audit entry: who decided what about which face, when, and what surfaced it. Never changed."""

    version = models.ForeignKey("datasets.DatasetVersion", on_delete=models.CASCADE, related_name="review_events")
    item = models.ForeignKey("datasets.DatasetItem", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices, help_text="What the person did.")
    result = models.CharField(max_length=10, choices=Action.choices, blank=True, help_text="The decision after it.")
    old_label = models.PositiveSmallIntegerField(help_text="The face's label in the version.")
    new_label = models.PositiveSmallIntegerField(null=True, blank=True, help_text="The new label after it, if any.")
    revision = models.PositiveIntegerField(help_text="The decision's revision after it.")
    before = models.PositiveIntegerField(default=0, help_text="The entry whose decision it replaced (0: none).")
    scoring = models.ForeignKey(LabelScoring, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    run = models.ForeignKey("runs.Run", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    score = models.FloatField(null=True, blank=True, help_text="The score that surfaced the face, if any.")

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = (models.Index(fields=("version", "item"), name="reviews_event_item"),)

    def __str__(self) -> str:
        return f"{self.user} {self.action} item {self.item_id}"


class ReviewCommit(models.Model):
    """A version's decisions turned into its next version, with the changelog people read."""

    version = models.OneToOneField("datasets.DatasetVersion", on_delete=models.CASCADE, related_name="commit")
    new_version = models.OneToOneField(
        "datasets.DatasetVersion", on_delete=models.CASCADE, related_name="committed_from"
    )
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    committed_at = models.DateTimeField(auto_now_add=True)
    changelog = models.JSONField(help_text="counts per class before/after, and every change")

    def __str__(self) -> str:
        return f"Commit of version {self.version_id} as {self.new_version_id}"
