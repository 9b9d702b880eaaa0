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
    assert not (tmp_path / "run" / "backup").exists(), "a finished run removes its backup"


def test_nan_loss_stops_and_saves_nothing_non_finite(tmp_path):
    config = training.make_config("mlp", "digits", epochs=4, learning_rate=1e6, seed=0,
                                  run_dir=str(tmp_path / "run"), export_dir=str(tmp_path / "export"))
    with pytest.raises(DLCourseError, match="loss became (nan|inf).*Lower --learning-rate"):
        training.train(config, verbose=0)
    assert not (tmp_path / "export").exists()
    assert not (tmp_path / "run" / "metrics.json").exists()
    for weights in (tmp_path / "run" / "backup").rglob("*.weights.h5"):

        model = build_mlp((8, 8, 1))
        model.load_weights(weights, skip_mismatch=True)
        assert all(np.isfinite(w).all() for w in model.get_weights())


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
