"""dlcourse.layers.L1/L2/L1L2 against keras.regularizers."""

import keras
import numpy as np
import pytest

from dlcourse import layers
from dlcourse.errors import DLCourseError

W = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")


@pytest.mark.parametrize(
    "ours, ref",
    [
        (layers.L1(0.03), keras.regularizers.L1(0.03)),
        (layers.L2(0.07), keras.regularizers.L2(0.07)),
        (layers.L1L2(0.02, 0.05), keras.regularizers.L1L2(0.02, 0.05)),
        (layers.L1L2(l1=0.1), keras.regularizers.L1L2(l1=0.1)),
        (layers.L1(), keras.regularizers.L1()),
        (layers.L2(), keras.regularizers.L2()),
    ],
)
def test_regularizer_matches_keras(ours, ref):
    np.testing.assert_allclose(float(ours(W)), float(ref(W)), rtol=1e-6)


def test_regularizer_values_by_hand():
    w = np.array([[1.0, -2.0], [0.5, 0.0]], "float32")
    assert float(layers.L1(0.1)(w)) == pytest.approx(0.1 * 3.5)
    assert float(layers.L2(0.1)(w)) == pytest.approx(0.1 * 5.25)
    assert float(layers.L1L2(0.1, 0.2)(w)) == pytest.approx(0.35 + 1.05)


@pytest.mark.parametrize("reg", [layers.L1(0.3), layers.L2(0.2), layers.L1L2(0.1, 0.4)])
def test_regularizer_serialisation_round_trip(reg):
    config = keras.regularizers.serialize(reg)
    assert config["registered_name"].startswith("dlcourse>")
    clone = keras.regularizers.deserialize(config)
    assert type(clone) is type(reg) and clone.get_config() == reg.get_config()


def test_regularizer_penalty_reaches_model_losses_and_survives_save(tmp_path):
    inputs = keras.Input((4,))
    outputs = keras.layers.Dense(2, kernel_regularizer=layers.L1L2(0.01, 0.02))(inputs)
    model = keras.Model(inputs, outputs)
    kernel = model.layers[-1].kernel.numpy()
    expected = 0.01 * np.abs(kernel).sum() + 0.02 * (kernel**2).sum()
    model(np.ones((1, 4), "float32"))
    np.testing.assert_allclose(float(sum(model.losses)), expected, rtol=1e-5)
    model.save(tmp_path / "reg.keras")
    reloaded = keras.models.load_model(tmp_path / "reg.keras")
    assert isinstance(reloaded.layers[-1].kernel_regularizer, layers.L1L2)


@pytest.mark.parametrize("make", [lambda: layers.L1(-1.0), lambda: layers.L2(float("nan")), lambda: layers.L1L2(0.1, -2)])
def test_regularizer_bad_strength_raises(make):
    with pytest.raises(DLCourseError):
        make()
