"""Label quality: out-of-sample class probabilities by cross-fitting, and per-face scores of how likely each given
label is wrong (Northcutt et al., "Confident Learning", JAIR 2021).

The ranking that uses them (``cleanlab``) lives outside kdcore, in ``worker.reviews.ranking``: kdcore stays
torch, torchvision, numpy and Pillow only.
"""

from kdcore.label_quality._progress import CrossFitProgress
from kdcore.label_quality.cross_fit import FoldMetrics, OutOfSampleProbs, check_cross_fit, cross_fit_probs
from kdcore.label_quality.scores import label_scores

__all__ = [
    "CrossFitProgress",
    "FoldMetrics",
    "OutOfSampleProbs",
    "check_cross_fit",
    "cross_fit_probs",
    "label_scores",
]
