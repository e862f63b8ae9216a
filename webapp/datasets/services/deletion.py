"""Deleting datasets and versions, with every row and file that only they used: faces, uploads, training caches.

Refused, with the reasons in words, while something still needs them (`footprint.*_delete_plan`: a job trained on
them, a version made from them, an import or a label-quality job running). Label reviews of a deleted version go
with it, and the confirmation says so first. Rows go in one transaction; files only once it has committed.
"""

from collections.abc import Iterable
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from webapp.datasets.footprint import dataset_delete_plan, version_delete_plan
from webapp.datasets.models import Dataset, DatasetVersion, FaceImage
from webapp.datasets.services.versions import chunks
from webapp.datasets.storage import face_path, upload_absolute_path, version_cache_path
from webapp.system.disk import DeletePlan, tree_delete


def _refuse_unless(plan: DeletePlan) -> None:
    if not plan.allowed:
        raise ValidationError(plan.blockers)


def _delete(versions: Iterable[DatasetVersion]) -> None:
    """Newest first, so a version goes before the one it was made from (`parent` protects it)."""
    try:
        for version in sorted(versions, key=lambda version: -version.number):
            version.delete()
    except ProtectedError as error:  # a job took it meanwhile
        raise ValidationError("A job started on this data meanwhile: delete that job first.") from error


def _orphan_faces_delete(team_id: int) -> list[str]:
    """Delete the team's face rows no item uses any more; returns the hashes whose file no team uses either."""
    orphans = FaceImage.objects.filter(team_id=team_id, items__isnull=True)
    hashes = sorted(set(orphans.values_list("sha256", flat=True)))
    orphans.delete()  # Django deletes in batches, within any database's limit on query parameters
    used: set[str] = set()
    for chunk in chunks(hashes):
        used.update(FaceImage.objects.filter(sha256__in=chunk).values_list("sha256", flat=True))
    return [sha for sha in hashes if sha not in used]


def _files_delete_after_commit(*, team_id: int, fingerprints: set[str], uploads: Iterable[str] = ()) -> None:
    unused = _orphan_faces_delete(team_id)
    caches = fingerprints - set(
        DatasetVersion.objects.filter(fingerprint__in=fingerprints).values_list("fingerprint", flat=True)
    )

    def delete_files() -> None:
        for sha in unused:
            face_path(sha).unlink(missing_ok=True)
        for fingerprint in caches:
            version_cache_path(fingerprint).unlink(missing_ok=True)
        for name in uploads:  # each upload sits in a folder of its own (`models.upload_path`)
            tree_delete(upload_absolute_path(str(PurePosixPath(name).parent)))

    transaction.on_commit(delete_files)


@transaction.atomic
def dataset_version_delete(*, version: DatasetVersion) -> int:
    """Delete a version, its items and its label reviews, and the files only it used; returns about how many bytes
    that frees. The dataset stays, even when it was its only version.

    Raises:
        ValidationError: listing what still needs the version.
    """
    Dataset.objects.select_for_update().filter(pk=version.dataset_id).first()  # no new version meanwhile
    plan = version_delete_plan(version=version)
    _refuse_unless(plan)
    _delete([version])
    _files_delete_after_commit(team_id=version.team_id, fingerprints={version.fingerprint})
    return plan.frees_bytes


@transaction.atomic
def dataset_delete(*, dataset: Dataset) -> int:
    """Delete a dataset with its versions, imports (and their uploaded files), label reviews and the faces only it
    used; returns about how many bytes that frees.

    Raises:
        ValidationError: listing what still needs the dataset.
    """
    Dataset.objects.select_for_update().filter(pk=dataset.pk).first()
    plan = dataset_delete_plan(dataset=dataset)
    _refuse_unless(plan)
    versions = list(DatasetVersion.objects.filter(dataset=dataset))
    uploads = {name for name in dataset.imports.values_list("upload", flat=True) if name}
    _delete(versions)
    dataset.delete()
    fingerprints = {version.fingerprint for version in versions}
    _files_delete_after_commit(team_id=dataset.team_id, fingerprints=fingerprints, uploads=uploads)
    return plan.frees_bytes
