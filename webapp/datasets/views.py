"""Pages of the datasets app: the list, the upload form, a dataset with its versions and imports, the gallery.

The upload form works without JavaScript (a plain POST here); `datasets_upload.js` sends the same form to the API
instead, to show upload progress. Both end in the same service.
"""

import json
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from webapp.accounts.requests import SignedInHttpRequest
from webapp.datasets import footprint, selectors, services
from webapp.datasets.forms import DatasetUploadForm, GalleryFilterForm, VersionUploadForm
from webapp.datasets.models import CLASS_NAMES, SPLIT_NAMES, Dataset, DatasetImport, DatasetVersion
from webapp.ids import int_parse
from webapp.system.confirm import delete_confirm_page
from webapp.system.uploads import request_too_large, upload_limit_bytes

GALLERY_PAGE_SIZE = 120


def dataset_list_view(request: HttpRequest) -> HttpResponse:
    """The team's datasets with their latest version and import, and the disk each takes; an honest empty state
    without any."""
    datasets = list(selectors.dataset_list(user=request.user))
    rows = [(dataset, footprint.dataset_disk_usage(dataset=dataset)) for dataset in datasets]
    context = {"datasets": datasets, "rows": rows, "disk_bytes": sum(usage.total for _, usage in rows)}
    return render(request, "datasets/dataset_list.html", context)


def _upload_page(
    request: HttpRequest,
    form: VersionUploadForm,
    create: Callable[[VersionUploadForm], DatasetImport],
    context: dict[str, object],
) -> HttpResponse:
    """Render the upload form, or create the import and go to its dataset; 413 when the body is over the limit."""
    too_large = request_too_large(request)
    context = {**context, "form": form, "max_upload_mb": settings.STUDIO_MAX_UPLOAD_MB}
    context["max_upload_bytes"] = upload_limit_bytes()
    if too_large is not None:
        form.add_error(None, too_large)
        return render(request, "datasets/upload.html", context, status=413)
    if request.method == "POST" and form.is_valid():
        try:
            dataset_import = create(form)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("datasets:detail", pk=dataset_import.dataset_id)
    return render(request, "datasets/upload.html", context, status=400 if form.errors else 200)


def dataset_upload_view(request: SignedInHttpRequest) -> HttpResponse:
    """Upload the first version of a new dataset into the current team."""
    form = DatasetUploadForm(request.POST or None, request.FILES or None)

    def create(form: VersionUploadForm) -> DatasetImport:
        if request.team is None:
            raise ValidationError("You are not in any team yet: ask a team owner to add you.")
        return services.dataset_upload_create(
            team=request.team,
            user=request.user,
            name=form.cleaned_data["name"],
            upload=form.cleaned_data["file"],
            description=form.cleaned_data["description"],
        )

    api_url = reverse("api:dataset_upload")
    return _upload_page(request, form, create, {"dataset": None, "api_url": api_url})


