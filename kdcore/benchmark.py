"""Inference benchmarks: size, batch-1 latency, throughput and peak memory, as plain numbers.

Protocol (the one behind PRODUCT.md's H100 figures): eval mode under ``torch.inference_mode()``; on CUDA, bf16
autocast and channels-last inputs, with ``torch.cuda.synchronize()`` around every timed call so a time covers
the kernels and not just their launch; on CPU, fp32. Each batch size is warmed up, then timed ``runs`` times,
and the median is reported (robust to the odd slow call from a background process or clock change).

``measure_latency`` / ``measure_latencies`` give the CPU batch-1 latency a page can state as a fact: a fixed
intra-op thread count, warm-up, the median of repeated runs with its spread, and several models measured side by
side (interleaved) when they are to be compared.
"""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from kdcore.evaluate import input_size_of
from kdcore.models import create_model
from kdcore.runtime import autocast

DEFAULT_BATCH_SIZES = (1, 256, 1024)

Progress = Callable[[str], None]
"""Called with a short description before each measurement (``"resemotenet: batch 256"``)."""

Timer = Callable[[], float]
"""Seconds from an arbitrary origin (``time.perf_counter``); tests pass a fake one."""


@dataclass(frozen=True)
class ModelSize:
    """How big a model is: trainable parameters and serialized state-dict bytes (fp32 and fp16 weights)."""

    parameters: int
    fp32_bytes: int
    fp16_bytes: int


@dataclass(frozen=True)
class BatchTiming:
    """One batch size: median milliseconds per forward pass, images/s, and peak memory (None on CPU)."""

    batch_size: int
    median_ms: float
    images_per_s: float
    peak_memory_bytes: int | None


@dataclass(frozen=True)
class ModelBenchmark:
    """Everything measured for one model on one device; ``dataclasses.asdict`` gives JSON-ready numbers."""

    model: str
    device: str
    precision: str  # "bf16" (CUDA, autocast) or "fp32"
    size: ModelSize
    timings: list[BatchTiming] = field(default_factory=list)

    def timing(self, batch_size: int) -> BatchTiming | None:
        """The timing at ``batch_size``, or None when it was not measured."""
        return next((t for t in self.timings if t.batch_size == batch_size), None)

    @property
    def latency_ms(self) -> float | None:
        """Median batch-1 latency in milliseconds, when batch 1 was measured."""
        timing = self.timing(1)
        return timing.median_ms if timing else None


def count_parameters(model: nn.Module) -> int:
    """All parameters (the number papers report), frozen ones included: a trained model's EMA copy is frozen."""
    return sum(p.numel() for p in model.parameters())


def state_dict_bytes(model: nn.Module, *, half: bool = False) -> int:
    """Bytes of ``torch.save(state_dict)`` in memory: what a weights-only checkpoint costs on disk."""
    state = {k: v.half() if half and v.is_floating_point() else v for k, v in model.state_dict().items()}
    buffer = io.BytesIO()
    torch.save(state, buffer)
    return buffer.getbuffer().nbytes


def model_size(model: nn.Module) -> ModelSize:
    """Parameters and fp32/fp16 state-dict bytes."""
    return ModelSize(count_parameters(model), state_dict_bytes(model), state_dict_bytes(model, half=True))


def _synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _timed_call(model: nn.Module, x: torch.Tensor, bf16: bool) -> float:
    """Seconds for one forward pass, synchronised on both sides on CUDA."""
    _synchronize(x.device)
    started = time.perf_counter()
    with autocast(x.device, bf16):
        model(x)
    _synchronize(x.device)
    return time.perf_counter() - started


@torch.inference_mode()
def time_batch(
    model: nn.Module, batch_size: int, *, device: torch.device, runs: int = 20, warmup: int = 5
) -> BatchTiming:
    """Median forward time of ``model`` (already on ``device``, eval mode) at one batch size of random input.

    Peak memory is measured from a reset just before this batch size, so it covers weights, the input and the
    activations of one forward pass.
    """
    if runs < 1 or warmup < 0:
        raise ValueError(f"runs must be ≥ 1 and warmup ≥ 0, got runs={runs}, warmup={warmup}")
    cuda = device.type == "cuda"
    size = input_size_of(model)
    x = torch.randn(batch_size, 3, size, size, device=device)
    if cuda:
        x = x.contiguous(memory_format=torch.channels_last)
        torch.cuda.reset_peak_memory_stats(device)
    for _ in range(warmup):
        _timed_call(model, x, cuda)
    median_s = statistics.median(_timed_call(model, x, cuda) for _ in range(runs))
    return BatchTiming(
        batch_size=batch_size,
        median_ms=median_s * 1e3,
        images_per_s=batch_size / max(median_s, 1e-12),
        peak_memory_bytes=int(torch.cuda.max_memory_allocated(device)) if cuda else None,
    )


