"""Reads behind the disk and delete buttons: what a dataset or a version takes on disk, what deleting it would take
with it, and what stops it.

Face files are shared: every version that holds a face points at one file (`storage`), so a version's faces count
once per version, a dataset's once per dataset, and deleting frees only the files nothing else still uses.
"""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.template.defaultfilters import pluralize

from webapp.datasets.models import Dataset, DatasetItem, DatasetVersion, FaceImage
from webapp.datasets.storage import upload_absolute_path, version_cache_path
from webapp.system.disk import DeletePlan, file_size
from webapp.system.models import WorkerTask


@dataclass(frozen=True)
class DiskUsage:
    """Bytes on disk: face images, uploaded files kept for retries, and the worker's training-array caches."""

    faces: int = 0
    uploads: int = 0
    cache: int = 0

    @property
    def total(self) -> int:
        return self.faces + self.uploads + self.cache


def _face_bytes(images: QuerySet[FaceImage]) -> int:
    return int(images.aggregate(total=Sum("bytes"))["total"] or 0)


def _images_of(items: QuerySet[DatasetItem]) -> QuerySet[FaceImage]:
    return FaceImage.objects.filter(pk__in=items.values("image_id"))


def _cache_bytes(fingerprints: set[str]) -> int:
    return sum(file_size(version_cache_path(fingerprint)) or 0 for fingerprint in fingerprints)


def _upload_bytes(dataset: Dataset) -> int:
    names = {name for name in dataset.imports.values_list("upload", flat=True) if name}
    return sum(file_size(upload_absolute_path(name)) or 0 for name in names)


def version_disk_usage(*, version: DatasetVersion) -> DiskUsage:
    """The version's face files (shared with any other version holding the same faces) and its cache."""
    faces = _face_bytes(_images_of(version.items.all()))
    return DiskUsage(faces=faces, cache=_cache_bytes({version.fingerprint}))


def dataset_disk_usage(*, dataset: Dataset) -> DiskUsage:
    """Every face file of the dataset's versions (once each), its stored uploads and its caches."""
    faces = _face_bytes(_images_of(DatasetItem.objects.filter(version__dataset=dataset)))
    fingerprints = set(dataset.versions.values_list("fingerprint", flat=True))
    return DiskUsage(faces=faces, uploads=_upload_bytes(dataset), cache=_cache_bytes(fingerprints))


def _only_here(items: QuerySet[DatasetItem], elsewhere: Q) -> QuerySet[FaceImage]:
    """The images of `items` that no other item (of the same team: `elsewhere` selects them) uses."""
    return _images_of(items).exclude(pk__in=DatasetItem.objects.filter(elsewhere).values("image_id"))


def _jobs_blocker(versions: QuerySet[DatasetVersion], what: str) -> list[str]:
    """Jobs (the runs app's, reached through `DatasetVersion.runs`) that trained on these versions."""
    ids = sorted(set(versions.filter(runs__isnull=False).values_list("runs__pk", flat=True)))
    if not ids:
        return []
    named = ", ".join(f"#{pk}" for pk in ids)
    jobs, them = (f"Job {named}", "it") if len(ids) == 1 else (f"Jobs {named}", "them")
    return [f"{jobs} trained on {what}: delete {them} first (a job keeps the data it was trained on)."]


def _scorings_blocker(versions: QuerySet[DatasetVersion], what: str) -> list[str]:
    """Label-quality jobs (the reviews app's, through `DatasetVersion.scorings`) still running on these versions."""
    active = versions.filter(scorings__status__in=WorkerTask.ACTIVE).values_list("scorings__pk", "scorings__status")
    return [f"Label-quality job #{pk} is {status} on {what}: cancel it first." for pk, status in sorted(active)]


def _review_effects(versions: QuerySet[DatasetVersion]) -> list[str]:
    """The label reviews that go with these versions (the reviews app's rows cascade with them)."""
    words = (
        ("scorings", "label-quality job and its scores", "label-quality jobs and their scores"),
        ("decisions", "review decision", "review decisions"),
        ("review_events", "entry of the review log", "entries of the review log"),
        ("commit", "changelog of the review that made it", "changelogs of the reviews that made them"),
    )
    # One count per relation: joining all three at once would multiply their rows.
    counts = {key: versions.aggregate(n=Count(key))["n"] for key, _, _ in words}
    return [f"{counts[key]:,} {one if counts[key] == 1 else many}" for key, one, many in words if counts[key]]


def version_delete_plan(*, version: DatasetVersion) -> DeletePlan:
    """Whether the version can be deleted (no job trained on it, no version made from it, no review job running on
    it), and what goes with it: its faces (files no other version uses) and its label reviews."""
    same = DatasetVersion.objects.filter(pk=version.pk)
    blockers = _jobs_blocker(same, version.label)
    children = [child.label for child in version.children.order_by("number")]
    if children:
        made = "was" if len(children) == 1 else "were"
        blockers.append(f"{', '.join(children)} {made} made from {version.label}: delete the newer version first.")
    blockers += _scorings_blocker(same, version.label)
    effects = [f"{version.item_count:,} faces of {version.label} (image files stay while another version uses them)"]
    effects += _review_effects(same)
    elsewhere = Q(version__team_id=version.team_id) & ~Q(version=version)
    shared_cache = DatasetVersion.objects.filter(fingerprint=version.fingerprint).exclude(pk=version.pk).exists()
    frees = _face_bytes(_only_here(version.items.all(), elsewhere))
    return DeletePlan(blockers, effects, frees + (0 if shared_cache else _cache_bytes({version.fingerprint})))


def dataset_delete_plan(*, dataset: Dataset) -> DeletePlan:
    """Whether the dataset can be deleted (no job trained on any version, no import or review job running), and what
    goes with it: versions, imports with their uploads, faces no other dataset uses, label reviews."""
    versions = DatasetVersion.objects.filter(dataset=dataset)
    blockers = _jobs_blocker(versions, f"versions of {dataset.name}")
    active = dataset.imports.filter(status__in=WorkerTask.ACTIVE).order_by("pk")
    blockers += [f"Import #{item.pk} is {item.status}: wait until it ends." for item in active]
    blockers += _scorings_blocker(versions, dataset.name)
    labels = [version.label for version in versions.order_by("number")]
    effects = [f"{len(labels)} version{pluralize(len(labels))} ({', '.join(labels)})"] if labels else []
    imports = dataset.imports.count()
    effects += [f"{imports} import{pluralize(imports)} and the uploaded files they kept"] if imports else []
    effects += _review_effects(versions)
    elsewhere = Q(version__team_id=dataset.team_id) & ~Q(version__dataset=dataset)
    fingerprints = set(versions.values_list("fingerprint", flat=True))
    shared = DatasetVersion.objects.filter(fingerprint__in=fingerprints).exclude(dataset=dataset)
    caches = _cache_bytes(fingerprints - set(shared.values_list("fingerprint", flat=True)))
    items = DatasetItem.objects.filter(version__dataset=dataset)
    return DeletePlan(blockers, effects, _face_bytes(_only_here(items, elsewhere)) + _upload_bytes(dataset) + caches)