def dataset_version_upload_view(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """Upload the next version of one of the team's datasets."""
    dataset = selectors.dataset_get(user=request.user, dataset_id=pk)
    form = VersionUploadForm(request.POST or None, request.FILES or None)

    def create(form: VersionUploadForm) -> DatasetImport:
        user = request.user
        return services.dataset_import_create(dataset=dataset, user=user, upload=form.cleaned_data["file"])

    api_url = reverse("api:dataset_version_upload", kwargs={"pk": pk})
    return _upload_page(request, form, create, {"dataset": dataset, "api_url": api_url})


@require_POST
def dataset_import_retry_view(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """Import a failed import's stored upload again, and show its dataset."""
    dataset_import = selectors.dataset_import_get(user=request.user, import_id=pk)
    try:
        retry = services.dataset_import_retry(dataset_import=dataset_import, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Import #{retry.pk} retries {dataset_import.original_name}.")
    return redirect("datasets:detail", pk=dataset_import.dataset_id)


def _diff(request: HttpRequest, versions: list[DatasetVersion]) -> selectors.VersionDiff | None:
    """The diff `?from=&to=` asks for (version numbers); by default the newest version against its parent."""
    by_number = {version.number: version for version in versions}
    if len(by_number) < 2:
        return None
    newest = max(by_number.values(), key=lambda version: version.number)
    parent = by_number.get(newest.parent.number) if newest.parent else None
    default_from = parent or max((v for v in versions if v is not newest), key=lambda version: version.number)
    wanted_from, wanted_to = int_parse(request.GET.get("from")), int_parse(request.GET.get("to"))
    base = by_number.get(wanted_from) if wanted_from is not None else None
    other = by_number.get(wanted_to) if wanted_to is not None else None
    return selectors.dataset_version_diff(base=base or default_from, other=other or newest)


def dataset_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A dataset: its versions as a lineage (each made from its parent), a diff of any two, and its imports."""
    dataset: Dataset = selectors.dataset_get(user=request.user, dataset_id=pk)
    versions = list(selectors.dataset_version_list(user=request.user, dataset_id=dataset.pk))
    disk = {version.pk: footprint.version_disk_usage(version=version) for version in versions}
    context = {
        "dataset": dataset,
        "versions": versions,
        "disk": footprint.dataset_disk_usage(dataset=dataset),
        "lineage": [
            (version, depth, disk[version.pk])
            for version, depth in selectors.dataset_version_lineage(versions=versions)
        ],
        "diff": _diff(request, versions),
        "imports": list(selectors.dataset_import_list(dataset=dataset)),
        "class_names": CLASS_NAMES,
        "split_names": SPLIT_NAMES,
    }
    return render(request, "datasets/dataset_detail.html", context)


def _count_rows(version: DatasetVersion) -> list[tuple[str, list[tuple[str, int]], int]]:
    """(split, [(class, n), …], total) for the counts table, with every split and class present."""
    totals = version.split_counts
    rows = []
    for split in SPLIT_NAMES:
        by_class = version.counts.get(split, {})
        rows.append((split, [(name, int(by_class.get(name, 0))) for name in CLASS_NAMES], totals[split]))
    return rows


def dataset_version_view(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """A version's gallery: faces by class and split, a page at a time, with the counts that lead there."""
    version = selectors.dataset_version_get(user=request.user, dataset_id=pk, number=number)
    filters = GalleryFilterForm(request.GET)
    label, split = filters.codes()
    items = selectors.dataset_item_list(version=version, label=label, split=split)
    page = Paginator(items, GALLERY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "version": version,
        "dataset": version.dataset,
        "filters": filters,
        "page": page,
        "label": CLASS_NAMES[label] if label is not None else "",
        "split": SPLIT_NAMES[split] if split is not None else "",
        "count_rows": _count_rows(version),
        "disk": footprint.version_disk_usage(version=version),
        "class_names": CLASS_NAMES,
        # For "Train on it": which jobs of this dataset can lend their settings (runs_retrain.js reads them by id).
        "versions_json": json.dumps(
            {str(pk): f"v{number}" for pk, number in version.dataset.versions.values_list("pk", "number")}
        ),
    }
    return render(request, "datasets/version_gallery.html", context)


def dataset_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then delete a dataset with its versions, imports and the faces only it used."""
    dataset = selectors.dataset_get(user=request.user, dataset_id=pk)
    return delete_confirm_page(
        request, what=f"the dataset {dataset.name}", plan=lambda: footprint.dataset_delete_plan(dataset=dataset),
        delete=lambda: services.dataset_delete(dataset=dataset), back_url=reverse("datasets:detail", args=[pk]),
        done_url=reverse("datasets:list"),
    )  # fmt: skip


def dataset_version_delete_view(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Confirm, then delete one version with its label reviews and the faces only it used."""
    version = selectors.dataset_version_get(user=request.user, dataset_id=pk, number=number)
    return delete_confirm_page(
        request, what=f"{version.dataset.name} {version.label}",
        plan=lambda: footprint.version_delete_plan(version=version),
        delete=lambda: services.dataset_version_delete(version=version),
        back_url=reverse("datasets:version", args=[pk, number]), done_url=reverse("datasets:detail", args=[pk]),
    )  # fmt: skip
