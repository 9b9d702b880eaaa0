"""Transfer study: data split, frozen base, the BatchNorm trap, the offline ImageNet line."""

import json

import numpy as np
import pytest

from dlcourse.errors import DLCourseError
from dlcourse.studies import transfer


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    return transfer.transfer_study("digits", label_fraction=0.1, pretrain_epochs=5, epochs=15,
                                   fine_tune_epochs=2, batch_size=16, online=True,
                                   out_dir=tmp_path_factory.mktemp("transfer"))


def test_rows_and_what_each_trains(study):
    assert [r["run"] for r in study.rows] == ["pretrain", "scratch", "frozen", "fine_tuned_bn_training",
                                              "fine_tuned", "imagenet_frozen"]
    assert study.row("pretrain")["test_accuracy"] > 0.9  # Digits 0-4 from 647 images.
    assert study.row("frozen")["trainable"] == 64 * 5 + 5  # The new head only.
    everything = study.row("scratch")["trainable"]
    assert study.row("fine_tuned_bn_training")["trainable"] == everything
    assert study.row("fine_tuned")["trainable"] == everything - 2 * (16 + 32 + 64)  # gamma, beta stay frozen
    labels = {r["labels"] for r in study.rows[1:5]}
    assert labels == {64}  # 10 % of each target class's ~130 training digits
    for run in ("scratch", "frozen", "fine_tuned"):
        assert study.row(run)["test_accuracy"] > 0.4, study.to_text()  # Chance is 0.2.


def test_the_batchnorm_trap_is_shown_and_avoided(study):
    # Unfrozen BatchNorm rewrites its moving statistics although the base was called with
    # training=False; kept frozen, it does not.
    assert study.row("fine_tuned_bn_training")["moving_stats_changed"] is True
    assert study.row("fine_tuned")["moving_stats_changed"] is False
    assert "BN stats changed" in study.to_text()


def test_table_and_figure_are_written(study):
    saved = json.loads(study.json_path.read_text())
    assert [r["run"] for r in saved["rows"]] == [r["run"] for r in study.rows]
    assert saved["settings"]["label_fraction"] == 0.1
    assert study.figure_path.read_bytes()[:4] == b"\x89PNG"


def test_offline_imagenet_backbone_is_one_line_and_no_download(study):
    row = study.row("imagenet_frozen")
    assert "offline: skipped" in row["skipped"] and "\n" not in row["skipped"]
    assert "imagenet_frozen: ImageNet weights" in study.to_text()


def test_splits_are_disjoint_classes_renumbered_and_stratified():
    source, source_test, target, test = transfer._splits("digits", (0, 1, 2, 3, 4), (5, 6, 7, 8, 9), 0.05, 0, 100)
    assert len(source[0]) == 100 and set(np.unique(source[1])) <= set(range(5))
    assert sorted(np.unique(target[1])) == list(range(5)) and sorted(np.unique(test[1])) == list(range(5))
    assert np.all(np.bincount(target[1]) >= 6)  # ~5 % of ~130 per class, at least one
    assert source[0].dtype == np.uint8 and source[0].shape[1:] == (8, 8, 1)


@pytest.mark.parametrize("kwargs, message", [
    (dict(source_classes=(0, 1), target_classes=(1, 2)), "must be disjoint"),
    (dict(label_fraction=0.0), "`label_fraction` must be in"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(DLCourseError, match=message):
        transfer.transfer_study("digits", **kwargs)
