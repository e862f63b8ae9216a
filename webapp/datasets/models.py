"""Datasets of labelled faces: uploads and their imports, immutable versions, items, and the images they share.

An image is stored once per team, keyed by the sha256 of its grayscale pixels; its file lives once on disk (see
`webapp.datasets.storage`). Rows are per team so that a team can only ever reach images it uploaded itself, even
when another team uploaded the same pixels. A version never changes after it is created: relabelling makes the
next version, so a job always trains on exactly the data its version's fingerprint names.
"""

import uuid
from datetime import timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.text import get_valid_filename

from webapp.accounts.models import TeamOwned
from webapp.system.models import WorkerTask


class Label(models.IntegerChoices):
    """The 7 emotion classes in FER2013's order (kdcore's `CLASS_NAMES`; a worker test checks they agree)."""

    ANGRY = 0, "angry"
    DISGUST = 1, "disgust"
    FEAR = 2, "fear"
    HAPPY = 3, "happy"
    SAD = 4, "sad"
    SURPRISE = 5, "surprise"
    NEUTRAL = 6, "neutral"


class Split(models.IntegerChoices):
    """Splits in kdcore's `SPLIT_NAMES` order: train, val (FER2013's PublicTest), test (its PrivateTest)."""

    TRAIN = 0, "train"
    VAL = 1, "val"
    TEST = 2, "test"


CLASS_NAMES: tuple[str, ...] = tuple(str(label) for label in Label.labels)
SPLIT_NAMES: tuple[str, ...] = tuple(str(split) for split in Split.labels)


def upload_path(instance: "DatasetImport", filename: str) -> str:
    """Uploads keep their name (people recognise it) inside a folder of their own (no two ever collide)."""
    return f"uploads/{instance.team_id}/{uuid.uuid4().hex}/{get_valid_filename(PurePosixPath(filename).name)}"


DESCRIPTION_MAX_LENGTH = 2000


class Dataset(TeamOwned):
    """A named collection of faces that grows by versions: v1 from an upload, later ones from uploads or relabels."""

    name = models.CharField(max_length=100)
    # TextField's max_length only sizes form widgets; the validator is what full_clean() (every service) enforces.
    description = models.TextField(
        blank=True, max_length=DESCRIPTION_MAX_LENGTH, validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = (
            models.UniqueConstraint(
                fields=("team", "name"),
                name="one_dataset_name_per_team",
                violation_error_message="Your team already has a dataset with this name: pick another name.",
            ),
        )

    def __str__(self) -> str:
        return self.name


class DatasetVersion(TeamOwned):
    """One immutable snapshot of a dataset: its items, their counts per split and class, and a fingerprint.

    `counts` is `{split: {class: n}}` with every split and class present, so pages and jobs never guess.
    `fingerprint` is the sha256 of the sorted (split, name, label, image hash) rows (`services.versions`): two
    versions with the same fingerprint hold the same faces under the same names and labels.
    """

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=255, blank=True, help_text="Where this version came from, in words.")
    image_size = models.PositiveSmallIntegerField(help_text="Side of the square grayscale images, in pixels.")
    item_count = models.PositiveIntegerField()
    counts = models.JSONField(help_text="Items per split and class: {split: {class: n}}.")
    fingerprint = models.CharField(max_length=64, db_index=True)

    class Meta:
        ordering = ("dataset", "-number")
        constraints = (models.UniqueConstraint(fields=("dataset", "number"), name="one_version_number_per_dataset"),)

    def __str__(self) -> str:
        return f"{self.dataset.name} {self.label}"

    @property
    def label(self) -> str:
        """How people name it: v1, v2, …"""
        return f"v{self.number}"

    @property
    def class_counts(self) -> dict[str, int]:
        """Items per class over all splits, in class order."""
        return {name: sum(self.counts.get(split, {}).get(name, 0) for split in SPLIT_NAMES) for name in CLASS_NAMES}

    @property
    def split_counts(self) -> dict[str, int]:
        """Items per split, in split order."""
        return {split: sum(self.counts.get(split, {}).values()) for split in SPLIT_NAMES}


