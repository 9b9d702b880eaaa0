"""The logistic-regression loss on a dataset, as a test function and in closed form.

With features `x` (m, d), labels `y` in {0, 1} and parameters `w = [weights (d), bias]`:

    z = x @ weights + bias
    p = sigmoid(z) = 1 / (1 + exp(-z))
    loss = mean(log(1 + exp(z)) - y * z)  +  0.5 * l2 * |weights|^2     (= cross-entropy)
    gradient = [x^T (p - y) / m + l2 * weights,  mean(p - y)]
    Hessian  = X1^T diag(p * (1 - p)) X1 / m  (+ l2 on the weight block),  X1 = [x, 1]

`LogisticLoss` is a `TestFunction` (tape derivatives); `mean_logistic_loss` and
`mean_logistic_gradient` are the closed forms above in numpy, which `sgd` uses on
mini-batches. The names say "mean": labels 0/1, averaged over the data. The same loss
per sample, for labels in {-1, +1}, is `dlcourse.nn.margin_logistic_loss`.
"""

import numpy as np
import tensorflow as tf

from dlcourse.classic.functions import TestFunction
from dlcourse.errors import DLCourseError


def check_dataset(x, y):
    """`(x, y)` as float64 (m, d) and float64 labels in {0, 1}, or a one-line error."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y)
    if x.ndim != 2 or y.shape != (x.shape[0],):
        raise DLCourseError(
            f"Expected features of shape (m, d) and labels of shape (m,). "
            f"Received: x {x.shape}, y {y.shape}"
        )
    if not np.all(np.isin(y, (0, 1))):
        raise DLCourseError(f"Labels must be 0 or 1. Received: {np.unique(y)[:5].tolist()}")
    return x, y.astype(np.float64)


def sigmoid(z):
    """1 / (1 + exp(-z)), computed without overflow for large |z|."""
    z = np.asarray(z, dtype=np.float64)
    ez = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + ez), ez / (1.0 + ez))


def mean_logistic_loss(w, x, y, l2=0.0):
    """The mean loss above (labels 0/1), in numpy (no tape): a float."""
    z = x @ w[:-1] + w[-1]
    return float(np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * l2 * np.sum(w[:-1] ** 2))


def mean_logistic_gradient(w, x, y, l2=0.0):
    """The closed-form gradient above, in numpy: shape (d + 1,)."""
    residual = sigmoid(x @ w[:-1] + w[-1]) - y
    return np.r_[x.T @ residual / len(y) + l2 * w[:-1], np.mean(residual)]


class LogisticLoss(TestFunction):
    """Cross-entropy of a linear classifier with a bias, as a function of `w` (d + 1,).

    Args:
        x: features (m, d).
        y: labels (m,) in {0, 1}.
        l2: weight of the ridge penalty 0.5 * l2 * |weights|^2 (the bias is not penalised).
    """

    def __init__(self, x, y, l2=0.0):
        self.x, self.y = check_dataset(x, y)
        self.l2 = float(l2)
        self.dim = self.x.shape[1] + 1
        self.minimizers = np.zeros((0, self.dim))
        self.saddles = np.zeros((0, self.dim))
        self._x = tf.constant(self.x, tf.float64)
        self._y = tf.constant(self.y, tf.float64)

    def __call__(self, w):
        z = tf.linalg.matvec(self._x, w[:-1]) + w[-1]
        # softplus(z) = log(1 + exp(z)), stable for large |z|.
        data = tf.reduce_mean(tf.nn.softplus(z) - self._y * z)
        return data + 0.5 * self.l2 * tf.reduce_sum(w[:-1] ** 2)

    def __repr__(self):
        return f"LogisticLoss(m={len(self.y)}, d={self.dim - 1}, l2={self.l2:g})"
