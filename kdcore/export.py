"""Deployment artifacts: TorchScript and ONNX exports of a model, each checked for parity with eager PyTorch.

Exports are separate artifacts beside the checkpoint (which stays a state dict). Both take normalised images
[B, 3, S, S] (S = the model's input size, 64 by default) and return logits [B, K]; the batch dimension is dynamic.

Dependencies: only torch and numpy are imported here at module level. ``onnxruntime`` (parity of ONNX files) and
``onnxscript`` (used by torch's ONNX exporter) are imported lazily inside the functions that need them. They are
not on kdcore's core allow-list (stdlib, torch, torchvision, numpy, PIL); this module is the one exception, so the
rest of kdcore still runs on a box with torch alone.
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch
from torch import nn

from kdcore.evaluate import input_size_of

ExportFormat = Literal["torchscript", "onnx"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("torchscript", "onnx")
INPUT_NAME, OUTPUT_NAME = "images", "logits"
DEFAULT_OPSET = 18  # the dynamo exporter's lowest native opset; 17 would need a lossy version conversion
PARITY_BATCH_SIZES = (1, 4)

Runner = Callable[[np.ndarray], np.ndarray]


@contextmanager
def _eval_mode(model: nn.Module) -> Iterator[nn.Module]:
    """Export and compare in eval mode (dropout off, BN running stats), then restore the caller's mode."""
    was_training = model.training
    model.eval()
    try:
        yield model
    finally:
        model.train(was_training)


@contextmanager
def _quiet_deprecations() -> Iterator[None]:
    """Silence torch's own 'deprecated, use torch.export' notices for jit/legacy ONNX; the artifacts still load."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=FutureWarning, module=r"torch\.")
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"torch\.")
        warnings.filterwarnings("ignore", message=r".*legacy TorchScript-based ONNX export.*")
        yield


# The dynamo exporter's passes report every step at INFO (dozens of lines per model): a worker's log is for people.
EXPORTER_LOGGERS = ("torch.onnx", "torch.export", "onnx", "onnx_ir", "onnxscript")


@contextmanager
def _quiet_exporter_logs(level: int = logging.WARNING) -> Iterator[None]:
    """Raise the exporter's loggers to ``level`` for the block (their warnings still show), then restore them."""
    loggers = [logging.getLogger(name) for name in EXPORTER_LOGGERS]
    before = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(max(level, logger.level))
    try:
        yield
    finally:
        for logger, old in zip(loggers, before, strict=True):
            logger.setLevel(old)


def _example_input(model: nn.Module, batch_size: int = 1, *, seed: int = 0) -> torch.Tensor:
    """Seeded normal input [B, 3, S, S] (fp32, S = the model's input size) on the model's device."""
    device = next(model.parameters()).device
    gen = torch.Generator().manual_seed(seed)
    size = input_size_of(model)
    return torch.randn(batch_size, 3, size, size, generator=gen).to(device)


def export_torchscript(model: nn.Module, path: str | Path) -> Path:
    """Trace ``model`` on one [1, 3, S, S] input and save it; returns the path.

    Tracing (not scripting) works for any registered model, since none has data-dependent control flow; convs,
    pooling and linear layers carry no batch size, so the trace runs at every batch size (``check_parity``
    verifies batch 1 and 4).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _eval_mode(model), torch.no_grad(), _quiet_deprecations():
        # torch.jit.trace carries no annotations upstream; the ignore goes stale (and mypy says so) once it does.
        traced = torch.jit.trace(model, _example_input(model))  # type: ignore[no-untyped-call]
        traced.save(str(path))
    return path


def export_onnx(
    model: nn.Module,
    path: str | Path,
    *,
    opset: int = DEFAULT_OPSET,
    dynamo: bool = True,
    class_names: Sequence[str] = (),
) -> Path:
    """Export ``model`` to one self-contained ``.onnx`` file with a dynamic batch dimension; returns the path.

    Args:
        model: any module mapping [B, 3, S, S] → [B, K].
        path: the ``.onnx`` file; weights are embedded (no ``.onnx.data`` beside it).
        opset: ONNX opset; the dynamo exporter needs ≥ 18.
        dynamo: use torch's ``torch.export``-based exporter (the maintained one; needs ``onnxscript``, ~1–2 s).
            ``False`` uses the legacy TorchScript-based exporter: faster (~0.1 s) but deprecated upstream.
        class_names: the K classes in logit order, stored in the file's metadata (``onnx_metadata``), so a file
            handed on alone still says what its outputs mean.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    names: dict[str, Any] = {"input_names": [INPUT_NAME], "output_names": [OUTPUT_NAME], "opset_version": opset}
    metadata = onnx_metadata(model, class_names)
    with _eval_mode(model), torch.no_grad(), _quiet_deprecations(), _quiet_exporter_logs():
        # Batch 2, not 1: torch.export specialises dimensions of size 0 and 1 to constants.
        example = (_example_input(model, batch_size=2),)
        if dynamo:
            dims = ({0: torch.export.Dim("batch")},)
            program = torch.onnx.export(model, example, dynamo=True, dynamic_shapes=dims, verbose=False, **names)
            assert program is not None, "the dynamo exporter returns its program when given no file"
            program.model.metadata_props.update(metadata)
            program.save(str(path), external_data=False)
        else:
            axes = {INPUT_NAME: {0: "batch"}, OUTPUT_NAME: {0: "batch"}}
            torch.onnx.export(model, example, str(path), dynamo=False, dynamic_axes=axes, **names)
            _add_metadata(path, metadata)
    return path


