"""The lecture 4 recipes: registered with their settings, buildable, and `cnn_fast` end to end."""

import numpy as np
import pytest

from dlcourse import data, export, models, training
from dlcourse.training.recipes_cnn import ARCHITECTURES, CIFAR_MODELS

CIFAR = ["cifar_fc", "cifar_cnn", "cifar_wide_cnn"]


def test_every_recipe_is_registered_for_its_dataset():
    for name in [*ARCHITECTURES, *CIFAR_MODELS, "cnn_fast"]:
        recipe = training.get_recipe(name)
        assert recipe.dataset == ("cifar10" if name in CIFAR_MODELS else "fashion_mnist"), name
        for dataset in ("fashion_mnist", "digits", "cifar10"):
            config = training.make_config(name, dataset)
            assert not config.jit_compile and config.epochs >= 1, (name, dataset)
    for name in CIFAR:  # Offline, the CIFAR models train on Fashion-MNIST with their own setting.
        assert "fashion_mnist" in training.get_recipe(name).per_dataset
        assert training.make_config(name).dataset == "cifar10"


@pytest.mark.parametrize("name, count", [("cifar_fc", 3_426_250), ("cifar_cnn", 62_006),
                                         ("cifar_wide_cnn", 5_853_930), ("cifar_wide_cnn_plain", 5_851_338),
                                         ("resnet20", 274_042), ("lenet5", 62_006)])
def test_recipes_build_the_documented_models(name, count):
    assert training.get_recipe(name).build((32, 32, 3), 10).count_params() == count


def test_cnn_fast_settings():
    config = training.make_config("cnn_fast")
    assert (config.dataset, config.optimizer, config.schedule) == ("fashion_mnist", "adamw", "cosine")
    assert config.warmup_steps > 0 and config.batch_size >= 64


def test_cnn_fast_learns_digits_through_the_runner_and_exports(tmp_path):
    config = training.make_config("cnn_fast", "digits", epochs=12, seed=0, run_dir=str(tmp_path / "run"),
                                  export_dir=str(tmp_path / "model"))
    result = training.train(config, verbose=0)
    assert result.metrics["test_accuracy"] > 0.85, result.metrics
    assert result.metrics["parameters"] == models.build_cnn_fast((8, 8, 1), 10).count_params()
    assert len(result.history["val_accuracy"]) == 12
    images, _ = data.split_arrays("digits", "test")
    expected = result.model.predict(images[:20].astype("float32") / 255.0, verbose=0)
    np.testing.assert_allclose(export.load(tmp_path / "model").predict(images[:20]), expected, atol=1e-6)
