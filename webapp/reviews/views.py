"""Pages of the reviews app: the Review page (a version's label-quality jobs, its jobs' confusion matrices, its
review state and commit) and the reviewer, where faces are decided one keypress at a time.

Both pages are shells the server fills with what it knows at load; their scripts (`reviews_index.js`,
`reviews_reviewer.js`) then talk only to /api/reviews/ and /ws/scorings/.
"""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from webapp.accounts.requests import SignedInHttpRequest
from webapp.datasets.models import CLASS_NAMES, SPLIT_NAMES, DatasetVersion
from webapp.ids import id_parse
from webapp.reviews import selectors
from webapp.reviews.forms import FaceFilterForm, ScoringForm
from webapp.reviews.models import LabelScoring
from webapp.reviews.serializers import CommitSerializer
from webapp.runs import selectors as run_selectors
from webapp.runs.configs import model_label
from webapp.runs.models import Run
from webapp.runs.payloads import confusion_rows, run_report

JOBS_SHOWN = 6


def _chosen(request: HttpRequest, versions: list[DatasetVersion]) -> DatasetVersion:
    """The version named by `?version=`, else the newest one; another team's id is a 404."""
    wanted = request.GET.get("version", "")
    if not wanted and versions:
        return max(versions, key=lambda version: (version.created_at, version.pk))
    found = next((version for version in versions if str(version.pk) == wanted), None)
    if found is None:
        raise Http404("No such dataset version in your team.")
    return found


def scoring_settings(scoring: LabelScoring) -> str:
    """A job's settings in words: "Student C (⅛ width) · 30 epochs · 64 px · 4 folds · GPU"."""
    config = scoring.config
    where = "CPU" if scoring.runs_on_cpu else "GPU"
    model = model_label(str(config.get("model", "")), config.get("width_mult"))
    return f"{model} · {config.get('epochs')} epochs · {config.get('input_size')} px · {scoring.folds} folds · {where}"


def _job(run: Run) -> dict[str, Any]:
    """A finished job with its confusion matrix; cells link to their faces when its predictions were stored."""
    split, report = run_report(run)
    linkable = bool(getattr(run, "has_predictions", False)) and list(run.class_names) == list(CLASS_NAMES)
    return {
        "run": run, "split": split, "split_code": SPLIT_NAMES.index(split) if split else None,
        "accuracy": report.get("accuracy"), "confusion": confusion_rows(run), "linkable": linkable,
    }  # fmt: skip


def _state(version: DatasetVersion) -> dict[str, Any]:
    commit = selectors.commit_of(version=version)
    return {
        "version": version.pk, "label": version.label, "dataset": version.dataset_id,
        "counts": selectors.decision_counts(version=version),
        "commit": dict(CommitSerializer(commit).data) if commit else None,
    }  # fmt: skip


def review_index_view(request: SignedInHttpRequest) -> HttpResponse:
    """Pick a version; see and start its label-quality jobs; open the reviewer by ranking or by confusion cell."""
    versions = list(selectors.review_versions(user=request.user, team=request.team))
    if not versions and not request.GET.get("version"):
        return render(request, "reviews/index.html", {"versions": []})
    version = _chosen(request, versions)
    scorings = list(selectors.scoring_list(user=request.user, version=version)[:50])
    runs = run_selectors.run_finished_on(user=request.user, version_id=version.pk)[:JOBS_SHOWN]
    context = {
        "versions": versions, "version": version, "form": ScoringForm(),
        "scorings": [(scoring, scoring_settings(scoring)) for scoring in scorings],
        "jobs": [_job(run) for run in runs], "state": _state(version), "class_names": CLASS_NAMES,
        "dataset_versions": {str(each.pk): each.label for each in versions if each.dataset_id == version.dataset_id},
    }  # fmt: skip
    return render(request, "reviews/index.html", context)


def _source(request: HttpRequest, version: DatasetVersion) -> tuple[LabelScoring | None, Run | None]:
    """The scoring (`?scoring=`) or job (`?run=`) that ranks the faces; either must be of this version, else 404."""
    scoring_id, run_id = id_parse(request.GET.get("scoring")), id_parse(request.GET.get("run"))
    if scoring_id is not None:
        scoring = selectors.scoring_get(user=request.user, scoring_id=scoring_id)
        if scoring.version_id != version.pk:
            raise Http404(f"Label scoring #{scoring.pk} scored another version.")
        return scoring, None
    if run_id is not None:
        run = run_selectors.run_get(user=request.user, run_id=run_id)
        if run.dataset_version_id != version.pk:
            raise Http404(f"Job #{run.pk} was evaluated on another version.")
        return None, run
    return None, None


def reviewer_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The reviewer: one face at a time from the keyboard (or a grid of them), ranked by a scoring or a job."""
    version = selectors.version_get(user=request.user, version_id=pk)
    scoring, run = _source(request, version)
    state = _state(version)
    config = {
        "version": version.pk, "label": version.label, "dataset": version.dataset_id, "classNames": CLASS_NAMES,
        "scoring": scoring.pk if scoring else None, "run": run.pk if run else None,
        "api": reverse("api:review_state", kwargs={"pk": version.pk}), "commit": state["commit"],
        "events": state["counts"]["events"],
    }  # fmt: skip
    context = {
        "version": version, "scoring": scoring, "run": run, "filters": FaceFilterForm(request.GET or None),
        "config": config, "commit": state["commit"], "class_names": CLASS_NAMES,
    }  # fmt: skip
    return render(request, "reviews/reviewer.html", context)
