"""One contract table for every optimiser (optax style).

Every case: minimises a quadratic; config round trip; saves and reloads inside a
`.keras` model and then continues identically. Cases with a Keras twin: the same
trajectory as the twin over 120 steps of a 5-8-1 tanh MLP least-squares fit from
identical float32 weights, to rtol=1e-5, atol=1e-6 (measured: bit-identical).
"""

import os

import keras
import numpy as np
import pytest
import tensorflow as tf

from _optimizer_problem import X, Y, run_trajectory
from dlcourse import optimizers
from dlcourse.errors import DLCourseError

STEPS = 120
RTOL, ATOL = 1e-5, 1e-6
K = keras.optimizers

# id: (ours, Keras twin)
TWINS = {
    "sgd": (lambda: optimizers.SGD(0.05), lambda: K.SGD(0.05)),
    "momentum": (lambda: optimizers.SGD(0.05, momentum=0.9),
                 lambda: K.SGD(0.05, momentum=0.9)),
    # The base class's arguments keep working, compared with the twin's.
    "nesterov_clipnorm": (lambda: optimizers.SGD(0.05, momentum=0.9, nesterov=True, clipnorm=0.1),
                          lambda: K.SGD(0.05, momentum=0.9, nesterov=True, clipnorm=0.1)),
    "adagrad": (lambda: optimizers.Adagrad(0.05), lambda: K.Adagrad(0.05)),
    "rmsprop_schedule": (
        lambda: optimizers.RMSprop(K.schedules.ExponentialDecay(0.01, 10, 0.9)),
        lambda: K.RMSprop(K.schedules.ExponentialDecay(0.01, 10, 0.9))),
    "rmsprop_centered_momentum": (
        lambda: optimizers.RMSprop(0.005, rho=0.8, momentum=0.5, centered=True),
        lambda: K.RMSprop(0.005, rho=0.8, momentum=0.5, centered=True)),
    "adam": (lambda: optimizers.Adam(0.01), lambda: K.Adam(0.01)),
    "adam_amsgrad_global_clipnorm": (
        lambda: optimizers.Adam(0.01, amsgrad=True, global_clipnorm=0.1),
        lambda: K.Adam(0.01, amsgrad=True, global_clipnorm=0.1)),
    "adam_weight_decay": (lambda: optimizers.Adam(0.01, weight_decay=0.1),
                          lambda: K.Adam(0.01, weight_decay=0.1)),
    "adamw": (lambda: optimizers.AdamW(0.01, weight_decay=0.05),
              lambda: K.AdamW(0.01, weight_decay=0.05)),
}

# id: (factory, learning rate that minimises the quadratic in 200 steps)
ALL = {
    "sgd": lambda: optimizers.SGD(0.1),
    "momentum": lambda: optimizers.SGD(0.05, momentum=0.9),
    "nesterov": lambda: optimizers.SGD(0.05, momentum=0.9, nesterov=True),
    "momentum_warmup": lambda: optimizers.SGD(
        0.05, momentum=optimizers.MomentumWarmup(0.5, 0.9, warmup_steps=20)),
    "adagrad": lambda: optimizers.Adagrad(0.5),
    "rmsprop": lambda: optimizers.RMSprop(0.02),
    "adam": lambda: optimizers.Adam(0.05),
    "adamw": lambda: optimizers.AdamW(0.05, weight_decay=1e-3),
    "radam": lambda: optimizers.RAdam(0.05),
    "lookahead_adam": lambda: optimizers.Lookahead(optimizers.Adam(0.05), sync_period=5),
    "lookahead_keras_sgd": lambda: optimizers.Lookahead(K.SGD(0.1, momentum=0.5)),
    "ranger": lambda: optimizers.Ranger(0.1),
}


def _max_gap(history_a, history_b):
    return max(np.max(np.abs(a - b)) for sa, sb in zip(history_a, history_b)
               for a, b in zip(sa, sb))


