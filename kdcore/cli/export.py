"""``export``: a checkpoint as TorchScript or ONNX, with its parity against eager PyTorch."""

from __future__ import annotations

import argparse
from pathlib import Path

from kdcore.checkpoint import load_checkpoint
from kdcore.cli._common import Console
from kdcore.export import DEFAULT_OPSET, EXPORT_FORMATS, check_parity, export_onnx, export_torchscript

DEFAULT_TOLERANCE = 1e-4


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``export``."""
    parser = subparsers.add_parser("export", help="write a TorchScript or ONNX artifact and check its parity")
    parser.add_argument("--checkpoint", type=Path, required=True)
    parser.add_argument("--format", choices=EXPORT_FORMATS, required=True)
    parser.add_argument("--out", type=Path, required=True, help="artifact path (.onnx or .pt)")
    parser.add_argument("--opset", type=int, default=DEFAULT_OPSET, help="ONNX opset")
    parser.add_argument("--legacy-onnx", action="store_true", help="use torch's deprecated TorchScript-based exporter")
    parser.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE, help="largest allowed |Δlogit|")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, console: Console) -> int:
    """Export on CPU in fp32, check parity at batch 1 and 4; exit status 1 when parity fails."""
    model, config, meta = load_checkpoint(args.checkpoint, device="cpu")
    if args.format == "onnx":
        names = meta.get("class_names") or ()
        path = export_onnx(model, args.out, opset=args.opset, dynamo=not args.legacy_onnx, class_names=names)
    else:
        path = export_torchscript(model, args.out)
    diff = check_parity(model, path, args.format)
    ok = diff <= args.tolerance
    console.json(
        {
            "format": args.format,
            "path": str(path),
            "bytes": path.stat().st_size,
            "model": config.get("model"),
            "max_abs_diff": diff,
            "tolerance": args.tolerance,
            "parity_ok": ok,
        }
    )
    return 0 if ok else 1
