"""The regularisation recipes and their model builder `build_regularized_mlp`."""

import keras
import numpy as np
import pytest

import dlcourse.training.recipes_regularization as recipes_regularization
from dlcourse import layers
from dlcourse.data.augment import NAMES, make_augmenter
from dlcourse.errors import DLCourseError
from dlcourse.models.regularized_mlp import build_regularized_mlp, regularized_mlp_parameter_count
from dlcourse.training import get_recipe, make_config

NEW = ["mlp_l2", "mlp_dropout", "mlp_batchnorm", "mlp_augment"]


@pytest.mark.parametrize("name", NEW)
def test_recipes_keep_the_lecture_settings_of_mlp(name):
    for dataset in ("fashion_mnist", "digits"):
        mine, plain = make_config(name, dataset), make_config("mlp", dataset)
        for field in ("epochs", "batch_size", "optimizer", "learning_rate", "jit_compile"):
            assert getattr(mine, field) == getattr(plain, field), (dataset, field)
    assert make_config(name, "fashion_mnist").learning_rate == 0.01
    assert make_config(name, "digits").epochs == 40


def test_only_the_augment_recipe_augments_and_with_valid_names():
    assert make_config("mlp_augment", "fashion_mnist").augment == ("flip",)
    assert "flip" not in make_config("mlp_augment", "digits").augment  # digits are not mirror images
    for name in NEW[:3]:
        assert make_config(name, "fashion_mnist").augment == ()
    images = np.random.default_rng(0).uniform(size=(4, 28, 28, 1)).astype("float32")
    labels = np.arange(4, dtype="int32")
    for dataset in ("fashion_mnist", "digits", "mnist"):
        names = make_config("mlp_augment", dataset).augment
        assert set(names) <= set(NAMES)
        out, out_labels = make_augmenter(names, 10, seed=0)(images, labels)
        assert out.shape == images.shape and np.array_equal(out_labels, labels)


@pytest.mark.parametrize("batch_norm, expected", [(False, 52_650), (True, 52_938)])
def test_parameter_count_is_the_docstring_one(batch_norm, expected):
    model = build_regularized_mlp((28, 28, 1), 10, batch_norm=batch_norm)
    assert model.count_params() == expected == regularized_mlp_parameter_count(batch_norm=batch_norm)
    assert model.output.dtype == "float32"
    assert isinstance(model.get_layer("hidden_1"), layers.Dense)
    if batch_norm:
        assert isinstance(model.get_layer("batch_norm_1"), layers.BatchNormalization)
        assert sum(int(np.prod(w.shape)) for w in model.non_trainable_weights) == 2 * (64 + 32)


def test_l2_penalty_is_l2_times_the_sum_of_squared_kernels():
    keras.utils.set_random_seed(0)
    model = build_regularized_mlp((8, 8, 1), 10, l2=1e-3)
    kernels = [model.get_layer(n).kernel for n in ("hidden_1", "hidden_2", "logits")]
    expected = 1e-3 * sum(float(np.sum(np.square(k.numpy()))) for k in kernels)
    model(np.zeros((1, 8, 8, 1), "float32"))
    assert float(sum(model.losses)) == pytest.approx(expected, rel=1e-5)
    assert build_regularized_mlp((8, 8, 1), 10).losses == []


def test_dropout_is_active_only_in_training():
    keras.utils.set_random_seed(0)
    model = build_regularized_mlp((8, 8, 1), 10, dropout=0.5)
    assert isinstance(model.get_layer("dropout_1"), layers.Dropout)
    x = np.random.default_rng(0).uniform(size=(16, 8, 8, 1)).astype("float32")
    inference = np.asarray(model(x, training=False))
    np.testing.assert_allclose(inference, np.asarray(model(x, training=False)), rtol=0, atol=0)
    assert np.max(np.abs(np.asarray(model(x, training=True)) - inference)) > 1e-3


@pytest.mark.parametrize("name", NEW)
def test_one_training_step_gives_a_finite_loss(name):
    keras.utils.set_random_seed(0)
    model = get_recipe(name).build((8, 8, 1), 10)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(0)
    x, y = rng.uniform(size=(32, 8, 8, 1)).astype("float32"), rng.integers(0, 10, 32)
    first = model.train_on_batch(x, y)
    second = model.train_on_batch(x, y)
    assert np.isfinite(first) and np.isfinite(second) and second < first


def test_bad_arguments_are_refused():
    with pytest.raises(DLCourseError, match="dropout"):
        build_regularized_mlp((8, 8, 1), 10, dropout=1.0)
    with pytest.raises(DLCourseError, match="l2"):
        build_regularized_mlp((8, 8, 1), 10, l2=-1.0)
    assert recipes_regularization.MLP_L2.name == "mlp_l2"
