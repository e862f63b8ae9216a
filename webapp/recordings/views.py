"""Pages of the recordings app: the list with its uploader, a recording's page (player, live timeline, report),
the files a browser fetches (video with Range, poster, face thumbnails), and the read-only shared report.

Every file goes through a view that checks the team (or a live share token); MEDIA_ROOT is never served directly.
"""

import re
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from webapp.ids import id_parse
from webapp.recordings import selectors, services, storage
from webapp.recordings.apis.analyses import report_data
from webapp.recordings.models import CLASS_NAMES, Analysis, Recording
from webapp.recordings.serializers import analysis_payload, recording_payload
from webapp.runs import selectors as run_selectors
from webapp.system.media import file_response

_MOMENT_NAME = re.compile(r"^[A-Za-z0-9_.-]+\.jpg$")


def recording_list_view(request: HttpRequest) -> HttpResponse:
    """The team's recordings, and the resumable uploader."""
    recordings = list(selectors.recording_list(user=request.user))
    context = {
        "recordings": recordings,
        "models": run_selectors.model_list(user=request.user),
        "max_upload_mb": settings.STUDIO_MAX_UPLOAD_MB,
        "builtin_model": services.BUILT_IN_MODEL,
    }
    return render(request, "recordings/recording_list.html", context)


def _chosen_analysis(request: HttpRequest, recording: Recording) -> Analysis | None:
    analyses = list(recording.analyses.all())
    wanted = id_parse(request.GET.get("analysis"))
    chosen = next((a for a in analyses if a.pk == wanted), None)
    return chosen or (analyses[0] if analyses else None)


def page_data(recording: Recording, analysis: Analysis | None, *, share_token: str = "") -> dict[str, Any]:
    """What the page's script starts from: the recording, the analysis shown, and where to fetch the rest."""
    base = reverse("recordings:share", kwargs={"token": share_token}) if share_token else ""
    payload = recording_payload(recording)
    shared_video = f"{base}video/" if recording.video_path else ""
    shared_poster = f"{base}poster.jpg" if recording.poster_path else ""
    return {
        "recording": payload,
        "analysis": analysis_payload(analysis) if analysis else None,
        "classes": list(CLASS_NAMES),
        "shared": bool(share_token),
        "urls": {
            "video": shared_video if share_token else (payload["video_url"] or ""),
            "poster": shared_poster if share_token else (payload["poster_url"] or ""),
            "timeline": f"{base}timeline.json" if share_token else "",
            "report": f"{base}report.json" if share_token else "",
            "moments": f"{base}moments/" if share_token else "",
        },
    }


def recording_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One recording: its player, the live timeline of the analysis shown, and its report once finished."""
    recording = selectors.recording_get(user=request.user, recording_id=pk)
    analysis = _chosen_analysis(request, recording)
    context = {
        "recording": recording, "analysis": analysis, "page_data": page_data(recording, analysis),
        "models": run_selectors.model_list(user=request.user), "builtin_model": services.BUILT_IN_MODEL,
        "disk_bytes": selectors.recording_disk_bytes(recording=recording),
        "share_links": selectors.share_links_of(analysis=analysis) if analysis else [],
    }  # fmt: skip
    return render(request, "recordings/recording_detail.html", context)


@require_POST
def recording_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a recording and all its files, after the page's confirmation."""
    recording = selectors.recording_get(user=request.user, recording_id=pk)
    try:
        services.recording_delete(recording=recording)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("recordings:detail", pk=pk)
    messages.success(request, f"{recording.name} and all its files were deleted.")
    return redirect("recordings:list")


def recording_video_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The recording as the browser plays it, with Range support for seeking."""
    recording = selectors.recording_get(user=request.user, recording_id=pk)
    return _video(request, recording)


def _video(request: HttpRequest, recording: Recording) -> HttpResponseBase:
    if not recording.video_path:
        raise Http404("This recording has no file the browser can play (yet).")
    return file_response(request, storage.media_path(recording.video_path))


def recording_poster_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The recording's poster (a frame, as JPEG)."""
    recording = selectors.recording_get(user=request.user, recording_id=pk)
    if not recording.poster_path:
        raise Http404("No poster yet.")
    return file_response(request, storage.media_path(recording.poster_path), content_type="image/jpeg")


def _moment(request: HttpRequest, analysis: Analysis, name: str) -> HttpResponseBase:
    if not _MOMENT_NAME.match(name):
        raise Http404("No such thumbnail.")
    return file_response(
        request, storage.media_path(f"{analysis.result_dir}/moments/{name}"), content_type="image/jpeg"
    )


def analysis_moment_view(request: HttpRequest, pk: int, name: str) -> HttpResponseBase:
    """A face thumbnail of one of the analysis's strongest moments."""
    return _moment(request, selectors.analysis_get(user=request.user, analysis_id=pk), name)


def _shared(token: str) -> Analysis:
    link = selectors.share_link_get(token=token)
    if link is None:
        raise Http404("This link does not work (any more): ask for a new one.")
    return link.analysis


@login_not_required
def share_view(request: HttpRequest, token: str) -> HttpResponse:
    """The read-only report behind a share link, for people without an account."""
    analysis = _shared(token)
    context = {"recording": analysis.recording, "analysis": analysis, "shared": True,
               "page_data": page_data(analysis.recording, analysis, share_token=token)}  # fmt: skip
    return render(request, "recordings/shared_report.html", context)


@login_not_required
def share_file_view(request: HttpRequest, token: str, name: str) -> HttpResponseBase:
    """The shared report's files: `video/`, `poster.jpg`, `timeline.json`, `report.json`, `moments/<name>`."""
    analysis = _shared(token)
    if name == "video/":
        return _video(request, analysis.recording)
    if name == "poster.jpg" and analysis.recording.poster_path:
        return file_response(request, storage.media_path(analysis.recording.poster_path), content_type="image/jpeg")
    if name == "timeline.json":
        return file_response(request, storage.media_path(f"{analysis.result_dir}/timeline.json"))
    if name == "report.json":
        return JsonResponse(report_data(analysis))
    if name.startswith("moments/"):
        return _moment(request, analysis, name.removeprefix("moments/"))
    raise Http404("No such file.")
