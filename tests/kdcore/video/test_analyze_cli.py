"""``python -m kdcore analyze``: rows to CSV or JSON lines, progress on stderr, one summary line on stdout."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import torch

from kdcore.checkpoint import save_checkpoint
from kdcore.cli import CliError, Console, main
from kdcore.config import ConfigError, TrainConfig
from kdcore.data import CLASS_NAMES
from tests.kdcore.video.clips import needs_samples, sample

pytestmark = needs_samples


@pytest.fixture(scope="module")
def checkpoint(
    tmp_path_factory: pytest.TempPathFactory, tiny_model: torch.nn.Module, make_config: Callable[..., TrainConfig]
) -> Path:
    """The tiny stand-in saved as ``fit`` would save it (7 classes, 48 px input)."""
    path = tmp_path_factory.mktemp("ckpt") / "tiny.pt"
    config = make_config(input_size=48).to_dict()
    return save_checkpoint(path, tiny_model, config, {"class_names": list(CLASS_NAMES)})


def _run(*argv: str) -> tuple[list[str], list[str]]:
    out: list[str] = []
    err: list[str] = []
    assert main(["analyze", *argv], Console(out=out.append, err=err.append)) == 0
    return out, err


def test_it_writes_a_csv_row_per_frame_and_prints_a_summary(tmp_path: Path, checkpoint: Path) -> None:
    rows_path = tmp_path / "rows.csv"
    video = str(sample("single_face.mp4"))
    out, err = _run(video, "--checkpoint", str(checkpoint), "--device", "cpu", "--out", str(rows_path),
                    "--analysis-width", "160", "--moments-dir", str(tmp_path / "moments"))  # fmt: skip
    with rows_path.open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 72
    assert list(rows[0])[:7] == ["frame", "time_s", "track", "x", "y", "w", "h"]
    assert {row["track"] for row in rows} == {"0"}
    summary = json.loads(out[-1])
    assert summary["event"] == "summary"
    assert summary["frames"] == 72
    assert summary["tracks"][0]["dominant"] in CLASS_NAMES
    assert summary["settings"]["analysis_width"] == 160
    assert len(list((tmp_path / "moments").glob("track0_*.jpg"))) == len(summary["moments"])
    assert all(json.loads(line)["event"] == "progress" for line in err)


def test_it_writes_json_lines_with_nulls_for_faceless_frames(tmp_path: Path, checkpoint: Path) -> None:
    rows_path = tmp_path / "rows.jsonl"
    _run(str(sample("no_face.mp4")), "--checkpoint", str(checkpoint), "--device", "cpu", "--out", str(rows_path),
         "--analysis-width", "160")  # fmt: skip
    rows = [json.loads(line) for line in rows_path.read_text().splitlines()]
    assert len(rows) == 95
    assert rows[0]["track"] == -1
    assert rows[0]["happy"] is None
    assert rows[0]["x"] is None


def test_it_refuses_an_unknown_output_format(tmp_path: Path) -> None:
    with pytest.raises(CliError, match=r"--out must end in \.csv or \.jsonl"):
        _run(str(sample("single_face.mp4")), "--out", str(tmp_path / "rows.parquet"))


def test_it_names_a_bad_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="detect_every"):
        _run(str(sample("single_face.mp4")), "--detect-every", "0")
