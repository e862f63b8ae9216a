"""Pages of the runs app: jobs (the queue, the form, the list), one job live, the models, and a comparison."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from webapp.accounts.requests import SignedInHttpRequest
from webapp.ids import id_list_parse, id_parse
from webapp.runs import selectors, services
from webapp.runs.configs import settings_of
from webapp.runs.forms import RunForm
from webapp.runs.models import Run
from webapp.runs.payloads import compare_context, run_detail_data
from webapp.system import selectors as system_selectors
from webapp.system.confirm import delete_confirm_page


def _initial(request: HttpRequest) -> dict[str, Any]:
    """Prefill the form from `?from=<job id>` ("edit and resubmit"), else kdcore's defaults."""
    source = id_parse(request.GET.get("from"))
    if source is None:
        return {}
    run = selectors.run_get(user=request.user, run_id=source)
    return {**settings_of(run.config), "dataset_version": run.dataset_version_id, "teacher": run.teacher_id}


def run_list_view(request: SignedInHttpRequest) -> HttpResponse:
    """The queue, the job form and every job of the user's teams; a valid form queues a job and opens it."""
    team = request.team
    form = RunForm(request.POST or None, team=team, initial=_initial(request))
    if request.method == "POST" and form.is_valid():
        try:
            if team is None:  # never so today: without a team the form offers no dataset version to pick
                raise ValidationError("You are not in any team yet: ask a team owner to add you.")
            run = services.run_create(
                team=team, user=request.user, dataset_version=form.cleaned_data["dataset_version"],
                teacher=form.cleaned_data["teacher"], settings=form.settings(),
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Job #{run.pk} is queued.")
            return redirect("runs:detail", pk=run.pk)
    positions = selectors.run_queue_positions(user=request.user)
    runs = selectors.run_list(user=request.user, limit=100)
    rows = [(run, positions.get(run.pk), selectors.run_disk_bytes(run=run)) for run in runs]
    context = {
        "form": form,
        "rows": rows,
        "disk_bytes": sum(row[2] for row in rows),
        "active_rows": selectors.run_queue_list(user=request.user),
        "cpu_fallback": system_selectors.queue_choose(device="auto") == Run.Queue.CPU,
    }
    return render(request, "runs/run_list.html", context)


def run_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One job: live curves, epoch table, throughput and ETA; cancel while active, retry once finished."""
    run = selectors.run_get(user=request.user, run_id=pk)
    data = run_detail_data(run)
    context = {"run": run, "position": data["queue_position"], "run_json": data}
    return render(request, "runs/run_detail.html", {**context, "disk_bytes": selectors.run_disk_bytes(run=run)})


@require_POST
def run_cancel_view(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """Cancel a job from its page."""
    run = selectors.run_get(user=request.user, run_id=pk)
    try:
        run = services.run_cancel(run_id=run.pk, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        done = run.status == Run.Status.CANCELLED
        messages.success(request, "Job cancelled." if done else "Stopping the job: its worker stops within seconds.")
    return redirect("runs:detail", pk=pk)


@require_POST
def run_retry_view(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """Queue a copy of a finished job and open it."""
    run = selectors.run_get(user=request.user, run_id=pk)
    try:
        clone = services.run_retry(run=run, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("runs:detail", pk=pk)
    messages.success(request, f"Job #{clone.pk} retries job #{run.pk}.")
    return redirect("runs:detail", pk=clone.pk)


@require_POST
def run_measure_latency_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a new latency measurement of a finished job."""
    run = selectors.run_get(user=request.user, run_id=pk)
    try:
        services.run_latency_request(run=run)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Latency measurement queued: it runs once its worker's machine is idle.")
    return redirect("runs:detail", pk=pk)


def run_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then delete a finished job and its files."""
    run = selectors.run_get(user=request.user, run_id=pk)
    return delete_confirm_page(
        request, what=f"job #{run.pk}", plan=lambda: selectors.run_delete_plan(run=run),
        delete=lambda: services.run_delete(run=run), back_url=reverse("runs:detail", args=[run.pk]),
        done_url=reverse("runs:index"),
    )  # fmt: skip


def model_list_view(request: HttpRequest) -> HttpResponse:
    """Every trained checkpoint of the user's teams, with downloads and a compare selection."""
    return render(request, "runs/models.html", {"models": selectors.model_list(user=request.user)})


def run_compare_view(request: HttpRequest) -> HttpResponse:
    """Two or more jobs side by side: curves overlaid, accuracy, per-class F1, confusion, size and latency."""
    ids = id_list_parse(request.GET.getlist("runs"))
    runs = selectors.run_compare_list(user=request.user, run_ids=ids)
    return render(request, "runs/compare.html", {"runs": runs, **compare_context(runs)})
