"""Probabilistic losses and their gradients, written out. Mirror `keras.losses`.

Every loss returns one value per sample (shape (batch,)), like the `keras.losses`
functions; averaging over the batch is the caller's (or `regularized_risk`'s) job.
Labels `y` are one-hot rows (categorical) or integer class indices (sparse).

From logits z (stable: log-sum-exp never overflows, log never sees 0):

    log_softmax(z)  = z - max(z) - log(sum(exp(z - max(z))))
    ce(y, z)        = -sum(y * log_softmax(z))
    d ce / d z      = softmax(z) - y                       (the famous clean gradient)

From probabilities p, exactly as Keras does it (`epsilon = 1e-7` = `keras.config.epsilon()`):

    p  = p / sum(p)                                         (categorical only)
    p  = clip(p, epsilon, 1 - epsilon)                      so log(p) stays finite
    ce = -sum(y * log(p))

Clipping bounds the loss at -log(1e-7) ~ 16.1 per sample and kills the gradient of
clipped entries; prefer logits (`from_logits=True`) whenever you have them.

    nll(y, log_p)   = -log_p[y]                             (log-probabilities in)
    mse(y, y_hat)   = mean((y - y_hat)**2) over the last axis,  d/d y_hat = 2 (y_hat - y) / n
    zero_one(y, p)  = 1 if argmax(p) != y else 0             (a metric: no useful gradient)
"""

import numpy as np

from dlcourse.errors import DLCourseError
from dlcourse.nn.softmax import Softmax

EPSILON = 1e-7
_SOFTMAX = Softmax()


def _one_hot(labels, num_classes):
    labels = np.asarray(labels).astype(np.int64).reshape(-1)
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise DLCourseError(
            f"Labels must be class indices in [0, {num_classes}); pass integers, not one-hot rows. "
            f"Received: min={labels.min()}, max={labels.max()}"
        )
    return np.eye(num_classes, dtype=np.float64)[labels]


def _check_same_shape(y_true, y_pred):
    if y_true.shape != y_pred.shape:
        raise DLCourseError(
            "`y_true` and `y_pred` must have the same shape (one-hot labels for categorical "
            f"losses). Received: y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}"
        )


def categorical_crossentropy(y_true, y_pred, from_logits=False):
    """Cross-entropy per sample. Mirrors `keras.losses.categorical_crossentropy`.

    Args:
        y_true: one-hot (or soft) labels, shape (batch, num_classes).
        y_pred: logits if `from_logits`, else probabilities; same shape.
        from_logits: whether `y_pred` are logits (stable log-sum-exp path).

    Returns:
        float64 array of shape (batch,).
    """
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    _check_same_shape(y_true, y_pred)
    if from_logits:
        return -np.sum(y_true * _SOFTMAX.log_value(y_pred), axis=-1)
    p = y_pred / np.sum(y_pred, axis=-1, keepdims=True)
    p = np.clip(p, EPSILON, 1.0 - EPSILON)
    return -np.sum(y_true * np.log(p), axis=-1)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False):
    """Cross-entropy per sample with integer labels. Mirrors `keras.losses.sparse_categorical_crossentropy`.

    From probabilities Keras clips first and then treats log(p) as logits, which
    renormalises: ce = -log(clip(p)[y] / sum(clip(p))). We do the same.

    Args:
        y_true: integer class indices, shape (batch,).
        y_pred: logits if `from_logits`, else probabilities; shape (batch, num_classes).
        from_logits: whether `y_pred` are logits.

    Returns:
        float64 array of shape (batch,).
    """
    y_pred = np.asarray(y_pred, dtype=np.float64)
    logits = y_pred if from_logits else np.log(np.clip(y_pred, EPSILON, 1.0 - EPSILON))
    return categorical_crossentropy(_one_hot(y_true, y_pred.shape[-1]), logits, from_logits=True)


def softmax_crossentropy_gradient(y_true, logits):
    """d ce / d logits = softmax(logits) - y, per sample (not divided by the batch size).

    Args:
        y_true: one-hot rows (batch, num_classes) or integer labels (batch,).
        logits: shape (batch, num_classes).

    Returns:
        float64 array shaped like `logits`.
    """
    logits = np.asarray(logits, dtype=np.float64)
    y_true = np.asarray(y_true)
    if y_true.ndim == logits.ndim - 1:
        y_true = _one_hot(y_true, logits.shape[-1])
    return _SOFTMAX.value(logits) - y_true


def negative_log_likelihood(y_true, log_probs):
    """nll = -log_probs[y] per sample, for normalised log-probabilities (e.g. `log_softmax`).

    Equals `sparse_categorical_crossentropy(y, log_probs, from_logits=True)` because
    log_softmax leaves already normalised log-probabilities unchanged.

    Args:
        y_true: integer class indices, shape (batch,).
        log_probs: log-probabilities, shape (batch, num_classes).

    Returns:
        float64 array of shape (batch,).
    """
    log_probs = np.asarray(log_probs, dtype=np.float64)
    return -np.sum(_one_hot(y_true, log_probs.shape[-1]) * log_probs, axis=-1)


def mean_squared_error(y_true, y_pred):
    """mean((y_true - y_pred)**2) over the last axis. Mirrors `keras.losses.mean_squared_error`."""
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    _check_same_shape(y_true, y_pred)
    return np.mean((y_true - y_pred) ** 2, axis=-1)


def mean_squared_error_gradient(y_true, y_pred):
    """d mse / d y_pred = 2 * (y_pred - y_true) / n, with n the size of the last axis."""
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    _check_same_shape(y_true, y_pred)
    return 2.0 * (y_pred - y_true) / y_pred.shape[-1]


def zero_one_loss(y_true, y_pred):
    """The 0-1 loss as a metric: the fraction of samples whose argmax is not the label.

    Equals `1 - keras.metrics.sparse_categorical_accuracy` averaged over the batch.
    Piecewise constant, so its gradient is 0 almost everywhere: we train on
    cross-entropy and report this.

    Args:
        y_true: integer labels (batch,) or one-hot rows (batch, num_classes).
        y_pred: scores, logits or probabilities, shape (batch, num_classes).

    Returns:
        A float in [0, 1].
    """
    y_pred = np.asarray(y_pred)
    y_true = np.asarray(y_true)
    labels = np.argmax(y_true, axis=-1) if y_true.ndim == y_pred.ndim else y_true.reshape(-1)
    return float(np.mean(np.argmax(y_pred, axis=-1) != labels))
