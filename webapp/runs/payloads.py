"""The JSON shapes of a job that the API, the pages' scripts and the live events share."""

from collections.abc import Iterable
from typing import Any

from kdcore.config import TEACHER_MODEL
from webapp.datasets.models import DatasetVersion
from webapp.runs import selectors
from webapp.runs.configs import settings_of
from webapp.runs.models import Run
from webapp.runs.serializers import run_detail_payload


def run_detail_data(run: Run) -> dict[str, Any]:
    """One job as its page and `GET /api/runs/<id>/` show it: position in the queue and every epoch so far."""
    position, epochs = selectors.run_queue_position(run=run), selectors.run_epochs(run=run)
    return run_detail_payload(run, position=position, epochs=epochs)


def run_compare_data(runs: Iterable[Run]) -> list[dict[str, Any]]:
    """Jobs from `selectors.run_compare_list` (epochs prefetched) in the detail shape."""
    return [run_detail_payload(run, position=None, epochs=[epoch.event for epoch in run.epochs.all()]) for run in runs]


def run_report(run: Run) -> tuple[str, dict[str, Any]]:
    """The split a job's numbers come from ("test" once evaluated, else "val") and its classification report."""
    for split in ("test", "val"):
        if run.metrics.get(split):
            return split, run.metrics[split]
    return "", {}


def f1_rows(runs: list[Run]) -> list[tuple[str, list[float | None]]]:
    """Per-class F1 of several jobs: one row per class (in the first job's order), one value per job."""
    names = list(dict.fromkeys(name for run in runs for name in run.class_names))
    rows = []
    for name in names:
        values = []
        for run in runs:
            per_class = run_report(run)[1].get("per_class_f1") or []
            index = run.class_names.index(name) if name in run.class_names else -1
            values.append(per_class[index] if 0 <= index < len(per_class) else None)
        rows.append((name, values))
    return rows


def confusion_rows(run: Run) -> list[tuple[str, list[tuple[int, bool, str]]]]:
    """A job's confusion matrix as rows: true class → (count, on the diagonal, predicted class) per column."""
    matrix = run_report(run)[1].get("confusion") or []
    names = run.class_names
    return [
        (name, [(count, i == j, names[j] if j < len(names) else "") for j, count in enumerate(row)])
        for i, (name, row) in enumerate(zip(names, matrix, strict=False))
    ]


def tradeoff_points(runs: list[Run]) -> list[dict[str, Any]]:
    """One point per job for the accuracy-against-cost scatters: what it costs (latency, parameters) and scores.

    `role` says how to mark it: the full-width teacher, or a student, distilled or trained from the labels alone;
    side by side, a distilled student above its undistilled twin is the KD gain.
    """
    return [
        {
            "id": run.pk, "label": f"#{run.pk} {run.model_label}", "accuracy": run_report(run)[1].get("accuracy"),
            "latency_ms": run.latency_ms, "parameters": run.parameters,
            "role": "teacher" if run.config.get("model") == TEACHER_MODEL else "student",
            "distilled": run.is_distillation,
        }
        for run in runs
    ]  # fmt: skip


_RECIPE_KEYS = ("model", "width_mult", "temperature", "alpha", "epochs", "batch_size", "lr", "seed", "input_size")


def _recipe(run: Run) -> tuple[str, str]:
    """What makes two jobs "the same settings" (everything a person sets but the data and the device), and in words."""
    settings = settings_of(run.config)
    if not run.teacher_id:
        settings["temperature"] = settings["alpha"] = None  # T and α mean nothing without a teacher
    key = repr([run.teacher_id, *(settings[name] for name in _RECIPE_KEYS)])
    words = f"{run.model_label} · {settings['epochs']} epochs · {settings['input_size']} px"
    if run.teacher_id:
        words += f" · KD from #{run.teacher_id} (T {settings['temperature']}, α {settings['alpha']})"
    return key, words


def accuracy_by_version(runs: list[Run]) -> dict[str, Any]:
    """The compared jobs' accuracies side by side per dataset version: one row per recipe (same settings), one column
    per version (by dataset, then number), so relabelling's effect reads along a row; `delta` is the last version's
    best minus the first's, when a row has two or more."""
    versions: list[DatasetVersion] = sorted(
        {run.dataset_version_id: run.dataset_version for run in runs}.values(),
        key=lambda version: (version.dataset_id, version.number),
    )
    rows: dict[str, dict[str, Any]] = {}
    for run in runs:
        key, words = _recipe(run)
        row = rows.setdefault(key, {"label": words, "cells": {version.pk: [] for version in versions}})
        row["cells"][run.dataset_version_id].append((run, run_report(run)[1].get("accuracy")))
    table = []
    for row in rows.values():
        cells = [sorted(row["cells"][version.pk], key=lambda pair: -(pair[1] or 0)) for version in versions]
        best = [cell[0][1] for cell in cells if cell and cell[0][1] is not None]
        delta = best[-1] - best[0] if len(best) > 1 else None
        table.append({"label": row["label"], "cells": cells, "delta": delta})
    return {"versions": versions, "rows": table}


def compare_context(runs: list[Run]) -> dict[str, Any]:
    """What the comparison page shows besides the curves: each job's report and confusion, and F1 by class."""
    entries = []
    for run in runs:
        split, report = run_report(run)
        entries.append({"run": run, "split": split, "report": report, "confusion": confusion_rows(run)})
    return {
        "entries": entries, "f1_rows": f1_rows(runs), "runs_json": run_compare_data(runs),
        "points_json": tradeoff_points(runs), "by_version": accuracy_by_version(runs),
    }  # fmt: skip
