"""Batch gradient descent vs SGD vs mini-batch SGD on logistic regression.

One epoch = one pass over the m examples, in a seeded random order, cut in batches:

    for each batch B (|B| = batch_size; batch_size = m is batch gradient descent):
        t = t + 1
        g = x_B^T (sigmoid(x_B w + b) - y_B) / |B|  (+ l2 * w)      closed-form gradient
        w = w - eta_t * g
    eta_t = learning_rate                  schedule "constant"
    eta_t = learning_rate / sqrt(t)        schedule "inv_sqrt" (Robbins-Monro style decay)

Batch GD makes 1 update per epoch at cost O(m d); SGD makes m updates at O(d) each: in
epochs SGD is far ahead, per update it is far cheaper, and its noise needs the decaying
step to settle. The gradient is the closed form (numpy) so the timing measures the
arithmetic, not the framework's per-call overhead.
"""

import time

import numpy as np

from dlcourse.classic.logistic import check_dataset, mean_logistic_gradient, mean_logistic_loss
from dlcourse.errors import DLCourseError

SCHEDULES = ("constant", "inv_sqrt")


def sgd(x, y, batch_size, epochs=20, learning_rate=0.5, schedule="constant", l2=0.0, seed=0):
    """Train logistic regression by mini-batch SGD; return its per-epoch history.

    Returns:
        dict: "epoch" (epochs + 1,), "loss" full-data loss after each epoch (and at 0),
        "time" cumulative training seconds (loss evaluation excluded), "iterations"
        (total updates), "seconds_per_iteration", "w" the final parameters (d + 1,).
    """
    x, y = check_dataset(x, y)
    m = len(y)
    if int(batch_size) != batch_size or not 1 <= batch_size <= m:
        raise DLCourseError(f"`batch_size` must be an integer in [1, {m}]. Received: {batch_size}")
    if schedule not in SCHEDULES:
        raise DLCourseError(f"Unknown schedule {schedule!r}. Valid schedules: {', '.join(SCHEDULES)}")
    batch_size = int(batch_size)
    rng = np.random.default_rng(seed)
    w = np.zeros(x.shape[1] + 1)
    losses, times, t, elapsed = [mean_logistic_loss(w, x, y, l2)], [0.0], 0, 0.0
    for _ in range(int(epochs)):
        order = rng.permutation(m)
        start = time.perf_counter()
        for begin in range(0, m, batch_size):
            batch = order[begin : begin + batch_size]
            t += 1
            eta = learning_rate if schedule == "constant" else learning_rate / np.sqrt(t)
            w = w - eta * mean_logistic_gradient(w, x[batch], y[batch], l2)
        elapsed += time.perf_counter() - start
        losses.append(mean_logistic_loss(w, x, y, l2))
        times.append(elapsed)
    return {
        "epoch": np.arange(int(epochs) + 1),
        "loss": np.array(losses),
        "time": np.array(times),
        "iterations": t,
        "seconds_per_iteration": elapsed / max(t, 1),
        "w": w,
    }


def compare_batch_sizes(
    x, y, epochs=20, minibatch_size=32, learning_rate=0.5, sgd_constant=0.5, l2=1e-3, seed=0
):
    """Batch GD (constant step), mini-batch (constant step), SGD (eta_t = c / sqrt(t)).

    Returns:
        dict name -> `sgd` history, names "batch", "mini-batch", "sgd".
    """
    m = len(np.asarray(y))
    runs = {
        "batch": dict(batch_size=m, learning_rate=learning_rate, schedule="constant"),
        "mini-batch": dict(
            batch_size=min(minibatch_size, m), learning_rate=learning_rate, schedule="constant"
        ),
        "sgd": dict(batch_size=1, learning_rate=sgd_constant, schedule="inv_sqrt"),
    }
    return {name: sgd(x, y, epochs=epochs, l2=l2, seed=seed, **kw) for name, kw in runs.items()}
