"""Reads of the datasets app. Pages and APIs read through the team-scoped ones; the worker reads by id.

The `*_for_worker` selectors take no user: only tasks and the import command call them, for records whose ids
came through the queue from a team-scoped request.
"""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from webapp.accounts.models import Team
from webapp.accounts.selectors import AnyUser, team_object_get, team_scope
from webapp.datasets.models import (
    CLASS_NAMES,
    SPLIT_NAMES,
    Dataset,
    DatasetImport,
    DatasetItem,
    DatasetVersion,
    FaceImage,
)
from webapp.datasets.services.versions import FaceRow, version_rows


def _datasets() -> QuerySet[Dataset]:
    versions = Prefetch("versions", queryset=DatasetVersion.objects.order_by("-number"))
    imports = Prefetch("imports", queryset=DatasetImport.objects.select_related("version").order_by("-created_at"))
    return Dataset.objects.select_related("team", "created_by").prefetch_related(versions, imports)


def dataset_list(*, user: AnyUser) -> QuerySet[Dataset]:
    """The datasets of the user's teams, newest first, with their versions and imports (newest first) prefetched."""
    return team_scope(_datasets(), user=user)


def dataset_get(*, user: AnyUser, dataset_id: int) -> Dataset:
    """One dataset of the user's teams (versions and imports prefetched), or Http404."""
    return team_object_get(_datasets(), user=user, pk=dataset_id)


def dataset_version_list(*, user: AnyUser, dataset_id: int | None = None) -> QuerySet[DatasetVersion]:
    """Versions of the user's teams (of one dataset when given), by dataset then newest first: what a job trains on."""
    queryset = DatasetVersion.objects.select_related("dataset", "parent").order_by("dataset__name", "-number")
    if dataset_id is not None:
        queryset = queryset.filter(dataset_id=dataset_id)
    return team_scope(queryset, user=user)


def dataset_version_get(*, user: AnyUser, dataset_id: int, number: int) -> DatasetVersion:
    """Version `number` of one of the user's datasets, or Http404."""
    return get_object_or_404(dataset_version_list(user=user, dataset_id=dataset_id), number=number)


def dataset_version_get_by_id(*, user: AnyUser, version_id: int) -> DatasetVersion:
    """A version of the user's teams by its id (how jobs name the data they train on), or Http404."""
    return team_object_get(dataset_version_list(user=user), user=user, pk=version_id)


def dataset_item_list(
    *, version: DatasetVersion, label: int | None = None, split: int | None = None
) -> QuerySet[DatasetItem]:
    """A version's items in (split, name) order, optionally of one class and one split, with their images."""
    queryset = version.items.select_related("image").order_by("split", "name", "id")
    if label is not None:
        queryset = queryset.filter(label=label)
    if split is not None:
        queryset = queryset.filter(split=split)
    return queryset


def dataset_import_list(*, dataset: Dataset) -> QuerySet[DatasetImport]:
    """A dataset's imports, newest first."""
    return dataset.imports.select_related("version", "created_by").order_by("-created_at", "-id")


def dataset_import_get(*, user: AnyUser, import_id: int) -> DatasetImport:
    """One import of the user's teams, or Http404."""
    queryset = DatasetImport.objects.select_related("dataset", "version", "created_by")
    return team_object_get(queryset, user=user, pk=import_id)


def dataset_import_team_id(*, import_id: int) -> int | None:
    """The team owning an import, for the live consumer's permission check."""
    return DatasetImport.objects.filter(pk=import_id).values_list("team_id", flat=True).first()


def face_image_get(*, user: AnyUser, image_id: int) -> FaceImage:
    """One face image of the user's teams, or Http404: another team's image looks exactly like a missing one."""
    return team_object_get(FaceImage.objects.all(), user=user, pk=image_id)


def team_get_by_name(*, name: str) -> Team:
    """The team called `name` (for the import command); Team.DoesNotExist or MultipleObjectsReturned otherwise."""
    return Team.objects.get(name=name)


