"""The built-in Student B loads offline and is the model its card describes."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from kdcore.data import read_faces
from kdcore.evaluate import evaluate
from kdcore.pretrained import DEFAULT_MODEL_PATH, load_default_model

FER_TAR = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "fer2013" / "fer2013.tar.xz"


def test_it_loads_the_built_in_student_b_from_the_repository() -> None:
    model, meta = load_default_model()
    assert DEFAULT_MODEL_PATH.stat().st_size < 11_000_000
    assert meta["model"] == "mini_resemotenet_b"
    assert meta["dtype"] == "float16"
    assert sum(p.numel() for p in model.parameters()) == 5_022_215
    assert model.input_size == 160  # the size it was trained at, from the checkpoint's config
    assert model(torch.zeros(2, 3, 160, 160)).shape == (2, 7)


@pytest.mark.slow
@pytest.mark.skipif(not FER_TAR.exists(), reason="needs ../shared/data/fer2013")
# Reads all of FER2013 and runs Student B on 3,589 faces on the CPU: 47 s here when quiet, 175 s with both cores kept
# busy, too near pytest's 300 s hang guard, which is widened for it alone.
@pytest.mark.timeout(900)
def test_it_reproduces_the_model_card_accuracy_on_private_test() -> None:
    model, meta = load_default_model()
    test = read_faces(FER_TAR).split("test")
    result = evaluate(model, torch.from_numpy(test.images), torch.from_numpy(test.labels), bf16=False)
    # Card: 69.96% measured on an H100 in bf16; fp32 on a CPU may move a handful of the 3,589 predictions.
    assert result.accuracy == pytest.approx(meta["metrics"]["test"]["accuracy"], abs=0.004)
