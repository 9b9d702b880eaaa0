import json

import numpy as np
import pytest

from dlcourse import training
from dlcourse.errors import DLCourseError
from dlcourse.models import build_mlp, mlp_parameter_count


def test_mlp_has_the_lecture_parameter_count():
    assert build_mlp().count_params() == mlp_parameter_count() == 52_650


def test_config_applies_recipe_then_dataset_then_overrides():
    c = training.make_config("mlp", "digits", epochs=3)
    assert (c.epochs, c.batch_size, c.learning_rate, c.optimizer) == (3, 32, 0.1, "sgd")
    f = training.make_config("mlp")
    assert (f.dataset, f.epochs, f.batch_size, f.learning_rate) == ("fashion_mnist", 12, 64, 0.01)
    assert f.run_dir == "runs/mlp_fashion_mnist" and f.steps_per_execution == 128 and not f.jit_compile


@pytest.mark.parametrize("bad, message", [
    (dict(epochs=0), "`epochs` must be at least 1"),
    (dict(learning_rate=-1.0), "`learning_rate` must be positive"),
    (dict(clipnorm=0.0), "`clipnorm` must be positive"),
    (dict(lr=0.1), "Unknown run settings \\['lr'\\]"),
])
def test_bad_settings_are_one_line_errors(bad, message):
    with pytest.raises(DLCourseError, match=message):
        training.make_config("mlp", "digits", **bad)


def test_unknown_recipe():
    with pytest.raises(DLCourseError, match="Unknown recipe 'mlpp'. Use one of: .*mlp"):
        training.make_config("mlpp")


def test_short_run_on_digits_learns_and_writes_its_files(tmp_path):
    config = training.make_config("mlp", "digits", epochs=12, seed=1, run_dir=str(tmp_path / "run"))
    result = training.train(config, verbose=0)
    m = result.metrics
    assert m["test_accuracy"] > 0.9, m
    assert m["epochs_run"] == 12 and len(result.history["val_accuracy"]) == 12
    assert m["parameters"] == 64 * 64 + 64 + 64 * 32 + 32 + 32 * 10 + 10
    assert m["source"].startswith("scikit-learn") and m["versions"]["keras"].startswith("3.")
    assert m["examples_per_second"] > 0 and m["num_examples"]["train"] == 1293
    for name in ("config.json", "history.json", "metrics.json", "curves.png"):
        assert (tmp_path / "run" / name).is_file(), name
    assert json.loads((tmp_path / "run" / "metrics.json").read_text())["test_accuracy"] == m["test_accuracy"]
    assert list((tmp_path / "run" / "logs").rglob("events.out.tfevents*")), "TensorBoard logs missing"
    assert [p.name for p in (tmp_path / "run" / "backup").iterdir()] == ["epoch-0012"]
    assert not (tmp_path / "run" / ".lock").exists(), "the run dir is unlocked at the end"

    again = training.train(config, verbose=0)  # A finished run is evaluated again, not retrained.
    assert again.metrics["resumed_from_epoch"] == 12 and again.metrics["epochs_run"] == 12
    assert again.metrics["test_accuracy"] == m["test_accuracy"]
    assert again.metrics["examples_per_second"] > 0


def _all_h5_arrays(path):
    import h5py

    arrays = []
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: arrays.append(obj[()]) if isinstance(obj, h5py.Dataset) else None)
    return arrays


def test_nan_loss_stops_and_saves_nothing_non_finite(tmp_path):
    import keras

    class Diverge(keras.callbacks.Callback):  # One good epoch, then a rate that explodes.
        def on_epoch_end(self, epoch, logs=None):
            self.model.optimizer.learning_rate.assign(1e6)

    config = training.make_config("mlp", "digits", epochs=4, seed=0,
                                  run_dir=str(tmp_path / "run"), export_dir=str(tmp_path / "export"))
    with pytest.raises(DLCourseError, match="loss became (nan|inf) in epoch 2.*epoch-0001.*Lower --learning-rate"):
        training.train(config, callbacks=[Diverge()], verbose=0)
    assert not (tmp_path / "export").exists()
    assert not (tmp_path / "run" / "metrics.json").exists()
    checkpoints = list((tmp_path / "run" / "backup").glob("epoch-*"))
    assert [c.name for c in checkpoints] == ["epoch-0001"]
    arrays = _all_h5_arrays(checkpoints[0] / "model.weights.h5")
    assert len(arrays) >= 6, "weights and optimizer state are in the checkpoint"
    assert all(np.isfinite(a).all() for a in arrays if np.issubdtype(np.asarray(a).dtype, np.number))
    history = json.loads((tmp_path / "run" / "history.json").read_text())["epochs"]
    assert [r["epoch"] for r in history] == [1] and np.isfinite(history[0]["loss"])


