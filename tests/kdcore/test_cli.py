"""``python -m kdcore``: each subcommand run in-process, reading what it wrote; error exits through __main__."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kdcore.__main__ import run as main_run
from kdcore.checkpoint import load_checkpoint
from kdcore.cli import CliError, Console, main
from kdcore.config import TrainConfig
from kdcore.data import CLASS_NAMES, FaceArrays

HAPPY, SAD = CLASS_NAMES.index("happy"), CLASS_NAMES.index("sad")
USAGE = {0: "Training", 1: "PublicTest", 2: "PrivateTest"}


class Captured:
    """A Console whose two streams are lists of lines."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.err: list[str] = []
        self.console = Console(out=self.out.append, err=self.err.append)

    def json_lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.out if line.startswith("{")]


def _cli(*argv: str | Path) -> tuple[int, Captured]:
    captured = Captured()
    return main([str(a) for a in argv], captured.console), captured


def _write_fer_csv(arrays: FaceArrays, path: Path) -> Path:
    """The stripes as a FER2013 CSV: horizontal → happy, vertical → sad."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["emotion", "pixels", "Usage"])
        for image, label, split in zip(arrays.images, arrays.labels, arrays.splits, strict=True):
            writer.writerow([(HAPPY, SAD)[label], " ".join(map(str, image.ravel())), USAGE[int(split)]])
    return path


@pytest.fixture(scope="module")
def fer_csv(stripes: FaceArrays, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write_fer_csv(stripes, tmp_path_factory.mktemp("data") / "fer.csv")


@pytest.fixture(scope="module")
def run_json(make_config: Callable[..., TrainConfig], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("config") / "run.json"
    path.write_text(json.dumps(make_config(epochs=3, batch_size=16, lr=1e-2).to_dict()))
    return path


@pytest.fixture(scope="module")
def trained_dir(fer_csv: Path, run_json: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Captured]:
    out = tmp_path_factory.mktemp("run")
    code, captured = _cli("train", "--config", run_json, "--data", fer_csv, "--epochs", "2", "--out", out)
    assert code == 0
    return out, captured


def test_it_prints_one_json_line_per_epoch_and_a_summary(trained_dir: tuple[Path, Captured]) -> None:
    out, captured = trained_dir
    lines = captured.json_lines()
    assert [line["event"] for line in lines] == ["epoch", "epoch", "summary"]
    assert [line["epoch"] for line in lines[:2]] == [1, 2]
    assert lines[0]["epochs"] == 2  # the flag overrode the file's 3
    assert lines[-1]["checkpoint"] == str(out / "best.pt")
    assert lines[-1]["test"]["count"] == 32
    assert (out / "best.pt").exists()
    assert (out / "last.pt").exists()


def test_it_evaluates_a_checkpoint_deterministically(trained_dir: tuple[Path, Captured], fer_csv: Path) -> None:
    out, _ = trained_dir
    args = ("evaluate", "--checkpoint", out / "best.pt", "--data", fer_csv, "--device", "cpu")
    (code, first), (_, second) = _cli(*args), _cli(*args)
    assert code == 0
    assert first.out == second.out
    metrics = first.json_lines()[0]
    assert metrics["split"] == "test"
    assert metrics["count"] == 32
    assert not metrics["tta_flip"]
    assert 0 <= metrics["accuracy"] <= 1
    _, flipped = _cli(*args, "--split", "val", "--tta-flip")
    assert flipped.json_lines()[0]["tta_flip"]
    assert flipped.json_lines()[0]["split"] == "val"


def test_it_distils_from_a_trained_teacher(
    trained_dir: tuple[Path, Captured], fer_csv: Path, run_json: Path, tmp_path: Path
) -> None:
    out, _ = trained_dir
    flags = ["--teacher", out / "best.pt", "--temperature", "2", "--alpha", "0.5", "--method", "dkd"]
    code, captured = _cli(
        "distill", "--config", run_json, "--data", fer_csv, "--epochs", "1", "--out", tmp_path, *flags
    )
    assert code == 0
    assert captured.json_lines()[-1]["event"] == "summary"
    _, config, _ = load_checkpoint(tmp_path / "best.pt")
    assert config["distill"]["teacher_checkpoints"] == [str(out / "best.pt")]
    assert (config["distill"]["method"], config["distill"]["temperature"], config["distill"]["alpha"]) == (
        "dkd",
        2,
        0.5,
    )
    assert json.loads(run_json.read_text())["distill"] is None  # the flags made the section, not the file


def test_it_exports_a_checkpoint_with_a_parity_check(trained_dir: tuple[Path, Captured], tmp_path: Path) -> None:
    out, _ = trained_dir
    code, captured = _cli(
        "export", "--checkpoint", out / "best.pt", "--format", "torchscript", "--out", tmp_path / "model.pt"
    )
    report = captured.json_lines()[0]
    assert code == 0
    assert report["parity_ok"]
    assert report["max_abs_diff"] < 1e-4
    assert report["bytes"] == (tmp_path / "model.pt").stat().st_size


def test_it_benchmarks_as_a_table_and_json() -> None:
    code, captured = _cli(
        "benchmark",
        "--models",
        "mini_resemotenet:0.0625",
        "--device",
        "cpu",
        "--batch-sizes",
        "1,4",
        "--runs",
        "1",
        "--warmup",
        "0",
    )
    assert code == 0
    assert captured.out[0].startswith("| model | params | fp32 MB | fp16 MB | batch-1 ms | img/s @4 |")
    assert captured.out[2].startswith("| mini_resemotenet:0.0625 |")
    results = captured.json_lines()[0]["results"]
    assert [t["batch_size"] for t in results[0]["timings"]] == [1, 4]
    assert captured.err == ["mini_resemotenet:0.0625: batch 1", "mini_resemotenet:0.0625: batch 4"]


def test_it_lists_models_with_parameter_counts() -> None:
    code, captured = _cli("models")
    rows = {row["name"]: row["parameters"] for row in captured.json_lines()}
    assert code == 0
    assert rows["resemotenet"] == 80_238_599
    assert rows["mini_resemotenet_c"] == 1_257_991


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["benchmark", "--models", "mini_resemotenet"], "needs a width"),
        (["benchmark", "--models", "vgg16"], "unknown model 'vgg16'"),
        (["benchmark", "--models", "mini_resemotenet_a:0.3"], "only mini_resemotenet takes a width"),
    ],
)
def test_it_rejects_bad_benchmark_arguments(argv: list[str], message: str) -> None:
    with pytest.raises(CliError, match=message):
        _cli(*argv)


@pytest.mark.parametrize("sizes", ["1,x", "0,4", ""])
def test_it_rejects_bad_batch_sizes_as_a_usage_error(sizes: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        _cli("benchmark", "--batch-sizes", sizes)
    assert info.value.code == 2
    assert "expected comma-separated positive integers" in capsys.readouterr().err


def test_it_refuses_to_train_a_distillation_config(tmp_path: Path) -> None:
    config = tmp_path / "run.json"
    config.write_text(json.dumps({"distill": {"teacher_checkpoints": ["t.pt"]}}))
    with pytest.raises(CliError, match="kdcore distill"):
        _cli("train", "--config", config, "--out", tmp_path)


def test_it_exits_2_with_the_field_errors_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main_run(["train", "--data", "x.csv", "--epochs", "0", "--lr", "-1", "--out", str(tmp_path)])
    error = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert code == 2
    assert error["type"] == "ConfigError"
    assert set(error["errors"]) >= {"epochs", "lr"}


def test_it_exits_2_for_a_missing_checkpoint(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main_run(["export", "--checkpoint", str(tmp_path / "none.pt"), "--format", "onnx", "--out", "x.onnx"])
    assert code == 2
    assert "cannot read checkpoint" in json.loads(capsys.readouterr().err)["error"]
