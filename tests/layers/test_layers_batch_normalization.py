"""dlcourse.layers.BatchNormalization against keras.layers.BatchNormalization."""

import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

from dlcourse import layers
from dlcourse.errors import DLCourseError
from dlcourse.testing import assert_layers_match

ATOL = 1e-5



def _pair(shape, **kwargs):
    """Keras BN with non-trivial weights, and ours with the same weights."""
    ref, ours = keras.layers.BatchNormalization(**kwargs), layers.BatchNormalization(**kwargs)
    ref.build(shape)
    ours.build(shape)
    rng = np.random.default_rng(0)
    weights = [w + rng.uniform(0.1, 0.5, size=w.shape).astype("float32") for w in ref.get_weights()]
    ref.set_weights(weights)
    ours.set_weights(ref.get_weights())
    return ref, ours


@pytest.mark.parametrize(
    "shape, kwargs",
    [((16, 5), {}), ((4, 6, 6, 3), {}), ((4, 3, 5, 5), {"axis": 1}), ((8, 4), {"center": False, "scale": False})],
)
def test_batchnorm_matches_keras_in_both_modes(shape, kwargs):
    x = np.random.default_rng(1).normal(2.0, 3.0, size=shape).astype("float32")
    ref, ours = _pair(shape, momentum=0.9, **kwargs)
    for training in (True, False):
        assert_layers_match(ours, ref, x, training, ATOL)


def test_batchnorm_moving_statistics_match_after_training_calls():
    ref, ours = _pair((32, 4), momentum=0.8)
    rng = np.random.default_rng(2)
    for _ in range(5):
        x = rng.normal(1.5, 2.0, size=(32, 4)).astype("float32")
        ref(x, training=True)
        ours(x, training=True)
    for a, b in zip(ours.non_trainable_weights, ref.non_trainable_weights):
        np.testing.assert_allclose(a, b, atol=ATOL)
    # Moved towards the data's statistics (mean 1.5, variance 4).
    assert np.all(np.abs(ours.moving_mean.numpy() - 1.5) < 1.0)
    x = rng.normal(size=(8, 4)).astype("float32")
    np.testing.assert_allclose(ours(x, training=False), ref(x, training=False), atol=ATOL)


def test_batchnorm_training_uses_batch_statistics_and_inference_moving_averages():
    layer = layers.BatchNormalization(epsilon=1e-3)
    x = np.random.default_rng(3).normal(5.0, 2.0, size=(64, 3)).astype("float32")
    y = layer(x, training=True).numpy()
    np.testing.assert_allclose(y.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(y.var(axis=0), x.var(axis=0) / (x.var(axis=0) + 1e-3), atol=1e-4)
    expected = (x - layer.moving_mean.numpy()) / np.sqrt(layer.moving_variance.numpy() + 1e-3)
    np.testing.assert_allclose(layer(x, training=False), expected, atol=1e-5)


def test_frozen_batchnorm_uses_moving_statistics_in_training():
    ref, ours = _pair((8, 3))
    ref.trainable = ours.trainable = False
    x = np.random.default_rng(4).normal(size=(8, 3)).astype("float32")
    before = ours.moving_mean.numpy().copy()
    np.testing.assert_allclose(ours(x, training=True), ref(x, training=True), atol=ATOL)
    np.testing.assert_array_equal(ours.moving_mean.numpy(), before)


def test_batchnorm_upcasts_float16_inputs():
    # 300**2 = 90,000 overflows float16 (max 65,504): statistics must run in float32.
    ref = keras.layers.BatchNormalization(dtype="mixed_float16")
    ours = layers.BatchNormalization(dtype="mixed_float16")
    x = (300.0 + 50.0 * np.random.default_rng(5).normal(size=(32, 4))).astype("float16")
    y_ref, y_ours = ref(x, training=True), ours(x, training=True)
    assert y_ours.dtype == "float16"
    assert ours.moving_mean.dtype == "float32"
    assert np.all(np.isfinite(y_ours.numpy()))
    np.testing.assert_allclose(y_ours.numpy().astype("float32"), y_ref.numpy().astype("float32"), atol=1e-2)
    np.testing.assert_allclose(ours.moving_variance.numpy(), ref.moving_variance.numpy(), rtol=1e-3)


def test_batchnorm_keras_file_round_trip(tmp_path):
    keras.utils.set_random_seed(0)
    inputs = keras.Input((4, 4, 2))
    model = keras.Model(inputs, layers.BatchNormalization(momentum=0.5, synchronized=True)(inputs))
    x = np.random.default_rng(6).normal(3.0, 2.0, size=(8, 4, 4, 2)).astype("float32")
    model(x, training=True)  # move the statistics away from their initial values
    model.save(tmp_path / "bn.keras")
    reloaded = keras.models.load_model(tmp_path / "bn.keras")
    assert reloaded.layers[-1].get_config()["synchronized"] is True
    np.testing.assert_array_equal(reloaded.predict(x, verbose=0), model.predict(x, verbose=0))


@pytest.mark.parametrize("kwargs", [{"momentum": 1.0}, {"epsilon": 0.0}])
def test_batchnorm_bad_arguments_raise(kwargs):
    with pytest.raises(DLCourseError):
        layers.BatchNormalization(**kwargs)


_SYNC_SCRIPT = textwrap.dedent(
    """
    import keras, numpy as np, tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    from dlcourse import layers
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    x = np.random.default_rng(0).normal(2.0, 3.0, size=(16, 3)).astype("float32")
    x[8:] += 5.0  # the two replicas' halves differ: local statistics would be wrong
    with strategy.scope():
        ours = layers.BatchNormalization(momentum=0.5, synchronized=True)
        ref = keras.layers.BatchNormalization(momentum=0.5, synchronized=True)
        ours.build((None, 3)); ref.build((None, 3))
    dist = strategy.experimental_distribute_dataset(tf.data.Dataset.from_tensors(x).unbatch().batch(16))
    @tf.function
    def step(batch):
        return strategy.run(lambda b: (ours(b, training=True), ref(b, training=True)), args=(batch,))
    y_ours, y_ref = step(next(iter(dist)))
    y_ours = np.concatenate([t.numpy() for t in strategy.experimental_local_results(y_ours)])
    y_ref = np.concatenate([t.numpy() for t in strategy.experimental_local_results(y_ref)])
    single = layers.BatchNormalization(momentum=0.5)
    y_single = single(x, training=True).numpy()
    print(np.abs(y_ours - y_ref).max(), np.abs(y_ours - y_single).max(),
          np.abs(ours.moving_mean.numpy() - single.moving_mean.numpy()).max(),
          np.abs(ours.moving_variance.numpy() - single.moving_variance.numpy()).max())
    """
)


def test_synchronized_batchnorm_uses_global_batch_statistics_under_mirrored_strategy():
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": os.getcwd()}
    out = subprocess.run([sys.executable, "-c", _SYNC_SCRIPT], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    vs_keras, vs_single, mean_diff, var_diff = map(float, out.stdout.split()[-4:])
    assert vs_keras < 1e-5
    assert vs_single < 1e-5 and mean_diff < 1e-5 and var_diff < 1e-5
