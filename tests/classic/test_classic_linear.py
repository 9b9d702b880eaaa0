"""Perceptron, logistic regression by gradient descent, and the feature maps."""

import numpy as np
import pytest

from dlcourse import classic
from dlcourse.classic.logistic import sigmoid
from dlcourse.data import toy
from dlcourse.errors import DLCourseError


def test_perceptron_reaches_zero_training_errors_on_a_separable_set():
    x, y = toy.make_separable(150, margin=0.2, seed=1)
    clf = classic.perceptron(x, y, epochs=200, seed=0)
    assert clf.history["errors"][-1] == 0
    assert clf.accuracy(x, y) == 1.0
    t = 2 * y - 1
    assert np.all(t * clf.decision_function(x) > 0)


def test_perceptron_first_update_is_the_hand_computed_one():
    x = np.array([[1.0, 2.0], [-1.0, -1.0]])
    y = np.array([1, 0])
    clf = classic.perceptron(x, y, epochs=1, learning_rate=0.5, seed=0)
    order = np.random.default_rng(0).permutation(2)
    w, b = np.zeros(2), 0.0
    for i in order:
        t = 2 * y[i] - 1
        if t * (x[i] @ w + b) <= 0:
            w, b = w + 0.5 * t * x[i], b + 0.5 * t
    np.testing.assert_allclose(clf.weights, w)
    assert clf.bias == b


def test_perceptron_cannot_solve_xor_but_can_with_polynomial_features():
    x, y = toy.make_xor(120, noise=0.2, seed=0)
    plain = classic.perceptron(x, y, epochs=30)
    assert plain.history["errors"].min() > 0 and plain.accuracy(x, y) < 0.8
    curved = classic.perceptron(x, y, epochs=200, features=classic.PolynomialFeatures(2))
    assert curved.accuracy(x, y) == 1.0


def test_logistic_regression_is_gradient_descent_on_the_closed_form_gradient():
    x, y = toy.make_blobs(80, seed=2)
    clf = classic.logistic_regression(x, y, learning_rate=0.5, epochs=5)
    w = np.zeros(3)
    for _ in range(5):
        z = x @ w[:2] + w[2]
        residual = sigmoid(z) - y
        w = w - 0.5 * np.r_[x.T @ residual / len(y), residual.mean()]
    np.testing.assert_allclose(np.r_[clf.weights, clf.bias], w, rtol=1e-12)
    assert np.all(np.diff(clf.history["loss"]) < 0)


def test_logistic_regression_fits_blobs_and_matches_newton():
    x, y = toy.make_blobs(100, distance=2.0, noise=0.8, seed=0)
    gd = classic.logistic_regression(x, y, learning_rate=1.0, epochs=2000, l2=0.01)
    newton = classic.logistic_regression(x, y, epochs=50, l2=0.01, method="newton")
    np.testing.assert_allclose(np.r_[gd.weights, gd.bias], np.r_[newton.weights, newton.bias], atol=1e-5)
    assert gd.accuracy(x, y) > 0.8


def test_feature_maps_by_hand():
    x = np.array([[2.0, 3.0]])
    np.testing.assert_allclose(classic.PolynomialFeatures(2)(x), [[2, 3, 4, 6, 9]])
    assert classic.PolynomialFeatures(3)(x).shape == (1, 9)
    rbf = classic.RBFFeatures(centers=[[2.0, 3.0], [0.0, 0.0]], gamma=0.5)
    np.testing.assert_allclose(rbf(x), [[1.0, np.exp(-0.5 * 13)]])
    with pytest.raises(DLCourseError, match="degree"):
        classic.PolynomialFeatures(0)
    with pytest.raises(DLCourseError, match="Labels must be 0 or 1"):
        classic.perceptron(x, np.array([2]))
