"""Margin losses for labels y in {-1, +1}: the perceptron and logistic losses.

A linear classifier scores f = w . x + b and predicts sign(f); the margin y * f is
positive when the prediction is right. Both losses are functions of the margin alone:

    perceptron(y, f)  = max(0, -y * f)
    d / d f           = -y   if y * f <= 0   else 0        (a subgradient at y * f == 0)

    logistic(y, f)    = log(1 + exp(-y * f))                 = softplus(-y * f)
    d / d f           = -y * sigmoid(-y * f)

The logistic loss is the binary cross-entropy in disguise: with t = (y + 1) / 2 in {0, 1},
log(1 + exp(-y f)) = -t log sigmoid(f) - (1 - t) log(1 - sigmoid(f)), i.e.
`keras.losses.binary_crossentropy(t, f, from_logits=True)`. We compute it as
logaddexp(0, -y f), which never overflows (f = 1000 gives 0, f = -1000 gives 1000).
The perceptron loss is 0 on every correctly classified point, however small its
margin; the logistic loss keeps pushing the margin up, more gently as it grows.

Names: `margin_logistic_loss` takes labels in {-1, +1} and returns one loss per sample;
practical 1's `dlcourse.classic.mean_logistic_loss` is the same loss written for labels
in {0, 1}, as a function of the weights, averaged over a dataset.

Example:

    perceptron_loss(np.array([1, -1]), np.array([0.5, 0.5]))   # [0.0, 0.5]
"""

import numpy as np

from dlcourse.errors import DLCourseError


def _labels(y_true, scores):
    y_true = np.asarray(y_true, dtype=np.float64)
    scores = np.asarray(scores, dtype=np.float64)
    if not np.all(np.isin(y_true, (-1.0, 1.0))):
        raise DLCourseError(
            "Margin losses need labels in {-1, +1}: map 0/1 labels with y = 2 * t - 1. "
            f"Received: labels {np.unique(y_true)[:5].tolist()}"
        )
    if y_true.shape != scores.shape:
        raise DLCourseError(
            "`y_true` and `scores` must have the same shape. "
            f"Received: y_true.shape={y_true.shape}, scores.shape={scores.shape}"
        )
    return y_true, scores


def perceptron_loss(y_true, scores):
    """max(0, -y * f) per sample.

    Args:
        y_true: labels in {-1, +1}, shape (batch,).
        scores: real-valued scores f, same shape.

    Returns:
        float64 array of shape (batch,).
    """
    y, f = _labels(y_true, scores)
    return np.maximum(0.0, -y * f)


def perceptron_loss_gradient(y_true, scores):
    """d perceptron / d f = -y where y * f <= 0 (mistakes and ties), else 0."""
    y, f = _labels(y_true, scores)
    return np.where(y * f <= 0, -y, 0.0)


def margin_logistic_loss(y_true, scores):
    """log(1 + exp(-y * f)) per sample, computed as logaddexp(0, -y * f).

    Args:
        y_true: labels in {-1, +1}, shape (batch,).
        scores: real-valued scores f, same shape.

    Returns:
        float64 array of shape (batch,).
    """
    y, f = _labels(y_true, scores)
    return np.logaddexp(0.0, -y * f)


def margin_logistic_loss_gradient(y_true, scores):
    """d logistic / d f = -y * sigmoid(-y * f) = -y / (1 + exp(y * f))."""
    y, f = _labels(y_true, scores)
    # exp(-logaddexp(0, m)) = 1 / (1 + exp(m)) without overflow.
    return -y * np.exp(-np.logaddexp(0.0, y * f))