@pytest.mark.parametrize("case", sorted(TWINS))
def test_same_trajectory_as_keras_twin(case):
    ours, twin = TWINS[case]
    history_ours = run_trajectory(ours(), STEPS)
    history_twin = run_trajectory(twin(), STEPS)
    for step, (a, b) in enumerate(zip(history_ours, history_twin)):
        for w_ours, w_twin in zip(a, b):
            np.testing.assert_allclose(w_ours, w_twin, rtol=RTOL, atol=ATOL,
                                       err_msg=f"{case}: step {step + 1}")
    # The problem is not trivial: the weights really moved.
    assert np.max(np.abs(history_ours[-1][0] - history_ours[0][0])) > 1e-2


def _quadratic(variables):
    # 0.5 * sum(a_i * (w_i - c_i)**2), condition number 10, minimum 0 at c.
    (w,) = variables
    a = np.linspace(1.0, 10.0, 6).astype("float32")
    c = np.array([1.0, -2.0, 0.5, 3.0, -1.0, 2.0], "float32")
    return 0.5 * keras.ops.sum(a * keras.ops.square(w - c))


@pytest.mark.parametrize("case", sorted(ALL))
def test_minimises_a_quadratic(case):
    start = [np.zeros(6, "float32")]
    initial = float(_quadratic([start[0]]))
    final_weights = run_trajectory(ALL[case](), 200, weights=start, loss_fn=_quadratic)[-1]
    assert float(_quadratic(final_weights)) < 1e-2 * initial


@pytest.mark.parametrize("case", sorted(ALL))
def test_config_round_trip(case):
    optimizer = ALL[case]()
    config = optimizer.get_config()
    clone = type(optimizer).from_config(config)
    assert type(clone) is type(optimizer)
    assert clone.get_config() == config
    # Through Keras's registry too (what `.keras` files use).
    revived = K.deserialize(K.serialize(optimizer))
    assert type(revived) is type(optimizer) and revived.get_config() == config


def _train(model, optimizer, steps):
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = keras.ops.mean(keras.ops.square(model(X) - Y))
        optimizer.apply(tape.gradient(loss, model.trainable_variables), model.trainable_variables)


@pytest.mark.parametrize("case", ["momentum_warmup", "rmsprop", "adamw", "radam",
                                  "lookahead_keras_sgd", "ranger"])
def test_saves_and_continues_identically_inside_keras_model(case, tmp_path):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(8, activation="tanh"),
                              keras.layers.Dense(1)])
    optimizer = ALL[case]()
    model.compile(optimizer=optimizer, loss="mse")
    _train(model, optimizer, 4)
    path = os.path.join(tmp_path, f"{case}.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    assert type(loaded.optimizer) is type(optimizer)
    assert int(loaded.optimizer.iterations) == 4
    # 4 + 5 steps crosses Lookahead's sync at 6: the slow weights were restored.
    _train(model, optimizer, 5)
    _train(loaded, loaded.optimizer, 5)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


# One bad argument per optimiser: each raises our one-line error, never a bare ValueError.
BAD_ARGUMENTS = {
    "sgd": lambda: optimizers.SGD(0.1, momentum=1.5),
    "momentum_warmup": lambda: optimizers.MomentumWarmup(0.5, 0.9, warmup_steps=0),
    "adagrad": lambda: optimizers.Adagrad(0.1, initial_accumulator_value=-1.0),
    "rmsprop": lambda: optimizers.RMSprop(0.1, rho=1.0),
    "adam": lambda: optimizers.Adam(0.1, beta_1=1.0),
    "adamw": lambda: optimizers.AdamW(0.1, weight_decay=None),
    "radam": lambda: optimizers.RAdam(0.1, beta_2=1.0),
    "lookahead": lambda: optimizers.Lookahead(optimizers.Adam(0.1), sync_period=0),
    "ranger": lambda: optimizers.Ranger(0.1, sync_period=0),
}


@pytest.mark.parametrize("case", sorted(BAD_ARGUMENTS))
def test_bad_arguments_raise_dlcourse_error(case):
    with pytest.raises(DLCourseError, match="Received"):
        BAD_ARGUMENTS[case]()