def test_nan_in_the_first_epoch_says_nothing_was_saved(tmp_path):
    config = training.make_config("mlp", "digits", epochs=2, learning_rate=1e6, seed=0, run_dir=str(tmp_path / "run"))
    with pytest.raises(DLCourseError, match="no epoch finished, so nothing was saved"):
        training.train(config, verbose=0)


def test_resume_with_other_settings_is_refused_and_restart_discards(tmp_path):
    run = str(tmp_path / "run")
    training.train(training.make_config("mlp", "digits", epochs=1, run_dir=run), verbose=0)
    other = training.make_config("mlp", "digits", epochs=1, learning_rate=0.5, run_dir=run)
    with pytest.raises(DLCourseError, match=r"other settings \(learning_rate=0.1 -> 0.5\).*--restart"):
        training.train(other, verbose=0)
    result = training.train(other, verbose=0, restart=True)
    assert result.metrics["resumed_from_epoch"] == 0
    assert json.loads((tmp_path / "run" / "config.json").read_text())["learning_rate"] == 0.5


def test_standardize_puts_training_statistics_in_the_model(tmp_path):
    from dlcourse import data

    config = training.make_config("mlp", "digits", epochs=1, standardize=True, run_dir=str(tmp_path / "run"))
    result = training.train(config, verbose=0)
    layer = result.model.get_layer("standardize")
    images, _ = data.split_arrays("digits", "train")
    x = layer(images.astype("float32") / 255.0)
    assert abs(float(np.mean(x))) < 1e-4 and abs(float(np.var(x)) - 1) < 1e-3


def test_sam_recipe_trains_evaluates_and_exports(tmp_path):
    from dlcourse import export

    config = training.make_config("mlp_sam", "digits", epochs=2, run_dir=str(tmp_path / "run"),
                                  export_dir=str(tmp_path / "model"))
    result = training.train(config, verbose=0)
    assert np.isfinite(result.metrics["test_loss"]) and result.metrics["test_accuracy"] > 0.3
    assert "perturbed_loss" in result.history and "val_perturbed_loss" not in result.history
    images = (np.arange(2 * 64).reshape(2, 8, 8, 1) % 256).astype("uint8")
    expected = result.model.predict(images.astype("float32") / 255.0, verbose=0)
    np.testing.assert_allclose(export.load(tmp_path / "model").predict(images), expected, atol=1e-6)
    assert result.export_dir == tmp_path / "model" / "1"
    again = training.train(config, verbose=0)  # The finished run's checkpoint loads into a new SAM model.
    assert again.metrics["resumed_from_epoch"] == 2 and again.export_dir == tmp_path / "model" / "2"
    assert again.metrics["test_accuracy"] == result.metrics["test_accuracy"]


@pytest.mark.parametrize("policy", ["mixed_bfloat16", "mixed_float16"])
def test_mixed_precision_trains_exports_and_restores_the_global_policy(tmp_path, policy):
    import keras

    from dlcourse import export

    config = training.make_config("mlp", "digits", epochs=3, mixed_precision=policy, run_dir=str(tmp_path / "run"),
                                  export_dir=str(tmp_path / "model"))
    result = training.train(config, verbose=0)
    model = result.model
    assert keras.config.dtype_policy().name == "float32"
    assert model.get_layer("hidden_1").compute_dtype == policy.split("_")[1]
    assert model.get_layer("hidden_1").kernel.dtype == "float32", "variables stay float32"
    assert result.metrics["dtype_policy"] == policy and result.metrics["test_accuracy"] > 0.5
    if policy == "mixed_float16":
        assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
    images = np.zeros((2, 8, 8, 1), "uint8")
    assert export.load(tmp_path / "model").predict(images).dtype == np.float32


def test_unknown_mixed_precision_policy():
    with pytest.raises(DLCourseError, match="`mixed_precision` must be"):
        training.make_config("mlp", "digits", mixed_precision="float16")
