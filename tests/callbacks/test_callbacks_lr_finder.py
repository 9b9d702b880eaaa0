"""LR range test on a tiny model: the sweep, per-batch losses, the early stop, the
suggestion inside the range, and the model and optimizer restored exactly."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from dlcourse import callbacks, schedules
from dlcourse.errors import DLCourseError


def _data(seed=0, n=512, batch_size=32):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6)).astype("float32")
    y = (x @ rng.normal(size=(6, 3))).argmax(axis=1).astype("int32")
    return x, y, tf.data.Dataset.from_tensor_slices((x, y)).batch(batch_size)


def _model(optimizer):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def test_sweep_suggestion_and_exact_restore(tmp_path):
    x, y, dataset = _data()
    model = _model(keras.optimizers.SGD(learning_rate=0.05, momentum=0.9))
    model.fit(dataset.take(3), epochs=1, verbose=0, shuffle=False)  # non-trivial optimizer state
    weights = model.get_weights()
    state = [v.numpy().copy() for v in model.optimizer.variables]
    first_loss = float(keras.ops.mean(
        keras.losses.sparse_categorical_crossentropy(y[:32], model(x[:32]))))

    result = callbacks.find_learning_rate(model, dataset, min_lr=1e-4, max_lr=10.0, steps=60)

    n = len(result.losses)
    assert 10 <= n <= 60 and len(result.learning_rates) == len(result.smoothed_losses) == n
    assert result.learning_rates[0] == pytest.approx(1e-4)
    ratios = result.learning_rates[1:] / result.learning_rates[:-1]
    np.testing.assert_allclose(ratios, (1e5) ** (1 / 59), rtol=1e-9)  # exponential sweep
    assert result.losses[0] == pytest.approx(first_loss, rel=1e-5)  # the batch's own loss
    assert result.smoothed_losses[0] == pytest.approx(result.losses[0], rel=1e-9)  # bias-corrected
    assert result.method == "steepest"
    assert 1e-4 < result.suggestion < 10.0
    assert result.suggestion < result.learning_rates[-1]
    for before, after in zip(weights, model.get_weights()):
        np.testing.assert_array_equal(before, after)
    for before, variable in zip(state, model.optimizer.variables):
        np.testing.assert_array_equal(before, variable.numpy())
    assert float(model.optimizer.learning_rate) == pytest.approx(0.05)
    assert int(model.optimizer.iterations) == 3
    path = callbacks.plot_lr_finder(result, tmp_path / "lr_finder.png")
    assert Image.open(path).format == "PNG"


def test_records_each_batch_loss_not_the_running_mean():
    x, y, dataset = _data(seed=2, n=320)
    model = _model(keras.optimizers.SGD(learning_rate=0.1))
    # Rates so small the weights do not move: batch i's loss is the initial model's.
    result = callbacks.find_learning_rate(model, dataset, min_lr=1e-12, max_lr=1e-11,
                                          steps=10, smoothing=0.0)
    per_batch = [
        float(keras.ops.mean(keras.losses.sparse_categorical_crossentropy(
            y[i * 32:(i + 1) * 32], model(x[i * 32:(i + 1) * 32]))))
        for i in range(10)
    ]
    np.testing.assert_allclose(result.losses, per_batch, rtol=1e-4)
    np.testing.assert_allclose(result.smoothed_losses, result.losses, rtol=1e-9)
    running_mean = np.cumsum(per_batch) / np.arange(1, 11)
    assert np.max(np.abs(result.losses - running_mean)) > 1e-2


def test_stops_early_when_the_loss_explodes():
    _, _, dataset = _data(seed=1)
    model = _model(keras.optimizers.SGD(learning_rate=0.01))  # never trained: unbuilt optimizer
    weights = model.get_weights()
    result = callbacks.find_learning_rate(model, dataset, min_lr=1e-3, max_lr=1e4, steps=100)
    assert len(result.losses) < 100
    last = result.smoothed_losses[-1]
    assert not np.isfinite(last) or last > 4 * np.min(result.smoothed_losses[:-1])
    assert 1e-3 < result.suggestion < 1e4
    for before, after in zip(weights, model.get_weights()):
        np.testing.assert_array_equal(before, after)
    assert int(model.optimizer.iterations) == 0


def test_bad_inputs():
    x, y, dataset = _data(n=64)
    model = _model(keras.optimizers.SGD(learning_rate=schedules.Constant(0.1)))
    with pytest.raises(DLCourseError, match="float learning_rate"):
        callbacks.find_learning_rate(model, dataset)
    model = _model(keras.optimizers.SGD(0.1))
    with pytest.raises(DLCourseError, match="tf.data.Dataset"):
        callbacks.find_learning_rate(model, (x, y))
    with pytest.raises(DLCourseError, match="min_lr"):
        callbacks.find_learning_rate(model, dataset, min_lr=1.0, max_lr=0.1)
