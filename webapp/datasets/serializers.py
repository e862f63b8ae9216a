"""The JSON shapes of datasets, versions, imports and faces: one per entity, shared by the APIs and the live events."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from webapp.datasets.footprint import dataset_disk_usage, version_disk_usage
from webapp.datasets.models import Dataset, DatasetImport, DatasetItem, DatasetVersion


class DatasetVersionOutputSerializer(serializers.Serializer):
    """A version: what a job trains on (`id`), its counts and its fingerprint."""

    id = serializers.IntegerField()
    dataset = serializers.IntegerField(source="dataset_id")
    number = serializers.IntegerField()
    # ignore[assignment]: `label` shadows a Field attribute in the stubs; DRF moves declared fields off the class.
    label = serializers.CharField(help_text="v1, v2, …")  # type: ignore[assignment]
    parent_number = serializers.IntegerField(source="parent.number", allow_null=True)
    note = serializers.CharField()
    image_size = serializers.IntegerField()
    item_count = serializers.IntegerField()
    class_counts = serializers.DictField(child=serializers.IntegerField())
    split_counts = serializers.DictField(child=serializers.IntegerField())
    counts = serializers.DictField(child=serializers.DictField(child=serializers.IntegerField()))
    fingerprint = serializers.CharField()
    created_at = serializers.DateTimeField()
    disk_bytes = serializers.SerializerMethodField(help_text="Its face images (shared with versions holding the same "
                                                   "faces) and training cache, in bytes")  # fmt: skip

    def get_disk_bytes(self, version: DatasetVersion) -> int:
        return version_disk_usage(version=version).total


class SkippedFileSerializer(serializers.Serializer):
    """A file left out of an import, and why."""

    name = serializers.CharField()
    reason = serializers.CharField()


class DatasetImportOutputSerializer(serializers.Serializer):
    """An import as the API and its `dataset_import.updated` live event show it (`dataset_import_payload`)."""

    id = serializers.IntegerField()
    team = serializers.IntegerField(source="team_id")
    dataset = serializers.IntegerField(source="dataset_id")
    status = serializers.ChoiceField(choices=DatasetImport.Status.choices)
    status_label = serializers.CharField(source="get_status_display")
    progress = serializers.FloatField(help_text="0 to 1.")
    message = serializers.CharField()
    # ignore[assignment]: `errors` shadows Serializer.errors in the stubs; DRF moves declared fields off the class.
    errors = serializers.ListField(child=serializers.CharField())  # type: ignore[assignment]
    skipped = SkippedFileSerializer(many=True)
    skipped_count = serializers.IntegerField()
    original_name = serializers.CharField()
    size_bytes = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=DatasetImport.Kind.choices)
    image_size = serializers.IntegerField()
    version = serializers.IntegerField(source="version_id", allow_null=True, help_text="Id of the version it created.")
    version_number = serializers.IntegerField(source="version.number", allow_null=True, default=None)
    retry_of = serializers.IntegerField(
        source="retry_of_id", allow_null=True, help_text="Id of the failed import this one retries."
    )
    created_at = serializers.DateTimeField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


class DatasetOutputSerializer(serializers.Serializer):
    """A dataset with its versions (newest first) and its latest import."""

    id = serializers.IntegerField()
    team = serializers.IntegerField(source="team_id")
    name = serializers.CharField()
    description = serializers.CharField()
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField(allow_null=True)
    versions = DatasetVersionOutputSerializer(many=True, source="versions.all")
    latest_import = serializers.SerializerMethodField()
    disk_bytes = serializers.SerializerMethodField(help_text="Face images, uploads kept for retries and caches, bytes")

    def get_disk_bytes(self, dataset: Dataset) -> int:
        return dataset_disk_usage(dataset=dataset).total

    @extend_schema_field(DatasetImportOutputSerializer(allow_null=True))
    def get_latest_import(self, dataset: Dataset) -> dict[str, object] | None:
        latest = next(iter(dataset.imports.all()), None)
        return dataset_import_payload(latest) if latest is not None else None


class DatasetItemOutputSerializer(serializers.Serializer):
    """One face of a version."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    # ignore[assignment]: `label` shadows a Field attribute in the stubs; DRF moves declared fields off the class.
    label = serializers.CharField(source="get_label_display", help_text="Class name, e.g. happy.")  # type: ignore[assignment]
    label_index = serializers.IntegerField(source="label")
    split = serializers.CharField(source="get_split_display", help_text="train, val or test.")
    image = serializers.IntegerField(source="image_id")
    sha256 = serializers.CharField(source="image.sha256")
    image_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_image_url(self, item: DatasetItem) -> str:
        return reverse("api:dataset_image", kwargs={"pk": item.image_id})


def dataset_import_payload(dataset_import: DatasetImport) -> dict[str, object]:
    """An import as plain JSON-ready data: what the API answers and the live event carries."""
    return dict(DatasetImportOutputSerializer(dataset_import).data)
