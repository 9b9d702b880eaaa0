"""One test per private Keras access in `dlcourse._compat`: an upgrade fails here first."""

import keras
import numpy as np
import pytest

from dlcourse import _compat
from dlcourse.errors import DLCourseError


def _model(dropout=False):
    inputs = keras.Input((3,))
    x = keras.layers.Dropout(0.5, seed=1)(inputs) if dropout else inputs
    model = keras.Model(inputs, keras.layers.Dense(2)(x))
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", metrics=["accuracy"])
    return model


def test_set_initial_epoch_makes_fit_start_there():
    model = _model()

    class Jump(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            _compat.set_initial_epoch(self.model, 2)

    history = model.fit(np.ones((4, 3)), np.ones((4, 2)), epochs=4, verbose=0, callbacks=[Jump()])
    assert history.epoch == [2, 3]


def test_loss_tracker_is_the_mean_behind_the_logged_loss():
    model = _model()
    model.fit(np.ones((4, 3)), np.ones((4, 2)), epochs=1, verbose=0)
    tracker = _compat.loss_tracker(model)
    assert isinstance(tracker, keras.metrics.Mean)
    assert float(tracker.result()) > 0


def test_learning_rate_value_is_the_schedule_or_the_variable():
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)
    assert _compat.learning_rate_value(keras.optimizers.SGD(schedule)) is schedule
    assert float(_compat.learning_rate_value(keras.optimizers.SGD(0.25))) == 0.25


def test_metric_direction_of_accuracy_and_loss():
    assert _compat.metric_direction(keras.metrics.Accuracy()) == "up"
    assert _compat.metric_direction(keras.metrics.MeanSquaredError()) == "down"


def test_seed_generator_states_finds_dropout_state_not_weights():
    model = _model(dropout=True)
    states = _compat.seed_generator_states(model)
    assert len(states) == 1 and "seed_generator_state" in states[0].path
    assert all(id(s) not in {id(w) for w in model.weights} for s in states)


def test_missing_attribute_fails_loudly_with_the_version():
    with pytest.raises(DLCourseError, match=keras.__version__):
        _compat.set_initial_epoch(object(), 1)
