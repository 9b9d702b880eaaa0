"""Normalisation helpers shared by our normalisation layers (private).

Mean and variance over some axes, on one device or across replicas; the affine
normalisation `gamma * (x - mean) / sqrt(variance + epsilon) + beta`; and the checking
of `axis` against an input shape.
"""

from keras import ops

from dlcourse.errors import DLCourseError


def normalized_axes(axis, input_shape):
    """Check `axis` (an int or a list) against `input_shape`.

    Returns:
        `(axes, param_shape, broadcast_shape)`: the sorted non-negative axes, the shape of
        gamma/beta, and `(1, ..., d_a, ..., 1)` to broadcast them over the other axes.
    """
    ndim = len(input_shape)
    for a in axis if isinstance(axis, list) else [axis]:
        if not -ndim <= a < ndim or input_shape[a] is None:
            raise DLCourseError(
                "`axis` must index known dimensions of the input. "
                f"Received: axis={axis}, input_shape={tuple(input_shape)}"
            )
    axes = sorted(a % ndim for a in (axis if isinstance(axis, list) else [axis]))
    param_shape = tuple(input_shape[a] for a in axes)
    broadcast_shape = [input_shape[i] if i in axes else 1 for i in range(ndim)]
    return axes, param_shape, broadcast_shape


def affine_normalize(x, mean, variance, epsilon, gamma, beta, broadcast_shape):
    """gamma * (x - mean) / sqrt(variance + epsilon) + beta, as one multiply-add.

        inv = gamma / sqrt(variance + epsilon)
        y = x * inv + (beta - mean * inv)

    `gamma` and `beta` may be None (no scale, no centre); they are reshaped to
    `broadcast_shape` and cast to `x`'s dtype.
    """
    inv = ops.rsqrt(variance + epsilon)
    if gamma is not None:
        inv = inv * ops.reshape(ops.cast(gamma, x.dtype), broadcast_shape)
    offset = -mean * inv
    if beta is not None:
        offset = offset + ops.reshape(ops.cast(beta, x.dtype), broadcast_shape)
    return x * inv + offset


def moments(x, axes, keepdims=True):
    """Two-pass mean and (biased) variance of `x` over `axes`.

        mean = mean(x)
        variance = mean((x - mean)**2)

    `mean` is held constant inside `variance`, as `tf.nn.moments` does: the
    derivative of `variance` through `mean` is `-2 * mean(x - mean) = 0` anyway,
    so this only removes a term that is zero.
    """
    mean = ops.mean(x, axis=axes, keepdims=True)
    variance = ops.mean(ops.square(x - ops.stop_gradient(mean)), axis=axes, keepdims=True)
    if not keepdims:
        mean, variance = ops.squeeze(mean, axis=axes), ops.squeeze(variance, axis=axes)
    return mean, variance


def cross_replica_moments(x, axes, keepdims=True):
    """Mean and variance of the *global* batch under a `tf.distribute` strategy.

    Each replica sees only its slice of the batch. Summing three numbers over the
    replicas gives the statistics of the whole batch:

        total = all_reduce_sum(sum(x))
        total_sq = all_reduce_sum(sum(x**2))
        count = all_reduce_sum(number of elements)
        mean = total / count
        variance = max(total_sq / count - mean**2, 0)

    This is what Keras does for `BatchNormalization(synchronized=True)`
    (keras/src/backend/tensorflow/nn.py, `_compute_moments_sync`), including using
    this one-pass formula whenever a replica context exists (also on one device).
    Outside any replica context it falls back to `moments`.
    """
    # keras.ops has no all-reduce: the collective is TensorFlow's.
    import tensorflow as tf

    replica_context = tf.distribute.get_replica_context()
    if not replica_context:
        return moments(x, axes, keepdims)
    total = ops.sum(x, axis=axes, keepdims=True)
    total_sq = ops.sum(ops.square(x), axis=axes, keepdims=True)
    count = ops.sum(ops.ones_like(x), axis=axes, keepdims=True)
    total, total_sq, count = (
        replica_context.all_reduce(tf.distribute.ReduceOp.SUM, t) for t in (total, total_sq, count)
    )
    mean = ops.divide_no_nan(total, count)
    # Rounding can make E[x^2] - E[x]^2 slightly negative.
    variance = ops.maximum(ops.divide_no_nan(total_sq, count) - ops.square(mean), 0.0)
    if not keepdims:
        mean, variance = ops.squeeze(mean, axis=axes), ops.squeeze(variance, axis=axes)
    return mean, variance
