"""The interpretation studies run end to end on digits with tiny budgets."""

import json

import numpy as np
import pytest

from dlcourse import studies
from dlcourse.errors import DLCourseError

FAST = dict(dataset="digits", epochs=2, seed=0)


def test_robustness_study_tabulates_accuracy_against_eps(tmp_path):
    # The MLP: cnn_fast's BatchNorm statistics need more steps than a test can pay for
    # (the adversarial recipe's gain is tested in tests/interpret).
    result = studies.robustness_study(dataset="digits", recipes=("mlp",), epochs=10, n_test=120,
                                      epsilons=(0.0, 0.05, 0.15), pgd_steps=5, out_dir=tmp_path)
    assert [(r["recipe"], r["eps"]) for r in result.rows] == [("mlp", 0.0), ("mlp", 0.05), ("mlp", 0.15)]
    for row in result.rows:
        assert row["pgd"] <= row["fgsm"] + 1e-9  # PGD is at least as strong at every eps.
    clean, _, strongest = result.rows
    assert clean["fgsm"] == clean["pgd"] == clean["clean"] > 0.8
    assert strongest["pgd"] < clean["clean"] - 0.3
    assert "PGD-5" in result.to_text().splitlines()[0]
    assert result.figures["accuracy_vs_eps"].stat().st_size > 1000
    assert json.loads(result.json_path.read_text())["settings"]["n_test"] == 120


def test_depth_study_separates_the_classes_with_depth(tmp_path):
    result = studies.depth_study(**FAST, n=200, methods=("pca",), out_dir=tmp_path)
    assert [r["layer"] for r in result.rows] == ["input", "hidden_1", "hidden_2", "logits"]
    assert result.rows[-1]["separation"] > result.rows[0]["separation"]
    assert result.figures["depth_pca"].stat().st_size > 1000


def test_small_net_study_draws_each_unit(tmp_path):
    result = studies.small_net_study("digits", classes=(0, 1, 2, 3), units=8, epochs=10, out_dir=tmp_path)
    assert len(result.rows) == 8
    assert result.settings["test_accuracy"] > 0.8
    assert {r["favours"] for r in result.rows} <= {"0", "1", "2", "3"}
    assert result.figures["small_net_weights"].stat().st_size > 1000
    with pytest.raises(DLCourseError, match="at least two classes"):
        studies.small_net_study("digits", classes=(3,), out_dir=tmp_path)


@pytest.mark.slow  # Keras traces two 20-layer ResNets (train and test steps): ~30 s of CPU here.
def test_landscape_study_compares_skips_and_no_skips(tmp_path):
    result = studies.landscape_study(**FAST, n=64, steps=5, radius=1.0, out_dir=tmp_path)
    assert [r["network"] for r in result.rows] == ["with skips", "without skips"]
    for row in result.rows:
        assert np.isfinite(row["loss_0"]) and row["loss_edge"] > row["loss_0"]
    saved = json.loads(result.json_path.read_text())["settings"]
    assert np.array(saved["surfaces"]["with skips"]["losses"]).shape == (5, 5)
    for name in ("landscape_1d", "landscape_2d"):
        assert result.figures[name].stat().st_size > 1000
