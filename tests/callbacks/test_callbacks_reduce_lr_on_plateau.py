"""Our ReduceLROnPlateau against `keras.callbacks.ReduceLROnPlateau`: the same scripted
logs replayed through `on_epoch_end` on a stand-in model must cut the learning rate on
the same epochs to the same values, for every argument; then once inside a real `fit`."""

import types

import keras
import numpy as np
import pytest

from dlcourse import callbacks
from dlcourse.errors import DLCourseError

NOISY = [1.0, 0.7, 0.9, 0.65, 0.8, 0.85, 0.6, 0.9, 0.95, 0.97, 0.5, 0.99, 0.98, 0.97, 0.96, 0.95]
FLAT = [1.0] + [0.9] * 19
RISING = [0.5, 0.6, 0.7, 0.6, 0.8, 0.8, 0.8, 0.8, 0.9, 0.9, 0.85, 0.85, 0.85, 0.85, 0.85]

# id: (monitor, values, arguments)
CASES = {
    "defaults_patience_10": ("val_loss", FLAT, {}),
    "noisy_patience_2": ("val_loss", NOISY, {"patience": 2}),
    "patience_zero": ("val_loss", NOISY, {"patience": 0, "factor": 0.5}),
    "cooldown": ("val_loss", FLAT, {"patience": 1, "cooldown": 3, "factor": 0.5}),
    "min_lr_floor": ("val_loss", FLAT, {"patience": 1, "factor": 0.1, "min_lr": 0.002}),
    "min_delta": ("val_loss", [1.0, 0.95, 0.93, 0.92, 0.8, 0.79, 0.78, 0.77, 0.76, 0.75],
                  {"patience": 1, "min_delta": 0.05, "factor": 0.5}),
    "mode_max": ("val_accuracy", RISING, {"patience": 2, "mode": "max", "factor": 0.5}),
    "auto_accuracy": ("val_accuracy", RISING, {"patience": 2, "factor": 0.5}),
    "mode_min_on_accuracy": ("val_accuracy", RISING, {"patience": 1, "mode": "min", "factor": 0.5}),
    "factor_zero": ("val_loss", FLAT, {"patience": 2, "factor": 0.0, "min_lr": 1e-4}),
    "everything": ("loss", NOISY, {"patience": 1, "cooldown": 2, "min_delta": 0.02,
                                   "min_lr": 0.01, "factor": 0.3, "mode": "min"}),
}


def stand_in_model(learning_rate=0.1):
    """What the callback touches on a model: its optimizer, and its metrics (in `auto`
    mode Keras asks the compiled `accuracy` metric for its direction)."""
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    x, y = np.zeros((2, 2), "float32"), np.zeros(2)
    model.compute_metrics(x, y, model(x))  # Builds the compiled metrics, eagerly.
    return model


def replay(callback, monitor, values, model=None):
    """The learning rate after each epoch and the logs the callback saw."""
    model = model or types.SimpleNamespace(optimizer=keras.optimizers.SGD(0.1), metrics=[])
    callback.set_model(model)
    callback.on_train_begin()
    rates, logs_seen = [], []
    for epoch, value in enumerate(values):
        logs = {"loss": 0.0, monitor: value}
        callback.on_epoch_end(epoch, logs)
        rates.append(float(model.optimizer.learning_rate))
        logs_seen.append(logs)
    assert len(rates) == len(values)
    return np.array(rates), logs_seen


@pytest.mark.parametrize("case", sorted(CASES))
def test_same_cuts_as_keras(case):
    monitor, values, kwargs = CASES[case]
    model = stand_in_model if case == "auto_accuracy" else lambda: None
    ours, our_logs = replay(callbacks.ReduceLROnPlateau(monitor, **kwargs), monitor, values, model())
    theirs, their_logs = replay(keras.callbacks.ReduceLROnPlateau(monitor, **kwargs), monitor, values, model())
    np.testing.assert_allclose(ours, theirs, rtol=1e-7)
    assert [log["learning_rate"] for log in our_logs] == pytest.approx(
        [log["learning_rate"] for log in their_logs], rel=1e-7)


def test_the_cases_really_cut():
    # Guards the table above: a parity test on runs where nothing happens proves little.
    cut = {case: replay(callbacks.ReduceLROnPlateau(m, **kw), m, v, stand_in_model() if "acc" in m else None)[0]
           for case, (m, v, kw) in CASES.items()}
    assert all(rates[-1] < 0.1 for rates in cut.values())
    # Hand-computed: FLAT, patience 1, cooldown 3, factor 0.5 cuts at epochs 2, 5, 8, 11:
    # as in Keras, the epoch whose start ends the cooldown already counts towards patience.
    np.testing.assert_allclose(cut["cooldown"][[1, 2, 4, 5, 8, 11]], [0.1, 0.05, 0.05, 0.025, 0.0125, 0.00625],
                               rtol=1e-6)
    assert cut["min_lr_floor"].min() == pytest.approx(0.002)


def test_verbose_message(capsys):
    replay(callbacks.ReduceLROnPlateau(patience=0, verbose=1), "val_loss", [1.0, 1.0])
    assert "Epoch 2: ReduceLROnPlateau reducing learning rate to 0.01" in capsys.readouterr().out


def test_inside_fit_the_rate_is_logged_then_cut():
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(64, 3)).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(1e-6), loss="mse")
    # min_delta=1: nothing counts as an improvement after the first epoch.
    callback = callbacks.ReduceLROnPlateau("loss", patience=0, factor=0.5, min_delta=1.0)
    history = model.fit(x, x[:, :1], epochs=4, verbose=0, callbacks=[callback])
    # Each epoch logs the rate it trained with; the cut applies from the next epoch.
    assert history.history["learning_rate"] == pytest.approx([1e-6, 1e-6, 5e-7, 2.5e-7], rel=1e-6)
    assert float(model.optimizer.learning_rate) == pytest.approx(1.25e-7, rel=1e-6)


def test_a_schedule_cannot_be_cut():
    model = types.SimpleNamespace(optimizer=keras.optimizers.SGD(keras.optimizers.schedules.ExponentialDecay(
        0.1, 10, 0.5)), metrics=[])
    callback = callbacks.ReduceLROnPlateau()
    callback.set_model(model)
    with pytest.raises(DLCourseError, match="not a schedule"):
        callback.on_train_begin()


@pytest.mark.parametrize("kwargs, message", [
    ({"factor": 1.0}, "factor"),
    ({"factor": -0.5}, "factor"),
    ({"patience": -1}, "patience"),
    ({"cooldown": -1}, "cooldown"),
    ({"min_lr": -1e-3}, "min_lr"),
    ({"mode": "maximum"}, "mode"),
])
def test_bad_arguments_raise(kwargs, message):
    with pytest.raises(DLCourseError, match=message):
        callbacks.ReduceLROnPlateau(**kwargs)


def test_unknown_direction_raises_and_config_round_trip():
    callback = callbacks.ReduceLROnPlateau("val_something", patience=1)
    with pytest.raises(DLCourseError, match="mode='max' or mode='min'"):
        replay(callback, "val_something", [1.0, 2.0])
    clone = callbacks.ReduceLROnPlateau.from_config(callbacks.ReduceLROnPlateau(factor=0.5).get_config())
    assert clone.get_config()["factor"] == 0.5
