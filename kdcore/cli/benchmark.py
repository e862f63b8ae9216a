"""``benchmark``: size, latency and throughput of registered models, as a markdown table and one JSON line."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from kdcore.benchmark import ModelBenchmark, benchmark_registered
from kdcore.cli._common import CliError, Console, device_from, int_list
from kdcore.config import ANY_WIDTH_MODEL, DEFAULT_INPUT_SIZE, DEVICES, FIXED_WIDTH_MODELS, INPUT_SIZE_RANGE
from kdcore.models import list_models

DEFAULT_MODELS = ",".join(FIXED_WIDTH_MODELS)
MB = 1e6


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``benchmark``."""
    parser = subparsers.add_parser("benchmark", help="parameters, size, latency, throughput and memory")
    parser.add_argument(
        "--models", default=DEFAULT_MODELS, help=f"comma-separated names; any width as {ANY_WIDTH_MODEL}:0.0625"
    )
    parser.add_argument("--device", choices=DEVICES, default="auto")
    parser.add_argument("--batch-sizes", type=int_list, default=(1, 256, 1024), help="e.g. 1,256,1024")
    parser.add_argument("--runs", type=int, default=20, help="timed forward passes per batch size (median)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed passes before timing")
    parser.add_argument("--input-size", type=int, default=DEFAULT_INPUT_SIZE, help="side of the square input")
    parser.set_defaults(handler=run)


def parse_model_spec(spec: str) -> tuple[str, dict[str, Any]]:
    """``name`` or ``name:width`` → (registered name, builder keyword arguments)."""
    name, _, width = spec.strip().partition(":")
    if name not in list_models():
        raise CliError(f"unknown model {name!r}; expected one of {', '.join(list_models())}")
    if name == ANY_WIDTH_MODEL and not width:
        raise CliError(f"{name} needs a width, e.g. {name}:0.0625")
    if width and name != ANY_WIDTH_MODEL:
        raise CliError(f"only {ANY_WIDTH_MODEL} takes a width; {name} has a fixed one")
    try:
        return name, ({"width_mult": float(width)} if width else {})
    except ValueError:
        raise CliError(f"width must be a number in (0, 1], got {width!r}") from None


def markdown_table(results: list[ModelBenchmark]) -> list[str]:
    """Rows of a markdown table: one model per row, one column per batch size."""
    batch_sizes = sorted({t.batch_size for r in results for t in r.timings})
    columns = ["model", "params", "fp32 MB", "fp16 MB"]
    columns += ["batch-1 ms" if b == 1 else f"img/s @{b}" for b in batch_sizes] + ["peak MB (largest batch)"]
    rows = [columns, ["---"] * len(columns)]
    for r in results:
        cells = [r.model, f"{r.size.parameters:,}", f"{r.size.fp32_bytes / MB:.1f}", f"{r.size.fp16_bytes / MB:.1f}"]
        for b in batch_sizes:
            t = r.timing(b)
            cells.append("" if t is None else f"{t.median_ms:.2f}" if b == 1 else f"{t.images_per_s:,.0f}")
        peak = r.timings[-1].peak_memory_bytes if r.timings else None
        cells.append("n/a" if peak is None else f"{peak / MB:.0f}")
        rows.append(cells)
    return ["| " + " | ".join(row) + " |" for row in rows]


def run(args: argparse.Namespace, console: Console) -> int:
    """Benchmark each model in turn (progress on stderr), then print the table and the JSON."""
    if args.runs < 1 or args.warmup < 0:
        raise CliError(f"--runs must be ≥ 1 and --warmup ≥ 0, got {args.runs} and {args.warmup}")
    low, high = INPUT_SIZE_RANGE
    if not low <= args.input_size <= high:
        raise CliError(f"--input-size must be in [{low}, {high}], got {args.input_size}")
    specs = [(spec.strip(), *parse_model_spec(spec)) for spec in args.models.split(",") if spec.strip()]
    device = device_from(args.device)
    results = [
        benchmark_registered(
            name,
            device=device,
            model_kwargs={**kwargs, "input_size": args.input_size},
            label=label,
            batch_sizes=args.batch_sizes,
            runs=args.runs,
            warmup=args.warmup,
            progress=console.err,
        )
        for label, name, kwargs in specs
    ]
    for row in markdown_table(results):
        console.out(row)
    console.json({"event": "benchmark", "results": [asdict(r) for r in results]})
    return 0
