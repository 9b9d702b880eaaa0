"""Batch GD vs SGD vs mini-batch: updates per epoch, schedules, and what they reach."""

import numpy as np
import pytest

from dlcourse import classic
from dlcourse.classic.logistic import mean_logistic_gradient
from dlcourse.data import toy
from dlcourse.errors import DLCourseError


def test_full_batch_sgd_is_gradient_descent():
    x, y = toy.make_blobs(60, seed=0)
    history = classic.sgd(x, y, batch_size=60, epochs=3, learning_rate=0.5)
    w = np.zeros(3)
    for _ in range(3):
        w = w - 0.5 * mean_logistic_gradient(w, x, y.astype(float))
    np.testing.assert_allclose(history["w"], w, rtol=1e-12)
    assert history["iterations"] == 3


def test_inverse_sqrt_schedule_with_batch_size_one():
    x, y = toy.make_blobs(5, seed=0)
    history = classic.sgd(x, y, batch_size=1, epochs=1, learning_rate=0.3, schedule="inv_sqrt", seed=4)
    order = np.random.default_rng(4).permutation(5)
    w = np.zeros(3)
    for t, i in enumerate(order, start=1):
        w = w - 0.3 / np.sqrt(t) * mean_logistic_gradient(w, x[i : i + 1], y[i : i + 1].astype(float))
    np.testing.assert_allclose(history["w"], w, rtol=1e-12)


def test_compare_batch_sizes_counts_updates_and_sgd_is_ahead_per_epoch():
    x, y = toy.make_blobs(256, distance=2.5, seed=1)
    runs = classic.compare_batch_sizes(x, y, epochs=4, minibatch_size=32)
    assert [runs[k]["iterations"] for k in ("batch", "mini-batch", "sgd")] == [4, 32, 1024]
    for run in runs.values():
        assert run["loss"].shape == run["time"].shape == (5,)
        assert np.all(np.diff(run["time"]) >= 0)
    # After one epoch, many small steps beat one big one.
    assert runs["sgd"]["loss"][1] < runs["batch"]["loss"][1]
    assert runs["mini-batch"]["loss"][1] < runs["batch"]["loss"][1]


def test_bad_batch_size_and_schedule_raise():
    x, y = toy.make_blobs(10, seed=0)
    with pytest.raises(DLCourseError, match="batch_size"):
        classic.sgd(x, y, batch_size=0)
    with pytest.raises(DLCourseError, match="schedule"):
        classic.sgd(x, y, batch_size=2, schedule="cosine")