def dataset_find(*, team: Team, name: str) -> Dataset | None:
    """The team's dataset called `name` (case-insensitive), if any."""
    return Dataset.objects.filter(team=team, name__iexact=name.strip()).first()


def dataset_import_get_for_worker(*, import_id: int) -> DatasetImport:
    """An import by id, for the task that runs it."""
    return DatasetImport.objects.select_related("dataset", "version").get(pk=import_id)


def dataset_version_get_for_worker(*, version_id: int) -> DatasetVersion:
    """A version by id, for the tasks that train on it."""
    return DatasetVersion.objects.select_related("dataset").get(pk=version_id)


def dataset_version_face_rows(*, version: DatasetVersion) -> list[FaceRow]:
    """A version's items as (name, label, split, image hash) rows in (split, name) order."""
    return version_rows(version=version)


def dataset_version_item_ids(*, version_id: int) -> dict[str, int]:
    """{item name: item id} of a version (names are unique within a version), to link arrays back to items."""
    return dict(DatasetItem.objects.filter(version_id=version_id).values_list("name", "pk"))


def dataset_version_lineage(*, versions: list[DatasetVersion]) -> list[tuple[DatasetVersion, int]]:
    """A dataset's versions as a tree walked depth first: each version after its parent, children oldest first, with
    its depth (0 for a version made from an upload alone)."""
    numbers = {version.pk for version in versions}
    children: dict[int | None, list[DatasetVersion]] = {}
    for version in sorted(versions, key=lambda version: version.number):
        parent = version.parent_id if version.parent_id in numbers else None
        children.setdefault(parent, []).append(version)
    walked: list[tuple[DatasetVersion, int]] = []
    stack = [(version, 0) for version in reversed(children.get(None, []))]
    while stack:
        version, depth = stack.pop()
        walked.append((version, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(version.pk, [])))
    return walked


@dataclass(frozen=True)
class FaceChange:
    """One face that differs between two versions, by name: `old_label`/`new_label` are None where it is absent."""

    name: str
    split: str
    old_label: str | None
    new_label: str | None


@dataclass(frozen=True)
class VersionDiff:
    """What changed from one version to another: faces added, removed, relabelled, or with other pixels under the
    same name (`replaced`), and the faces per class on both sides. Lists are in (split, name) order."""

    base: DatasetVersion
    other: DatasetVersion
    added: list[FaceChange]
    removed: list[FaceChange]
    relabelled: list[FaceChange]
    replaced: list[FaceChange]

    @property
    def class_counts(self) -> list[tuple[str, int, int, int]]:
        """(class, faces in `base`, faces in `other`, the change) for every class, in class order."""
        before, after = self.base.class_counts, self.other.class_counts
        return [(name, before[name], after[name], after[name] - before[name]) for name in CLASS_NAMES]


def _change(face: FaceRow, *, old: FaceRow | None, new: FaceRow | None) -> FaceChange:
    return FaceChange(
        name=face.name, split=SPLIT_NAMES[face.split], old_label=CLASS_NAMES[old.label] if old else None,
        new_label=CLASS_NAMES[new.label] if new else None,
    )  # fmt: skip


def dataset_version_diff(*, base: DatasetVersion, other: DatasetVersion) -> VersionDiff:
    """Compare two versions' rows by face name (names are unique within a version, and kept across relabels)."""
    before = {row.name: row for row in version_rows(version=base)}
    after = {row.name: row for row in version_rows(version=other)}
    added = [_change(row, old=None, new=row) for name, row in after.items() if name not in before]
    removed = [_change(row, old=row, new=None) for name, row in before.items() if name not in after]
    relabelled, replaced = [], []
    for name, row in before.items():
        new = after.get(name)
        if new is not None and new.sha256 != row.sha256:
            replaced.append(_change(new, old=row, new=new))
        elif new is not None and new.label != row.label:
            relabelled.append(_change(new, old=row, new=new))
    return VersionDiff(base=base, other=other, added=added, removed=removed, relabelled=relabelled, replaced=replaced)