def onnx_metadata(model: nn.Module, class_names: Sequence[str] = ()) -> dict[str, str]:
    """What an exported file says about itself: its classes (JSON list, logit order) and input side in pixels."""
    metadata = {"input_size": str(input_size_of(model)), "input_name": INPUT_NAME, "output_name": OUTPUT_NAME}
    if class_names:
        metadata["class_names"] = json.dumps(list(class_names))
    return metadata


def _add_metadata(path: Path, metadata: dict[str, str]) -> None:
    import onnx  # lazy: not on kdcore's core allow-list

    exported = onnx.load(str(path))
    for key, value in metadata.items():
        exported.metadata_props.add(key=key, value=value)
    onnx.save(exported, str(path))


def export_model(model: nn.Module, path: str | Path, kind: ExportFormat, *, opset: int = DEFAULT_OPSET) -> Path:
    """Export by format name (``torchscript`` or ``onnx``), so callers choose with a string."""
    if kind == "torchscript":
        return export_torchscript(model, path)
    if kind == "onnx":
        return export_onnx(model, path, opset=opset)
    raise ValueError(f"unknown export format {kind!r}; expected one of {', '.join(EXPORT_FORMATS)}")


def _torchscript_runner(path: Path) -> Runner:
    with _quiet_deprecations():
        # torch.jit.load carries no annotations upstream; the ignore goes stale (and mypy says so) once it does.
        module = torch.jit.load(str(path), map_location="cpu").eval()  # type: ignore[no-untyped-call]

    def run(x: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            logits: np.ndarray = module(torch.from_numpy(x)).numpy()
            return logits

    return run


def _onnx_runner(path: Path) -> Runner:
    import onnxruntime  # lazy: not on kdcore's core allow-list

    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    input_name = session.get_inputs()[0].name
    return lambda x: session.run(None, {input_name: x})[0]


def check_parity(
    model: nn.Module, path: str | Path, kind: ExportFormat, *, batch_sizes: tuple[int, ...] = PARITY_BATCH_SIZES
) -> float:
    """Largest absolute logit difference between eager ``model`` and the exported artifact on random inputs.

    The artifact runs on CPU (TorchScript via ``torch.jit.load``, ONNX via onnxruntime's CPU provider); eager runs
    on the model's device in fp32 and eval mode. Each batch size gets its own seeded input.
    """
    runners: dict[str, Callable[[Path], Runner]] = {"torchscript": _torchscript_runner, "onnx": _onnx_runner}
    if kind not in runners:
        raise ValueError(f"unknown export format {kind!r}; expected one of {', '.join(EXPORT_FORMATS)}")
    run = runners[kind](Path(path))
    worst = 0.0
    with _eval_mode(model), torch.no_grad():
        for seed, batch_size in enumerate(batch_sizes, start=1):
            x = _example_input(model, batch_size, seed=seed)
            expected = model(x).float().cpu().numpy()
            actual = run(x.cpu().numpy())
            if actual.shape != expected.shape:
                raise ValueError(f"exported output has shape {list(actual.shape)}, eager has {list(expected.shape)}")
            worst = max(worst, float(np.abs(actual - expected).max()))
    return worst
