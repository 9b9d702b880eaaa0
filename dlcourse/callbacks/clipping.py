"""Gradient clipping by global norm: rescale all gradients together when too long."""

import numbers

from keras import ops

from dlcourse.errors import DLCourseError


def global_norm(gradients):
    """The Euclidean norm of all gradients together, as if concatenated into one vector.

        ||G|| = sqrt(sum over tensors g of sum(g ** 2))

    Args:
        gradients: a list of tensors (or arrays); `None` entries are skipped.

    Returns:
        A float32 scalar tensor.
    """
    squares = [
        ops.sum(ops.square(ops.cast(g, "float32"))) for g in gradients if g is not None
    ]
    if not squares:
        return ops.convert_to_tensor(0.0, dtype="float32")
    return ops.sqrt(ops.sum(ops.stack(squares)))


def clip_by_norm(gradients, max_norm):
    """Clip gradients by their global norm. Mirrors `tf.clip_by_global_norm` and the
    optimizers' `global_clipnorm` argument.

    With `G` all the gradients as one vector and `mu = max_norm`:

        G = min(mu, ||G||) * G / ||G||

    i.e. `G` is left alone when `||G|| <= mu` and rescaled to length exactly `mu`
    otherwise; the direction never changes, only the step length. It is computed
    as `G * mu / max(||G||, mu)`, which is the same thing and is safe at `G = 0`
    (returns zeros, no division by zero). A non-finite norm gives NaN gradients, as
    in TensorFlow: clipping cannot rescue an overflowed step.

    Clipping all layers together (global norm) keeps the relative sizes of the
    layers' gradients; clipping each tensor alone (Keras's `clipnorm`) does not.
    In `model.fit` pass `global_clipnorm=mu` to the optimizer; this function is for
    custom `train_step`s and for seeing the formula work.

    Args:
        gradients: a list of tensors (or arrays); `None` entries stay `None`.
        max_norm: float > 0, the largest allowed global norm `mu`.

    Returns:
        A list of tensors like `gradients` (same shapes and dtypes, `None` kept).

    Example:

        grads = tape.gradient(loss, model.trainable_variables)
        grads = clip_by_norm(grads, 1.0)
        optimizer.apply(grads, model.trainable_variables)

    Reference: Pascanu, Mikolov & Bengio 2013, "On the difficulty of training
    recurrent neural networks", Algorithm 1.
    """
    if (
        isinstance(max_norm, bool)
        or not isinstance(max_norm, numbers.Real)
        or not 0 < max_norm < float("inf")
    ):
        raise DLCourseError(
            f"`max_norm` must be a finite number > 0. Received: max_norm={max_norm!r}"
        )
    gradients = list(gradients)
    norm = global_norm(gradients)
    scale = max_norm / ops.maximum(norm, max_norm)
    # A non-finite norm makes the scale NaN instead of silently zeroing the step.
    scale = scale + (norm - norm)
    clipped = []
    for g in gradients:
        if g is not None:
            g = ops.convert_to_tensor(g)
            g = g * ops.cast(scale, g.dtype)  # keep each gradient's own dtype
        clipped.append(g)
    return clipped
