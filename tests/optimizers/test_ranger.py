"""Ranger = RAdam inside Lookahead, against numpy written from both papers."""

import numpy as np

from _optimizer_problem import QUAD_START, quadratic_gradient, radam_reference_step, run_quadratic
from dlcourse.optimizers import RAdam, Ranger

RTOL, ATOL = 1e-5, 1e-5


def ranger_reference(steps, learning_rate, beta_1, beta_2, epsilon, k, alpha):
    """RAdam's steps (Liu et al. 2019), with Lookahead's sync every `k` (Zhang et al. 2019)."""
    w = QUAD_START.astype("float64")
    slow, m, v = w.copy(), np.zeros_like(w), np.zeros_like(w)
    history = []
    for t in range(1, steps + 1):
        w, m, v, _ = radam_reference_step(w, quadratic_gradient(w), m, v, t, learning_rate,
                                          beta_1, beta_2, epsilon)
        if t % k == 0:
            slow = slow + alpha * (w - slow)
            w = slow.copy()
        history.append(w.copy())
    return np.array(history)


def test_matches_radam_plus_lookahead_by_hand():
    expected = ranger_reference(15, 0.01, beta_1=0.95, beta_2=0.999, epsilon=1e-5, k=6, alpha=0.5)
    got = run_quadratic(Ranger(0.01), 15)  # defaults: beta_1 0.95, eps 1e-5, k 6, alpha 0.5
    np.testing.assert_allclose(got, expected, rtol=RTOL, atol=ATOL)


def test_inner_is_radam_with_base_arguments_passed_through():
    ranger = Ranger(0.01, weight_decay=0.01, global_clipnorm=1.0)
    assert isinstance(ranger.inner_optimizer, RAdam)
    assert ranger.inner_optimizer.weight_decay == 0.01
    assert ranger.inner_optimizer.global_clipnorm == 1.0
    config = ranger.get_config()
    assert config["sync_period"] == 6 and config["weight_decay"] == 0.01


def test_fit_matches_eager_steps():
    # Lookahead's sync runs as a graph `cond` inside `fit`'s compiled step: same result.
    import keras
    import tensorflow as tf

    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5], [3.0]], "float32")).astype("float32")

    def linear_model():
        keras.utils.set_random_seed(0)
        return keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])

    fitted = linear_model()
    fitted.compile(optimizer=Ranger(0.05, sync_period=3), loss="mse", steps_per_execution=2)
    history = fitted.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history["loss"]
    assert np.isfinite(history).all() and history[-1] < history[0]
    assert int(fitted.optimizer.iterations) == 16

    eager = linear_model()
    optimizer = Ranger(0.05, sync_period=3)
    for _ in range(2):
        for start in range(0, 64, 8):
            with tf.GradientTape() as tape:
                pred = eager(x[start:start + 8])
                loss = keras.ops.mean(keras.ops.square(pred - y[start:start + 8]))
            optimizer.apply(tape.gradient(loss, eager.trainable_variables),
                            eager.trainable_variables)
    for a, b in zip(fitted.get_weights(), eager.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
