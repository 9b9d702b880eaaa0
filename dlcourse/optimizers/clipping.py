"""Gradient clipping by global norm: rescale all gradients together when they are too long.

`global_norm` is the one norm-of-all-gradients in the package: SAM's ascent step and the
gradient monitor's per-layer norms use it too.
"""

import numbers

from keras import ops

from dlcourse.errors import DLCourseError


def global_norm(gradients):
    """The Euclidean norm of all gradients together. Mirrors `tf.linalg.global_norm`.

        ||G|| = sqrt(sum over tensors g of sum(g ** 2))

    Computed in float32 whatever the gradients' dtype (squares overflow in float16).

    Args:
        gradients: a list of tensors (or arrays); `None` entries are skipped.

    Returns:
        A float32 scalar tensor (0 for an empty list).

    Example:

        global_norm([np.array([3.0, 0.0]), np.array([[4.0]])])   # 5.0
    """
    squares = [ops.sum(ops.square(ops.cast(g, "float32"))) for g in gradients if g is not None]
    if not squares:
        return ops.convert_to_tensor(0.0, dtype="float32")
    return ops.sqrt(ops.sum(ops.stack(squares)))


def clip_by_global_norm(gradients, clip_norm):
    """Clip gradients by their global norm. Mirrors `tf.clip_by_global_norm` (and the
    optimizers' `global_clipnorm` argument, which applies it before each update).

    With `G` all the gradients as one vector and `mu = clip_norm`:

        G = min(mu, ||G||) * G / ||G||

    i.e. `G` is left alone when `||G|| <= mu` and rescaled to length exactly `mu`
    otherwise; the direction never changes, only the step length. It is computed
    as `G * mu / max(||G||, mu)`, which is the same thing and is safe at `G = 0`
    (zeros stay zeros). A non-finite norm gives NaN gradients, as in TensorFlow:
    clipping cannot rescue an overflowed step.

    Clipping all layers together (global norm) keeps the relative sizes of the
    layers' gradients; clipping each tensor alone (Keras's `clipnorm`,
    `tf.clip_by_norm`) does not. In `model.fit` pass `global_clipnorm=mu` to the
    optimizer; this function is for custom `train_step`s and for seeing the formula work.

    Args:
        gradients: a list of tensors (or arrays); `None` entries stay `None`.
        clip_norm: float > 0, the largest allowed global norm `mu`.

    Returns:
        `(clipped, norm)` as TensorFlow returns them: a list like `gradients` (same
        shapes and dtypes, `None` kept) and the global norm before clipping.

    Example:

        grads = tape.gradient(loss, model.trainable_variables)
        grads, _ = clip_by_global_norm(grads, 1.0)
        optimizer.apply(grads, model.trainable_variables)

    Reference: Pascanu, Mikolov & Bengio 2013, "On the difficulty of training
    recurrent neural networks", Algorithm 1.
    """
    if (
        isinstance(clip_norm, bool)
        or not isinstance(clip_norm, numbers.Real)
        or not 0 < clip_norm < float("inf")
    ):
        raise DLCourseError(
            f"`clip_norm` must be a finite number > 0. Received: clip_norm={clip_norm!r}"
        )
    gradients = list(gradients)
    norm = global_norm(gradients)
    scale = clip_norm / ops.maximum(norm, clip_norm)
    # A non-finite norm makes the scale NaN instead of silently zeroing the step.
    scale = scale + (norm - norm)
    clipped = []
    for g in gradients:
        if g is not None:
            g = ops.convert_to_tensor(g)
            g = g * ops.cast(scale, g.dtype)  # Each gradient keeps its own dtype.
        clipped.append(g)
    return clipped, norm
