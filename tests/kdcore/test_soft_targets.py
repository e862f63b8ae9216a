"""Soft targets: ensemble logits from saved checkpoints, the CLI's saved file, and the split checksum."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
import torch

from kdcore.checkpoint import load_checkpoint, save_checkpoint
from kdcore.config import AugmentConfig, DataConfig, DistillConfig, TrainConfig
from kdcore.data import FaceArrays, leave_out_fold, split_checksum, train_folds
from kdcore.evaluate import predict_logits
from kdcore.models import create_model
from kdcore.soft_targets import ensemble_logits, member_logits, out_of_fold_logits, save_soft_targets
from kdcore.train import fit
from kdcore.train.data import load_device_data

ROOT = Path(__file__).resolve().parents[2]


def _script():  # experiments/ is not a package: load the CLI by path
    spec = importlib.util.spec_from_file_location("soft_targets_cli", ROOT / "experiments" / "soft_targets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_split_checksum_tracks_pixels_and_labels(stripes: FaceArrays) -> None:
    base = split_checksum(stripes, "train")
    assert base == split_checksum(stripes, "train")
    assert base != split_checksum(stripes, "val")
    images, labels = stripes.images.copy(), stripes.labels.copy()
    images[0, 0, 0] ^= 1
    assert split_checksum(FaceArrays(images, stripes.labels, stripes.splits, stripes.names), "train") != base
    labels[0] = 1 - labels[0]
    assert split_checksum(FaceArrays(stripes.images, labels, stripes.splits, stripes.names), "train") != base


def test_ensemble_and_saved_file(tmp_path: Path, stripes: FaceArrays, make_config) -> None:
    paths = []
    for seed, size in [(0, 48), (1, 40)]:
        torch.manual_seed(seed)
        model = create_model("mini_resemotenet", width_mult=1 / 16, num_classes=2, input_size=size)
        config = make_config(input_size=size).to_dict()
        paths.append(
            save_checkpoint(tmp_path / f"m{seed}.pt", model, config, {"class_names": list(stripes.class_names)})
        )
    models = [load_checkpoint(path)[0] for path in paths]
    train = stripes.split("train")

    members = member_logits(models, stripes, "train", "cpu", batch_size=16)
    assert members.shape == (2, len(train), 2)
    assert members.dtype == np.float32
    images = torch.from_numpy(train.images)
    direct = predict_logits(models[1], images, bf16=False, tta_flip=True).numpy()
    np.testing.assert_allclose(members[1], direct, atol=1e-5)
    np.testing.assert_allclose(ensemble_logits(models, stripes, "train", "cpu", 16), members.mean(0), atol=1e-6)

    npz = tmp_path / "arrays.npz"
    stripes.save_npz(npz)
    out = _script().main(["--arrays", str(npz), "--checkpoints", *map(str, paths), "--out", str(tmp_path / "st.npz"),
                          "--device", "cpu", "--batch-size", "16"])  # fmt: skip
    with np.load(out) as saved:
        assert saved["logits"].dtype == np.float16
        assert saved["logits"].shape == (len(train), 2)
        np.testing.assert_allclose(saved["logits"], members.mean(0), atol=1e-2)
        np.testing.assert_array_equal(saved["labels"], train.labels)
        assert str(saved["split"]) == "train"
        assert saved["members"].tolist() == [str(p) for p in paths]
        assert saved["member_val_acc"].shape == (2,)
        assert str(saved["checksum"]) == split_checksum(stripes, "train")


def test_distil_from_stored_soft_targets(tmp_path: Path, stripes: FaceArrays, make_config) -> None:
    """With α = 1 only the stored logits teach: right soft targets beat wrong training labels."""
    is_train = stripes.splits == 0  # split code of "train"
    wrong = np.where(is_train, 1 - stripes.labels, stripes.labels)  # every training label flipped
    arrays = FaceArrays(stripes.images, wrong, stripes.splits, stripes.names, stripes.class_names)
    truth = stripes.split("train").labels
    path = save_soft_targets(tmp_path / "st.npz", np.eye(2, dtype=np.float32)[truth] * 8.0, arrays, "train")
    distill = DistillConfig(soft_targets=str(path), temperature=2.0, alpha=1.0)
    result = fit(make_config(epochs=6, batch_size=16, lr=1e-2, distill=distill), arrays=arrays)
    assert result.val is not None
    assert result.val.accuracy >= 0.8  # val labels are the true ones
    assert result.config["distill"]["soft_targets"] == str(path)


def test_distil_from_stored_soft_targets_with_cutmix(tmp_path: Path, stripes: FaceArrays, make_config) -> None:
    """Mixed images get the stored targets mixed alike, so the right targets still win over flipped labels."""
    is_train = stripes.splits == 0
    wrong = np.where(is_train, 1 - stripes.labels, stripes.labels)
    arrays = FaceArrays(stripes.images, wrong, stripes.splits, stripes.names, stripes.class_names)
    truth = stripes.split("train").labels
    path = save_soft_targets(tmp_path / "st.npz", np.eye(2, dtype=np.float32)[truth] * 8.0, arrays, "train")
    distill = DistillConfig(soft_targets=str(path), temperature=2.0, alpha=1.0)
    augment = AugmentConfig(cutmix_alpha=1.0, mix_prob=1.0)
    result = fit(make_config(epochs=8, batch_size=16, lr=1e-2, distill=distill, augment=augment), arrays=arrays)
    assert result.val is not None
    assert result.val.accuracy >= 0.8


def test_soft_targets_of_other_images_are_refused(tmp_path: Path, stripes: FaceArrays, make_config) -> None:
    train = stripes.split("train")
    path = save_soft_targets(tmp_path / "st.npz", np.zeros((len(train), 2), np.float32), stripes, "train")
    labels = stripes.labels.copy()
    labels[0] = 1 - labels[0]
    other = FaceArrays(stripes.images, labels, stripes.splits, stripes.names, stripes.class_names)
    with pytest.raises(ValueError, match="other training images"):
        fit(make_config(epochs=1, distill=DistillConfig(soft_targets=str(path))), arrays=other)
    val = save_soft_targets(tmp_path / "val.npz", np.zeros((len(stripes.split("val")), 2)), stripes, "val")
    with pytest.raises(ValueError, match="'val' split"):
        fit(make_config(epochs=1, distill=DistillConfig(soft_targets=str(val))), arrays=stripes)
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="not a soft-targets file"):
        fit(make_config(epochs=1, distill=DistillConfig(soft_targets=str(tmp_path / "junk.npz"))), arrays=stripes)


def test_soft_targets_config_errors() -> None:
    both = DistillConfig(teacher_checkpoints=("t.pt",), soft_targets="st.npz")
    assert "not both" in TrainConfig(distill=both).errors()["distill.teacher_checkpoints"]
    assert "at least one" in TrainConfig(distill=DistillConfig()).errors()["distill.teacher_checkpoints"]
    assert TrainConfig(distill=DistillConfig(soft_targets="st.npz")).errors() == {}
    mixed = TrainConfig(distill=DistillConfig(soft_targets="st.npz"), augment=AugmentConfig(cutmix_alpha=1.0))
    assert mixed.errors() == {}  # stored targets are mixed as the images are


def test_train_folds_are_stratified_seeded_and_leave_one_out(stripes: FaceArrays) -> None:
    train = stripes.split("train")
    folds = train_folds(stripes, 4)
    np.testing.assert_array_equal(folds, train_folds(stripes, 4))
    for label in (0, 1):
        assert np.bincount(folds[train.labels == label], minlength=4).tolist() == [16, 16, 16, 16]
    rest = leave_out_fold(stripes, 4, 2)
    assert len(rest.split("train")) == len(train) - 32
    assert set(rest.split("train").names) == {n for n, f in zip(train.names, folds, strict=True) if f != 2}
    assert rest.split("val").names == stripes.split("val").names
    assert rest.split("test").names == stripes.split("test").names
    with pytest.raises(ValueError, match="at least 2"):
        train_folds(stripes, 1)


def test_a_fold_run_trains_without_its_fold(stripes: FaceArrays, make_config) -> None:
    cfg = make_config(data=DataConfig(image_size=48, folds=4, fold=1))
    data = load_device_data(cfg.data, torch.device("cpu"), arrays=stripes)
    assert data.train_checksum == ""  # only distillation from stored soft targets pays for the hash
    assert len(data.train) == len(stripes.split("train")) * 3 // 4
    assert len(data.val) == len(stripes.split("val"))
    assert DataConfig(folds=1).errors()["data.folds"] == "must be 0 or 2–20, got 1"
    assert "data.fold" in DataConfig(folds=4, fold=4).errors()


def test_out_of_fold_targets_come_only_from_members_that_left_the_face_out(stripes: FaceArrays) -> None:
    torch.manual_seed(0)
    models = [create_model("mini_resemotenet", width_mult=1 / 16, num_classes=2) for _ in range(2)]
    logits = out_of_fold_logits(models, [(2, 0), (2, 1)], stripes, "cpu", batch_size=32)
    full = member_logits(models, stripes, "train", "cpu", batch_size=32)
    fold = train_folds(stripes, 2)
    np.testing.assert_allclose(logits[fold == 0], full[0][fold == 0], atol=1e-5)
    np.testing.assert_allclose(logits[fold == 1], full[1][fold == 1], atol=1e-5)
    with pytest.raises(ValueError, match="in no member's held-out fold"):
        out_of_fold_logits(models[:1], [(2, 0)], stripes, "cpu")
    with pytest.raises(ValueError, match="every training image"):
        out_of_fold_logits(models[:1], [(0, 0)], stripes, "cpu")


def test_the_cli_stores_out_of_fold_targets(tmp_path: Path, stripes: FaceArrays, make_config) -> None:
    paths = []
    for fold in (0, 1):
        torch.manual_seed(fold)
        model = create_model("mini_resemotenet", width_mult=1 / 16, num_classes=2)
        config = make_config(data=DataConfig(image_size=48, folds=2, fold=fold)).to_dict()
        meta = {"class_names": list(stripes.class_names)}
        paths.append(save_checkpoint(tmp_path / f"fold{fold}.pt", model, config, meta))
    npz = tmp_path / "arrays.npz"
    stripes.save_npz(npz)
    args = ["--arrays", str(npz), "--device", "cpu", "--out-of-fold"]
    out = _script().main([*args, "--checkpoints", *map(str, paths), "--out", str(tmp_path / "oof.npz")])
    expected = out_of_fold_logits([load_checkpoint(p)[0] for p in paths], [(2, 0), (2, 1)], stripes, "cpu")
    with np.load(out) as saved:
        np.testing.assert_allclose(saved["logits"], expected, atol=1e-2)
        assert bool(saved["out_of_fold"])
    with pytest.raises(SystemExit, match="in no member's held-out fold"):
        _script().main([*args, "--checkpoints", str(paths[0]), "--out", str(tmp_path / "x.npz")])
