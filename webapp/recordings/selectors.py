"""Reads of the recordings app: a team's recordings and analyses, uploads in progress, share links, disk use."""

from uuid import UUID

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from webapp.accounts.selectors import AnyUser, team_object_get, team_scope
from webapp.recordings import storage
from webapp.recordings.models import Analysis, Recording, RecordingUpload, ShareLink, TaskSegment


def recording_list(*, user: AnyUser) -> QuerySet[Recording]:
    """The recordings of the user's teams, newest first, with their analyses."""
    analyses = Prefetch("analyses", queryset=Analysis.objects.order_by("-created_at", "-id"))
    return team_scope(Recording.objects.prefetch_related(analyses, "tasks"), user=user)


def recording_get(*, user: AnyUser, recording_id: int) -> Recording:
    """One recording of the user's teams, or Http404."""
    return team_object_get(recording_list(user=user), user=user, pk=recording_id)


def recording_team_id(*, recording_id: int) -> int | None:
    """The team owning a recording, for the live consumer's permission check."""
    return Recording.objects.filter(pk=recording_id).values_list("team_id", flat=True).first()


def upload_get(*, user: AnyUser, upload_id: UUID | str) -> RecordingUpload:
    """One upload in progress of the user's teams, or Http404."""
    return team_object_get(RecordingUpload.objects.all(), user=user, pk=upload_id)


def analysis_get(*, user: AnyUser, analysis_id: int) -> Analysis:
    """One analysis of the user's teams, or Http404."""
    queryset = Analysis.objects.select_related("recording", "model_run")
    return team_object_get(queryset, user=user, pk=analysis_id)


def analysis_get_for_worker(*, analysis_id: int) -> Analysis | None:
    """An analysis with its recording and model, for the worker (no team check: workers serve every team)."""
    return Analysis.objects.select_related("recording", "model_run").filter(pk=analysis_id).first()


def analysis_team_id(*, analysis_id: int) -> int | None:
    """The team owning an analysis, for the live consumer's permission check."""
    return Analysis.objects.filter(pk=analysis_id).values_list("team_id", flat=True).first()


def task_get(*, user: AnyUser, task_id: int) -> TaskSegment:
    """One task segment of a recording of the user's teams, or Http404."""
    recordings = team_scope(Recording.objects.all(), user=user)
    return get_object_or_404(TaskSegment.objects.select_related("recording"), pk=task_id, recording__in=recordings)


def share_link_get(*, token: str) -> ShareLink | None:
    """The live share link with this token (revoked ones and their analyses' deletions read as missing)."""
    return (
        ShareLink.objects.select_related("analysis__recording")
        .filter(token=token, revoked_at__isnull=True, analysis__status=Analysis.Status.SUCCEEDED)
        .first()
    )


def share_links_of(*, analysis: Analysis) -> QuerySet[ShareLink]:
    """An analysis's links that still work."""
    return analysis.share_links.filter(revoked_at__isnull=True)


def recording_disk_bytes(*, recording: Recording) -> int:
    """Bytes of every file of a recording on disk."""
    return storage.tree_size(storage.recording_folder(recording.pk))
