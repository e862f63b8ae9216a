"""Writes of dataset versions: made in one transaction from an import's rows, or from a parent plus label changes.

Versions are immutable. Every write here creates a new version with all its items, and never edits an old one,
so a job that trained on v1 can always be traced to exactly the faces and labels it saw.
"""

import hashlib
import json
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from webapp.accounts.models import Team, User
from webapp.datasets.models import CLASS_NAMES, SPLIT_NAMES, Dataset, DatasetItem, DatasetVersion, FaceImage
from webapp.datasets.storage import face_path
from webapp.system.disk import file_size

_FINGERPRINT_FORMAT = 1
_CHUNK = 500  # hashes per IN (…) query: well under SQLite's variable limit


class FaceRow(NamedTuple):
    """One item of a version as the worker hands it over: source name, label and split codes, image hash."""

    name: str
    label: int
    split: int
    sha256: str


def version_fingerprint(rows: Iterable[FaceRow], *, image_size: int) -> str:
    """sha256 of the rows sorted by (split, name): same faces, names, labels and splits give the same fingerprint.

    Images enter through their content hash, so the fingerprint pins pixels too, without reading a single file.
    It keys the worker's training-array cache.
    """
    header = f"studio.DatasetVersion|{_FINGERPRINT_FORMAT}|{image_size}|{','.join(CLASS_NAMES)}|{','.join(SPLIT_NAMES)}"
    digest = hashlib.sha256(header.encode())
    for row in sorted(rows, key=lambda row: (row.split, row.name)):
        digest.update(json.dumps([row.split, row.label, row.sha256, row.name]).encode() + b"\n")
    return digest.hexdigest()


def version_counts(rows: Iterable[FaceRow]) -> dict[str, dict[str, int]]:
    """`{split: {class: n}}` with every split and class present."""
    tally = Counter((row.split, row.label) for row in rows)
    return {
        split: {name: tally[(split_code, label)] for label, name in enumerate(CLASS_NAMES)}
        for split_code, split in enumerate(SPLIT_NAMES)
    }


def _check_rows(rows: Sequence[FaceRow]) -> None:
    if not rows:
        raise ValidationError("A version needs at least one face, got none.")
    bad = next((row for row in rows if not 0 <= row.label < len(CLASS_NAMES) or not 0 <= row.split < 3), None)
    if bad is not None:
        raise ValidationError(f"{bad.name}: expected label 0-{len(CLASS_NAMES) - 1} and split 0-2, got {bad[1:3]}")
    names = Counter(row.name for row in rows)
    twice = [name for name, count in names.items() if count > 1]
    if twice:
        raise ValidationError(f"Every face needs its own name, got {twice[0]!r} {names[twice[0]]} times.")


def chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    """Slices of at most `_CHUNK` values, for `IN (…)` queries."""
    return (values[start : start + _CHUNK] for start in range(0, len(values), _CHUNK))


def _face_image_ids(*, team: Team, hashes: set[str], size: int) -> dict[str, int]:
    """Ids of the team's images with these hashes, creating the missing rows in bulk (with their file's size: the
    files are stored before their rows)."""
    ordered = sorted(hashes)
    ids: dict[str, int] = {}
    for chunk in chunks(ordered):
        ids.update(FaceImage.objects.filter(team=team, sha256__in=chunk).values_list("sha256", "id"))
    missing = [sha for sha in ordered if sha not in ids]
    # ignore_conflicts: a concurrent import of the same faces into the same team may have added some meanwhile.
    FaceImage.objects.bulk_create(
        (FaceImage(team=team, sha256=sha, size=size, bytes=file_size(face_path(sha))) for sha in missing),
        batch_size=2000,
        ignore_conflicts=True,
    )
    for chunk in chunks(missing):
        ids.update(FaceImage.objects.filter(team=team, sha256__in=chunk).values_list("sha256", "id"))
    return ids


def version_create(
    *,
    dataset: Dataset,
    rows: Sequence[FaceRow],
    image_size: int,
    user: User | None,
    note: str,
    parent: DatasetVersion | None = None,
) -> DatasetVersion:
    """The dataset's next version with all its items; callers hold the transaction (see the public services)."""
    _check_rows(rows)
    Dataset.objects.select_for_update().filter(pk=dataset.pk).first()  # one version number at a time
    number = (DatasetVersion.objects.filter(dataset=dataset).aggregate(top=Max("number"))["top"] or 0) + 1
    image_ids = _face_image_ids(team=dataset.team, hashes={row.sha256 for row in rows}, size=image_size)
    version = DatasetVersion(
        team=dataset.team, dataset=dataset, number=number, parent=parent, created_by=user, note=note[:255],
        image_size=image_size, item_count=len(rows), counts=version_counts(rows),
        fingerprint=version_fingerprint(rows, image_size=image_size),
    )  # fmt: skip
    version.full_clean()
    version.save()
    items = (
        DatasetItem(version=version, image_id=image_ids[row.sha256], label=row.label, split=row.split, name=row.name)
        for row in rows
    )
    DatasetItem.objects.bulk_create(items, batch_size=2000)
    return version


def version_rows(*, version: DatasetVersion) -> list[FaceRow]:
    """A version's items as rows, in (split, name) order."""
    values = version.items.order_by("split", "name").values_list("name", "label", "split", "image__sha256")
    return [FaceRow(*value) for value in values]


@transaction.atomic
def dataset_version_create_from(
    *,
    parent: DatasetVersion,
    changes: Mapping[int, int],
    user: User | None,
    note: str = "",
    excluded: Collection[int] = (),
) -> DatasetVersion:
    """The next version of `parent`'s dataset: the parent's items with `changes` ({item id: new label}) applied and
    the `excluded` items (not a usable face) left out.

    The relabelling feature calls this with one batch of decisions; the parent stays as it was.

    Raises:
        ValidationError: for item ids outside `parent`, unknown labels, or changes that change nothing.
    """
    items = dict(parent.items.filter(pk__in=[*changes, *excluded]).values_list("pk", "name"))
    unknown = sorted((set(changes) | set(excluded)) - set(items))
    if unknown:
        raise ValidationError(f"Items {unknown[:10]} are not in {parent.label} of {parent.dataset.name}.")
    if any(not 0 <= label < len(CLASS_NAMES) for label in changes.values()):
        raise ValidationError(f"Labels must be 0-{len(CLASS_NAMES) - 1} ({', '.join(CLASS_NAMES)}).")
    relabel = {items[pk]: label for pk, label in changes.items()}
    dropped = {items[pk] for pk in excluded}
    rows = [row._replace(label=relabel.get(row.name, row.label)) for row in version_rows(version=parent)]
    rows = [row for row in rows if row.name not in dropped]
    if not rows:
        raise ValidationError("Every face would be excluded: a version needs at least one face.")
    if version_fingerprint(rows, image_size=parent.image_size) == parent.fingerprint:
        raise ValidationError("These changes give every face the label it already has: no new version made.")
    text = note or f"Relabelled {len(changes)} face{'s' if len(changes) != 1 else ''} of {parent.label}"
    return version_create(
        dataset=parent.dataset, rows=rows, image_size=parent.image_size, user=user, note=text, parent=parent
    )