class DatasetImport(WorkerTask):
    """One uploaded file and its import by a worker; the page and the API read its state from here.

    Status changes go through `services.imports.ImportLifecycle`, the shared worker-task lifecycle.

    `skipped` lists files left out (not an image, unreadable), capped at `SKIPPED_LISTED`; `skipped_count` is the
    full number. `errors` holds what stopped the import, in words a user can act on.
    """

    SKIPPED_LISTED = 500
    SILENT_AFTER = timedelta(minutes=5)  # a running import reports at least every few seconds

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Importing"
        SUCCEEDED = "succeeded", "Imported"
        FAILED = "failed", "Failed"

    class Kind(models.TextChoices):
        CSV = "csv", "FER2013 CSV"
        ZIP = "zip", "Zip archive"
        TAR = "tar", "Tar archive"

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    upload = models.FileField(upload_to=upload_path, max_length=255)
    original_name = models.CharField(max_length=255)
    size_bytes = models.BigIntegerField()
    kind = models.CharField(max_length=3, choices=Kind.choices)
    image_size = models.PositiveSmallIntegerField(default=48)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    progress = models.FloatField(default=0.0, help_text="0 to 1.")
    message = models.CharField(max_length=255, blank=True, help_text="The current step, or how it ended.")
    errors = models.JSONField(default=list, blank=True)
    skipped = models.JSONField(default=list, blank=True)
    skipped_count = models.PositiveIntegerField(default=0)
    version = models.ForeignKey(
        DatasetVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="imports"
    )
    retry_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="retries", help_text="A failed import"
    )
    retryable = models.BooleanField(
        default=True, help_text="Whether importing the same file again could succeed (not after a wrong layout)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"Import #{self.pk} of {self.original_name} ({self.status})"

    @property
    def upload_exists(self) -> bool:
        """Whether the uploaded file is still in storage (a retry reads it again)."""
        return bool(self.upload.name and self.upload.storage.exists(self.upload.name))

    @property
    def live_retry(self) -> "DatasetImport | None":
        """The retry of this import that has not failed (queued, running or imported), if any."""
        return self.retries.exclude(status=self.Status.FAILED).order_by("-id").first()

    @property
    def can_retry(self) -> bool:
        """Failed for a reason that may pass (not the file itself), with its upload still stored, and not retried
        already by an import that has not failed."""
        return self.status == self.Status.FAILED and self.retryable and self.upload_exists and self.live_retry is None

    @property
    def looks_stuck(self) -> bool:
        """Queued or running, yet silent for minutes: no worker took it, or the one that did has stopped."""
        if not self.is_active or self.updated_at is None:  # None until the first save sets it (auto_now)
            return False
        return timezone.now() - self.updated_at > self.SILENT_AFTER


class FaceImage(TeamOwned):
    """One distinct face of a team: grayscale pixels identified by their sha256 (see `storage.face_sha256`)."""

    sha256 = models.CharField(max_length=64)
    size = models.PositiveSmallIntegerField(help_text="Side of the square image, in pixels.")
    bytes = models.PositiveIntegerField(null=True, blank=True, help_text="Size of its PNG on disk, when stored.")

    class Meta:
        ordering = ("id",)
        constraints = (models.UniqueConstraint(fields=("team", "sha256"), name="one_face_image_per_team_and_hash"),)

    def __str__(self) -> str:
        return self.sha256[:12]


class DatasetItem(models.Model):
    """One face in one version: which image, its label, its split, and the name it had in the upload."""

    version = models.ForeignKey(DatasetVersion, on_delete=models.CASCADE, related_name="items")
    image = models.ForeignKey(FaceImage, on_delete=models.PROTECT, related_name="items")
    label = models.PositiveSmallIntegerField(choices=Label.choices)
    split = models.PositiveSmallIntegerField(choices=Split.choices)
    name = models.TextField(help_text="Path in the upload, or row-00000001 for CSV rows.")

    class Meta:
        ordering = ("version", "split", "name")
        constraints = (models.UniqueConstraint(fields=("version", "name"), name="one_item_name_per_version"),)
        indexes = (models.Index(fields=("version", "label", "split", "name"), name="datasets_item_gallery"),)

    def __str__(self) -> str:
        return f"{self.name} ({self.get_label_display()}, {self.get_split_display()})"