def benchmark_model(
    model: nn.Module,
    *,
    name: str,
    device: torch.device | str,
    batch_sizes: Sequence[int] = DEFAULT_BATCH_SIZES,
    runs: int = 20,
    warmup: int = 5,
    progress: Progress | None = None,
) -> ModelBenchmark:
    """Size and timings of ``model`` at every batch size; the model is moved to ``device`` and set to eval.

    On CUDA the model is converted to channels-last and run under bf16 autocast; on CPU it stays fp32.
    """
    device = torch.device(device)
    size = model_size(model)  # before any memory-format change, so bytes match a saved checkpoint
    model = model.to(device).eval()
    if device.type == "cuda":
        model = model.to(memory_format=torch.channels_last)
    timings = []
    for batch_size in batch_sizes:
        if progress:
            progress(f"{name}: batch {batch_size}")
        timings.append(time_batch(model, batch_size, device=device, runs=runs, warmup=warmup))
    precision = "bf16" if device.type == "cuda" else "fp32"
    return ModelBenchmark(model=name, device=str(device), precision=precision, size=size, timings=timings)


def benchmark_registered(
    name: str,
    *,
    device: torch.device | str,
    model_kwargs: dict[str, Any] | None = None,
    label: str | None = None,
    batch_sizes: Sequence[int] = DEFAULT_BATCH_SIZES,
    runs: int = 20,
    warmup: int = 5,
    progress: Progress | None = None,
) -> ModelBenchmark:
    """Build a registered model (random weights: speed does not depend on them), benchmark it, free it.

    ``label`` names the result (default: ``name``), e.g. ``mini_resemotenet:0.0625`` for an any-width student.
    Freeing before the next model matters on CUDA: peak memory would otherwise include the previous model.
    """
    model = create_model(name, **(model_kwargs or {}))
    try:
        return benchmark_model(
            model,
            name=label or name,
            device=device,
            batch_sizes=batch_sizes,
            runs=runs,
            warmup=warmup,
            progress=progress,
        )
    finally:
        del model
        if torch.device(device).type == "cuda":
            torch.cuda.empty_cache()


@dataclass(frozen=True)
class LatencyMeasurement:
    """CPU batch-1 latency of one model and how it was measured, so a page can state it as a fact.

    ``median_ms`` is the number to quote; the quartiles and extremes show how steady the runs were, and ``runs``,
    ``warmup`` and ``threads`` say how to repeat it.
    """

    median_ms: float
    p25_ms: float
    p75_ms: float
    min_ms: float
    max_ms: float
    runs: int
    warmup: int
    threads: int
    input_size: int

    @property
    def spread_ms(self) -> float:
        """Interquartile range: how far the middle half of the runs lie apart."""
        return self.p75_ms - self.p25_ms


def _percentile(ordered: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile ``q`` (0 to 1) of values sorted ascending."""
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _summary(seconds: Sequence[float], *, warmup: int, threads: int, input_size: int) -> LatencyMeasurement:
    ordered = sorted(s * 1e3 for s in seconds)
    return LatencyMeasurement(
        median_ms=statistics.median(ordered), p25_ms=_percentile(ordered, 0.25), p75_ms=_percentile(ordered, 0.75),
        min_ms=ordered[0], max_ms=ordered[-1], runs=len(ordered), warmup=warmup, threads=threads,
        input_size=input_size,
    )  # fmt: skip


@contextmanager
def intra_op_threads(threads: int) -> Iterator[None]:
    """Run the block with ``threads`` intra-op threads, then restore the caller's count.

    A fixed count makes CPU timings comparable: with torch's default (every core) a measurement depends on how many
    cores happen to be free.
    """
    if threads < 1:
        raise ValueError(f"threads must be ≥ 1, got {threads}")
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@torch.inference_mode()
def measure_latencies(
    models: Sequence[nn.Module], *, threads: int = 1, runs: int = 20, warmup: int = 5, timer: Timer = time.perf_counter
) -> list[LatencyMeasurement]:
    """CPU batch-1 latency of each model, measured side by side: round by round, one timed call of each in turn.

    Interleaving means a burst of background load slows every model alike, so their order holds even on a busy
    machine; the median of ``runs`` calls after ``warmup`` untimed ones ignores the odd slow call. Models are moved
    to the CPU and set to eval mode. Input: random [1, 3, S, S], S each model's input size.
    """
    if runs < 1 or warmup < 0:
        raise ValueError(f"runs must be ≥ 1 and warmup ≥ 0, got runs={runs}, warmup={warmup}")
    cpu = torch.device("cpu")
    prepared = [model.to(cpu).eval() for model in models]
    inputs = [torch.randn(1, 3, input_size_of(model), input_size_of(model)) for model in prepared]
    samples: list[list[float]] = [[] for _ in prepared]
    with intra_op_threads(threads):
        for round_ in range(warmup + runs):
            for model, x, taken in zip(prepared, inputs, samples, strict=True):
                started = timer()
                model(x)
                elapsed = timer() - started
                if round_ >= warmup:
                    taken.append(elapsed)
    return [
        _summary(taken, warmup=warmup, threads=threads, input_size=int(x.shape[-1]))
        for taken, x in zip(samples, inputs, strict=True)
    ]


def measure_latency(
    model: nn.Module, *, threads: int = 1, runs: int = 20, warmup: int = 5, timer: Timer = time.perf_counter
) -> LatencyMeasurement:
    """CPU batch-1 latency of one model: ``measure_latencies`` of it alone."""
    return measure_latencies([model], threads=threads, runs=runs, warmup=warmup, timer=timer)[0]
