"""Accuracy, confusion matrix and F1 on a hand-checked example."""

from __future__ import annotations

import pytest
import torch

from kdcore.metrics import classification_report, confusion_matrix

# true:  0 0 0 1 1 2
# pred:  0 0 1 1 2 2   → class 0: tp 2, fp 0, fn 1; class 1: tp 1, fp 1, fn 1; class 2: tp 1, fp 1, fn 0; class 3 absent
TARGET = torch.tensor([0, 0, 0, 1, 1, 2])
PRED = torch.tensor([0, 0, 1, 1, 2, 2])


def test_it_counts_true_against_predicted() -> None:
    assert confusion_matrix(TARGET, PRED, 3).tolist() == [[2, 1, 0], [0, 1, 1], [0, 0, 1]]


def test_it_reports_accuracy_and_f1() -> None:
    report = classification_report(TARGET, PRED, 4)
    f1 = [2 * 2 / (2 * 2 + 0 + 1), 2 * 1 / (2 * 1 + 1 + 1), 2 * 1 / (2 * 1 + 1 + 0), 0.0]
    assert report.accuracy == pytest.approx(4 / 6)
    assert report.per_class_f1 == pytest.approx(f1, abs=1e-6)
    assert report.macro_f1 == pytest.approx(sum(f1) / 4)
    assert report.count == 6
    assert report.confusion[3] == [0, 0, 0, 0]


def test_it_reports_a_perfect_prediction() -> None:
    report = classification_report(TARGET, TARGET, 3)
    assert report.accuracy == 1.0
    assert report.per_class_f1 == [1.0, 1.0, 1.0]
