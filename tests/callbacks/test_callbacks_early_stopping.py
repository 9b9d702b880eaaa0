"""Our EarlyStopping against `keras.callbacks.EarlyStopping`: the same scripted logs
replayed through `on_epoch_end` on a stand-in model must stop on the same epoch, keep
the same best value and restore the same weights; then once inside a real `fit`."""

import keras
import numpy as np
import pytest

from dlcourse import callbacks
from dlcourse.errors import DLCourseError


class StandInModel:
    """What EarlyStopping touches on a model: weights and the stop flag."""

    def __init__(self):
        self.weights = [np.zeros((2, 3)), np.zeros((3,))]
        self.stop_training = False
        self.metrics = []

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [np.array(w) for w in weights]


def replay(callback, values, monitor):
    """Epoch e: the weights are all e (so restored weights name their epoch)."""
    model = StandInModel()
    callback.set_model(model)
    callback.on_train_begin()
    epochs_run = 0
    for epoch, value in enumerate(values):
        model.weights = [np.full_like(w, float(epoch)) for w in model.weights]
        callback.on_epoch_end(epoch, {"loss": 0.0, monitor: value})
        epochs_run += 1
        if model.stop_training:
            break
    callback.on_train_end()
    return {
        "epochs_run": epochs_run,
        "stopped_epoch": callback.stopped_epoch,
        "best": None if callback.best is None else float(callback.best),
        "best_epoch": callback.best_epoch,
        "weights_epoch": float(model.weights[0][0, 0]),
    }


LOSS = "val_loss"
HISTORIES = {
    "improving": (LOSS, [1.0, 0.9, 0.8, 0.7, 0.6, 0.5], {"patience": 1}),
    "plateau": (LOSS, [1.0, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8], {"patience": 2}),
    "noisy": (LOSS, [1.0, 0.7, 0.9, 0.65, 0.8, 0.85, 0.6, 0.9, 0.95, 0.97, 0.5],
              {"patience": 2}),
    "noisy_patient": (LOSS, [1.0, 0.7, 0.9, 0.65, 0.8, 0.85, 0.6, 0.9, 0.95, 0.97, 0.5],
                      {"patience": 3}),
    "patience_zero": (LOSS, [1.0, 0.9, 0.95, 0.8], {"patience": 0}),
    "min_delta": (LOSS, [1.0, 0.95, 0.93, 0.92, 0.80, 0.79, 0.78, 0.77],
                  {"patience": 2, "min_delta": 0.05}),
    "mode_max": ("val_accuracy", [0.5, 0.6, 0.65, 0.64, 0.66, 0.66, 0.6, 0.7],
                 {"patience": 1, "mode": "max"}),
    "mode_max_min_delta": ("val_accuracy", [0.5, 0.6, 0.61, 0.62, 0.7, 0.705, 0.71],
                           {"patience": 2, "mode": "max", "min_delta": 0.02}),
    "start_from_epoch": (LOSS, [1.0, 1.1, 1.2, 0.9, 0.95, 0.96, 0.97],
                         {"patience": 1, "start_from_epoch": 2}),
    "baseline": (LOSS, [1.0, 0.9, 0.95, 0.85, 0.84, 0.5],
                 {"patience": 3, "baseline": 0.8}),
}


@pytest.mark.parametrize("restore", [False, True])
@pytest.mark.parametrize("case", HISTORIES)
def test_same_as_keras_on_scripted_history(case, restore):
    monitor, values, kwargs = HISTORIES[case]
    kwargs = dict(kwargs, monitor=monitor, restore_best_weights=restore)
    ours = replay(callbacks.EarlyStopping(**kwargs), values, monitor)
    theirs = replay(keras.callbacks.EarlyStopping(**kwargs), values, monitor)
    assert ours == pytest.approx(theirs, abs=1e-9)


def test_scripted_outcomes_by_hand():
    monitor, values, kwargs = HISTORIES["plateau"]
    result = replay(callbacks.EarlyStopping(monitor=monitor, restore_best_weights=True,
                                            **kwargs), values, monitor)
    # best 0.8 at epoch 1; epochs 2 and 3 do not improve; patience 2 -> stop at 3.
    assert result == {"epochs_run": 4, "stopped_epoch": 3, "best": 0.8, "best_epoch": 1,
                      "weights_epoch": 1.0}
    result = replay(callbacks.EarlyStopping(monitor=LOSS, patience=1),
                    HISTORIES["improving"][1], LOSS)
    assert result["stopped_epoch"] == 0 and result["epochs_run"] == 6


def test_auto_mode_infers_direction():
    values = HISTORIES["mode_max"][1]
    auto = replay(callbacks.EarlyStopping("val_accuracy", patience=1), values, "val_accuracy")
    explicit = replay(keras.callbacks.EarlyStopping("val_accuracy", patience=1, mode="max"),
                      values, "val_accuracy")
    assert auto == explicit
    with pytest.raises(DLCourseError, match="mode='max' or mode='min'"):
        replay(callbacks.EarlyStopping("val_weirdness", patience=1), [1.0, 2.0], "val_weirdness")
    with pytest.raises(DLCourseError, match="mode"):
        callbacks.EarlyStopping(mode="down")


def test_config_round_trip():
    callback = callbacks.EarlyStopping("val_accuracy", min_delta=-0.01, patience=3, mode="max",
                                       restore_best_weights=True, start_from_epoch=2)
    config = callback.get_config()
    assert config["min_delta"] == 0.01  # the sign is irrelevant, as in Keras
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(callback))
    assert isinstance(restored, callbacks.EarlyStopping) and restored.get_config() == config
    values = HISTORIES["mode_max"][1]
    assert replay(restored, values, "val_accuracy") == replay(callback, values, "val_accuracy")


def test_missing_monitor_warns_and_does_not_stop():
    with pytest.warns(UserWarning, match="val_loss"):
        result = replay(callbacks.EarlyStopping(patience=0), [1.0, 2.0], "loss")
    assert result["epochs_run"] == 2 and result["stopped_epoch"] == 0


def _fit(callback):
    keras.utils.set_random_seed(1)
    rng = np.random.default_rng(1)
    x = rng.normal(size=(40, 4)).astype("float32")
    y = (x @ np.array([1.0, -2.0, 0.5, 0.0]) + 1.5 * rng.normal(size=40)).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(32, activation="relu"),
                              keras.layers.Dense(1)])
    # A large rate on 10 points: a noisy validation loss, so the best epoch is not the last.
    model.compile(keras.optimizers.SGD(0.3), "mse")
    history = model.fit(x[:10], y[:10], validation_data=(x[10:], y[10:]), epochs=15,
                        batch_size=10, verbose=0, callbacks=[callback])
    return len(history.history["loss"]), callback.best_epoch, model.get_weights()


def test_same_as_keras_inside_fit():
    kwargs = {"patience": 2, "restore_best_weights": True, "min_delta": 1e-3}
    epochs_ours, best_ours, weights_ours = _fit(callbacks.EarlyStopping(**kwargs))
    epochs_keras, best_keras, weights_keras = _fit(keras.callbacks.EarlyStopping(**kwargs))
    assert epochs_ours == epochs_keras < 15
    assert best_ours == best_keras < epochs_ours - 1
    for a, b in zip(weights_ours, weights_keras):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-6)
