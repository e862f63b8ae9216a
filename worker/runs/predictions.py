"""A finished job's per-face predictions on its validation and test splits, stored for the review page.

Best effort: the job already succeeded, so a failure here is logged and costs only the links from its confusion
matrix to the faces, never the job.
"""

import logging

from kdcore.config import TrainConfig
from kdcore.data import FaceArrays
from kdcore.data.splits import split_code
from kdcore.predictions import split_predictions
from kdcore.train import FitResult
from webapp.datasets import selectors as dataset_selectors
from webapp.runs import services
from webapp.runs.models import Run

logger = logging.getLogger(__name__)


def store_predictions(run: Run, result: FitResult, arrays: FaceArrays, cfg: TrainConfig) -> int:
    """Predict every val and test face with the chosen weights and store them; returns how many (0 on failure)."""
    try:
        predictions = split_predictions(result.model, arrays, cfg, device=_device(result))
        ids = dataset_selectors.dataset_version_item_ids(version_id=run.dataset_version_id)
        rows = [
            services.PredictionRow(ids[arrays.names[index]], split_code(name), int(label), int(guess), probs.tolist())
            for name, split in predictions.items()
            for index, label, guess, probs in zip(split.index, split.label, split.predicted, split.probs, strict=True)
        ]
        return services.run_predictions_store(run_id=run.pk, rows=rows)
    except Exception:
        logger.exception("job #%s: its per-face predictions were not stored", run.pk)
        return 0


def _device(result: FitResult) -> str:
    return str(next(result.model.parameters()).device)
