"""The CNN study: runs through the runner, tabulates, draws; CIFAR-10 when present."""

import json

import numpy as np
import pytest

from dlcourse import data, models
from dlcourse.errors import DLCourseError
from dlcourse.studies import cnn


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A `$DLCOURSE_DATA_DIR` the test fills; the dataset cache is cleared around it."""
    root = tmp_path / "data"
    root.mkdir()
    monkeypatch.setenv("DLCOURSE_DATA_DIR", str(root))
    data.clear_cache()
    yield root
    data.clear_cache()


def test_fc_adam_fc_sgd_and_small_cnn_on_digits_tabulate_and_draw(tmp_path):
    result = cnn.cnn_study("digits", runs=("fc_adam", "fc_sgd", "small_cnn"), epochs=2, out_dir=tmp_path / "study")
    rows = {row["run"]: row for row in result.rows}
    assert list(rows) == ["fc_adam", "fc_sgd", "small_cnn"]
    assert rows["fc_adam"]["parameters"] == rows["fc_sgd"]["parameters"] \
        == models.build_cifar_fc((8, 8, 1), 10).count_params()
    assert rows["small_cnn"]["parameters"] == models.build_cifar_cnn((8, 8, 1), 10).count_params()
    # Only the optimiser differs between the two fully connected rows.
    assert (rows["fc_adam"]["optimizer"], rows["fc_sgd"]["optimizer"], rows["fc_sgd"]["learning_rate"]) \
        == ("adam", "sgd", 0.01)
    assert rows["fc_adam"]["test_accuracy"] > 0.6, rows  # Adam on the MLP learns digits in 2 epochs.
    for row in rows.values():
        assert row["epochs"] == 2 and row["seconds_per_epoch"] > 0
        assert 0.0 <= row["train_accuracy"] <= 1.0 and 0.0 <= row["val_accuracy"] <= 1.0
    assert len(result.histories["small_cnn"]["val_accuracy"]) == 2
    assert result.figure_path.read_bytes()[:4] == b"\x89PNG"
    saved = json.loads(result.json_path.read_text())
    assert saved["settings"]["dataset"] == "digits" and len(saved["rows"]) == 3
    text = result.to_text()
    assert "small_cnn" in text and "s/epoch" in text and len(text.splitlines()) == 5


def test_cifar10_is_used_when_present(data_dir, tmp_path):
    rng = np.random.default_rng(0)
    (data_dir / "cifar10").mkdir()
    np.savez(data_dir / "cifar10" / "cifar10.npz",
             x_train=rng.integers(0, 256, (80, 32, 32, 3), dtype=np.uint8), y_train=np.arange(80) % 10,
             x_test=rng.integers(0, 256, (20, 32, 32, 3), dtype=np.uint8), y_test=np.arange(20) % 10)
    assert cnn.default_dataset() == "cifar10"
    result = cnn.cnn_study(runs=("small_cnn",), epochs=1, out_dir=tmp_path / "study")
    assert result.settings["dataset"] == "cifar10"
    assert result.rows[0]["parameters"] == 62_006  # The lecture's count, on 32x32x3.


def test_offline_default_is_fashion_mnist():
    # No CIFAR-10 on the test machines (tests never download it).
    if any(r["name"] == "cifar10" and r["available"] for r in data.list_datasets()):
        pytest.skip("CIFAR-10 is on this machine")
    assert cnn.default_dataset() == "fashion_mnist"


def test_unknown_run():
    with pytest.raises(DLCourseError, match="Unknown runs \\['vgg'\\]"):
        cnn.cnn_study("digits", runs=("vgg",))
