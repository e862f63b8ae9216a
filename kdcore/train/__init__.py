"""The training loop for teachers and students, with callbacks for progress and cancellation."""

from kdcore.train.callbacks import Callback, ProgressEvent, TrainState
from kdcore.train.loop import fit
from kdcore.train.result import FitResult, checkpoint_meta

__all__ = ["Callback", "FitResult", "ProgressEvent", "TrainState", "checkpoint_meta", "fit"]
