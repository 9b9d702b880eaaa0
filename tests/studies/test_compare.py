"""`compare`: the same recipe, data and seed trained once per optimiser, tabulated."""

import json

import numpy as np
import pytest

from dlcourse.errors import DLCourseError
from dlcourse.studies import DEFAULT_LEARNING_RATES, compare
from dlcourse.studies.compare import epochs_to_target

SETTINGS = dict(epochs=2, target=0.3, jit_compile=False)  # XLA compiling would cost more than training.
CHANCE, MARGIN = 0.1, 0.25  # 10 digit classes; measured after 2 epochs: 0.46 to 0.66.


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    out = tmp_path_factory.mktemp("compare")
    return compare("mlp", "digits", optimizers=("sgd", "adam"), out_dir=out, **SETTINGS), out


def test_one_row_per_optimizer_with_finite_metrics(comparison):
    result, _ = comparison
    assert [(r["optimizer"], r["schedule"]) for r in result.rows] == [("sgd", "constant"), ("adam", "constant")]
    for row in result.rows:
        assert row["status"] == "ok"
        assert row["learning_rate"] == DEFAULT_LEARNING_RATES[row["optimizer"]]
        for key in ("train_loss", "val_loss", "wall_seconds"):
            assert np.isfinite(row[key]) and row[key] > 0
        for key in ("train_accuracy", "val_accuracy", "test_accuracy"):
            assert CHANCE + MARGIN < row[key] <= 1.0, (row["optimizer"], key, row[key])
        history = result.histories[f"{row['optimizer']}/constant"]
        assert len(history["val_accuracy"]) == 2
        assert row["val_loss"] == history["val_loss"][-1]
        assert row["epochs_to_target"] == epochs_to_target(history["val_accuracy"], 0.3)


def test_table_text_has_a_header_and_a_line_per_run(comparison):
    result, _ = comparison
    lines = result.to_text().splitlines()
    assert lines[0].split()[:3] == ["optimizer", "schedule", "lr"]
    assert lines[2].split()[:3] == ["sgd", "constant", "0.05"]
    assert lines[3].split()[:3] == ["adam", "constant", "0.001"]
    assert len({len(line) for line in lines[:4]}) == 1  # Aligned columns.
    assert f"{result.rows[1]['val_loss']:.4f}" in lines[3]


def test_figure_and_json_are_written(comparison):
    result, out = comparison
    assert result.figure_path == out / "comparison.png"
    assert result.figure_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    saved = json.loads(result.json_path.read_text())
    assert saved["rows"] == result.rows
    assert saved["settings"]["dataset"] == "digits" and saved["settings"]["epochs"] == 2
    assert set(saved["histories"]) == {"sgd/constant", "adam/constant"}
    assert (out / "adam-constant" / "metrics.json").is_file()


def test_same_seed_gives_identical_results(comparison, tmp_path):
    result, _ = comparison
    again = compare("mlp", "digits", optimizers=("adam",), out_dir=tmp_path, **SETTINGS)
    assert again.histories["adam/constant"] == result.histories["adam/constant"]
    assert again.rows[0]["test_accuracy"] == result.rows[1]["test_accuracy"]


def test_epochs_to_target():
    assert epochs_to_target([0.2, 0.5, 0.7, 0.6], 0.5) == 2
    assert epochs_to_target([0.2, 0.4], 0.5) is None
    assert epochs_to_target([0.2, 0.4], None) is None


@pytest.mark.parametrize("kwargs, message", [
    (dict(optimizers=("sgd", "adamm")), "Unknown optimizers"),
    (dict(schedules=("cosin",)), "Unknown schedules"),
    (dict(optimizers=("sgd", "sgd")), "twice"),
    (dict(target=1.5), "`target`"),
    (dict(optimizer="adam"), "set per run"),
])
def test_bad_arguments_raise_before_training(kwargs, message, tmp_path):
    with pytest.raises(DLCourseError, match=message):
        compare("mlp", "digits", out_dir=tmp_path, **kwargs)
    assert not any(tmp_path.iterdir())


def test_a_diverging_run_is_a_row_not_a_crash(tmp_path):
    result = compare("mlp", "digits", optimizers=("sgd",), epochs=1, learning_rates={"sgd": 1e6},
                     out_dir=tmp_path, jit_compile=False)
    row = result.rows[0]
    assert row["status"].startswith("diverged: Training stopped: the loss became nan")
    assert row["val_accuracy"] is None and row["epochs_to_target"] is None
    assert result.to_text().splitlines()[2].split()[3:] == ["-"] * 7
