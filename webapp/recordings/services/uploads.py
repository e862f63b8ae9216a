"""Chunked, resumable uploads of recordings: start one, append chunks in order, and it becomes a recording.

Bytes stream from the request into a part file in pieces; nothing is ever held in memory whole. A chunk must start
where the stored bytes end (`received`): a client whose connection dropped asks for `received` and resumes there.
The first bytes are checked (`formats.content_check`) as soon as they arrive, so a PNG renamed `.mp4` or a web page
is refused at once, and nothing of it stays behind.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from webapp.accounts.models import Team, User
from webapp.recordings import formats, storage
from webapp.recordings.models import Recording, RecordingUpload
from webapp.recordings.services.recordings import recording_create
from webapp.system.uploads import too_large_message

_PIECE = 1024 * 1024
_HEAD = 64


class UploadTooLargeError(ValidationError):
    """A declared size or a chunk over the limits; the API answers 413."""


class OffsetConflictError(ValidationError):
    """A chunk that does not start where the stored bytes end; `received` says where to resume."""

    def __init__(self, *, received: int, offset: int) -> None:
        super().__init__(f"This upload has {received:,} bytes stored; send the chunk from there, not from {offset:,}.")
        self.received = received


@transaction.atomic
def recording_upload_start(
    *, team: Team, user: User | None, name: str, original_name: str, size_bytes: int, options: dict[str, Any]
) -> RecordingUpload:
    """A new resumable upload of `size_bytes` bytes; refused at once for a wrong type or a size over the limit."""
    try:
        formats.extension_check(original_name)
    except formats.NotARecordingError as error:
        raise ValidationError({"original_name": str(error)}) from None
    if size_bytes <= 0:
        raise ValidationError({"size_bytes": f"{original_name} is empty (0 bytes); {formats.EXPECTED}."})
    if size_bytes > settings.STUDIO_MAX_UPLOAD_MB * 1024 * 1024:
        raise UploadTooLargeError(too_large_message(size_bytes))
    upload = RecordingUpload(
        team=team, created_by=user, name=(name.strip() or original_name)[:200], original_name=original_name[:255],
        size_bytes=size_bytes, options=options,
    )  # fmt: skip
    upload.full_clean()
    upload.save()
    storage.upload_part_path(upload.pk).parent.mkdir(parents=True, exist_ok=True)
    storage.upload_part_path(upload.pk).write_bytes(b"")
    return upload


def recording_upload_append(
    *, upload_id: UUID, offset: int, length: int, read: Callable[[int], bytes]
) -> RecordingUpload:
    """Store `length` bytes read from `read` at `offset`; completing the file creates the recording.

    Raises:
        OffsetConflictError: when `offset` is not where the stored bytes end.
        UploadTooLargeError: for a chunk over `STUDIO_UPLOAD_CHUNK_MB` or past the declared size.
        ValidationError: when the first bytes show it is not a video or photo (the upload is then removed).
    """
    upload, refusal = _append(upload_id, offset=offset, length=length, read=read)
    if refusal:
        recording_upload_abandon(upload=upload)
        raise ValidationError({"file": refusal})
    return upload


@transaction.atomic
def _append(upload_id: UUID, *, offset: int, length: int, read: Callable[[int], bytes]) -> tuple[RecordingUpload, str]:
    """Write the chunk; returns the upload and, when its first bytes are not a recording, why (nothing advanced)."""
    upload = RecordingUpload.objects.select_for_update().get(pk=upload_id)
    _check_chunk(upload, offset=offset, length=length)
    part = storage.upload_part_path(upload.pk)
    with part.open("r+b") as file:
        file.truncate(upload.received)  # bytes of a chunk that died half-way are not kept
        file.seek(upload.received)
        written = _copy(read, file, length)
    if offset == 0 and (refusal := _head_refusal(upload, part)):
        return upload, refusal
    upload.received += written
    upload.save(update_fields=("received", "updated_at"))
    if upload.is_complete:
        _complete(upload)
    return upload, ""


def _check_chunk(upload: RecordingUpload, *, offset: int, length: int) -> None:
    if upload.recording_id is not None:
        raise ValidationError("This upload is complete already.")
    if offset != upload.received:
        raise OffsetConflictError(received=upload.received, offset=offset)
    chunk_limit = settings.STUDIO_UPLOAD_CHUNK_MB * 1024 * 1024
    if length > chunk_limit:
        raise UploadTooLargeError(
            f"A chunk may hold at most {settings.STUDIO_UPLOAD_CHUNK_MB} MB; this one {length:,} bytes."
        )
    if upload.received + length > upload.size_bytes:
        raise UploadTooLargeError(
            f"This chunk goes past the {upload.size_bytes:,} bytes declared for {upload.original_name}."
        )


def _copy(read: Callable[[int], bytes], file: Any, length: int) -> int:
    written = 0
    while written < length:
        piece = read(min(_PIECE, length - written))
        if not piece:
            break  # the client stopped sending: keep what arrived, it resumes from there
        file.write(piece)
        written += len(piece)
    return written


def _head_refusal(upload: RecordingUpload, part: Path) -> str:
    with part.open("rb") as file:
        head = file.read(_HEAD)
    try:
        formats.content_check(upload.original_name, head)
    except formats.NotARecordingError as error:
        return f"{error} Nothing was stored."
    return ""


def _complete(upload: RecordingUpload) -> Recording:
    recording = recording_create(
        team=upload.team, user=upload.created_by, name=upload.name, original_name=upload.original_name,
        source=storage.upload_part_path(upload.pk), size_bytes=upload.size_bytes, options=upload.options,
    )  # fmt: skip
    upload.recording = recording
    upload.save(update_fields=("recording", "updated_at"))
    return recording


def recording_upload_abandon(*, upload: RecordingUpload) -> None:
    """Forget an unfinished upload and its bytes."""
    part = storage.upload_part_path(upload.pk)
    upload.delete()
    transaction.on_commit(lambda: storage.tree_delete(part))
