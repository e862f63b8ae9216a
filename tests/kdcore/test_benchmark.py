"""Inference benchmarks return plain numbers: sizes, per-batch timings, and peak memory on CUDA only."""

from __future__ import annotations

from dataclasses import asdict

import pytest
import torch

from kdcore.benchmark import (
    benchmark_model,
    benchmark_registered,
    measure_latencies,
    measure_latency,
    model_size,
    state_dict_bytes,
    time_batch,
)
from kdcore.models import create_model


def _tiny() -> torch.nn.Module:
    return create_model("mini_resemotenet", width_mult=1 / 16)


def test_it_measures_parameters_and_serialized_size() -> None:
    model = _tiny()
    size = model_size(model)
    assert size.parameters == sum(p.numel() for p in model.parameters())
    assert size.fp32_bytes > 4 * size.parameters
    assert size.fp32_bytes / 2 < size.fp16_bytes < 0.6 * size.fp32_bytes
    assert state_dict_bytes(model) == size.fp32_bytes


def test_a_frozen_model_keeps_its_parameter_count() -> None:
    model = _tiny()  # a trained model's EMA copy is frozen: its size must not read 0
    assert model_size(model.requires_grad_(False)).parameters == sum(p.numel() for p in model.parameters()) > 0


def test_it_times_every_batch_size_on_cpu_in_fp32() -> None:
    notes: list[str] = []
    result = benchmark_model(
        _tiny(), name="tiny", device="cpu", batch_sizes=(1, 8), runs=2, warmup=1, progress=notes.append
    )
    assert (result.model, result.device, result.precision) == ("tiny", "cpu", "fp32")
    assert [t.batch_size for t in result.timings] == [1, 8]
    assert all(t.median_ms > 0 and t.images_per_s > 0 and t.peak_memory_bytes is None for t in result.timings)
    assert result.latency_ms == result.timings[0].median_ms
    assert result.timing(8).images_per_s == pytest.approx(8 / (result.timing(8).median_ms / 1e3))
    assert notes == ["tiny: batch 1", "tiny: batch 8"]
    assert asdict(result)["timings"][1]["batch_size"] == 8


def test_it_builds_registered_models_by_name() -> None:
    result = benchmark_registered(
        "mini_resemotenet",
        model_kwargs={"width_mult": 1 / 16},
        label="tiny",
        device="cpu",
        batch_sizes=(2,),
        runs=1,
        warmup=0,
    )
    assert result.model == "tiny"
    assert result.latency_ms is None


def test_it_rejects_zero_runs() -> None:
    with pytest.raises(ValueError, match="runs must be ≥ 1"):
        time_batch(_tiny(), 1, device=torch.device("cpu"), runs=0)


@pytest.mark.gpu
def test_it_reports_bf16_and_peak_memory_on_cuda() -> None:
    result = benchmark_registered("mini_resemotenet_c", device="cuda", batch_sizes=(1, 256), runs=3, warmup=2)
    assert result.precision == "bf16"
    peaks = [t.peak_memory_bytes for t in result.timings]
    assert all(isinstance(p, int) and p > result.size.fp32_bytes // 2 for p in peaks)
    assert peaks[1] >= peaks[0]


class _FakeTimer:
    """A timer whose every other reading (the end of a call) adds the next duration: outliers on demand."""

    def __init__(self, durations_s: list[float]) -> None:
        self.durations, self.now, self.ends = iter(durations_s), 0.0, False

    def __call__(self) -> float:
        if self.ends:
            self.now += next(self.durations)
        self.ends = not self.ends
        return self.now


class _ThreadSpy(torch.nn.Module):
    """A stand-in model that records the intra-op thread count it runs under."""

    input_size = 8

    def __init__(self) -> None:
        super().__init__()
        self.linear = torch.nn.Linear(8, 2)
        self.threads: list[int] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.threads.append(torch.get_num_threads())
        return self.linear(x.mean(dim=(1, 2)))


def test_a_latency_is_the_median_of_repeated_runs_so_one_slow_call_does_not_move_it() -> None:
    # 2 warm-up calls (slow, ignored), then 9 timed ones at 2 ms with two background stalls of 500 ms.
    durations = [0.9, 0.9] + [0.002] * 4 + [0.5] + [0.002] * 3 + [0.5]
    measured = measure_latency(_ThreadSpy(), runs=9, warmup=2, timer=_FakeTimer(durations))
    assert measured.median_ms == pytest.approx(2.0)
    assert (measured.runs, measured.warmup, measured.threads, measured.input_size) == (9, 2, 1, 8)
    assert measured.min_ms == pytest.approx(2.0)
    assert measured.max_ms == pytest.approx(500.0)
    assert measured.spread_ms == pytest.approx(0.0)  # the middle half of the runs agree


def test_it_measures_on_a_fixed_thread_count_and_restores_the_callers() -> None:
    model, before = _ThreadSpy(), torch.get_num_threads()
    measure_latency(model, threads=1, runs=3, warmup=1)
    assert model.threads == [1, 1, 1, 1]
    assert torch.get_num_threads() == before


def test_side_by_side_runs_interleave_so_a_load_burst_slows_every_model_alike() -> None:
    first, second = _ThreadSpy(), _ThreadSpy()
    # Rounds alternate first, second; a burst (+100 ms) hits round 2 for both, as it would on a busy machine.
    durations = [0.001, 0.003, 0.101, 0.103, 0.001, 0.003]
    a, b = measure_latencies([first, second], runs=3, warmup=0, timer=_FakeTimer(durations))
    assert (a.median_ms, b.median_ms) == (pytest.approx(1.0), pytest.approx(3.0))
    assert len(first.threads) == len(second.threads) == 3


def test_it_refuses_a_thread_count_below_one() -> None:
    with pytest.raises(ValueError, match="threads must be ≥ 1, got 0"):
        measure_latency(_ThreadSpy(), threads=0)
