"""The training loop for teachers and students, with callbacks for progress and cancellation."""

from kdcore.train.callbacks import Callback, ProgressEvent, TrainState
from kdcore.train.loop import FitResult, fit

__all__ = ["Callback", "FitResult", "ProgressEvent", "TrainState", "fit"]
