"""Mean and variance over some axes, on one device or across replicas (private).

Shared by `BatchNormalization` and `LayerNormalization`.
"""

from keras import ops


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
