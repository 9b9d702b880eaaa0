"""Softmax with its Jacobian and vector-Jacobian product. Mirrors `keras.activations.softmax`.

Softmax is not elementwise: each output depends on every input of its row.
For one row x of length n, with s = softmax(x):

    s[i]          = exp(x[i] - max(x)) / sum_k exp(x[k] - max(x))
    J[i, j]       = d s[i] / d x[j] = s[i] * (delta_ij - s[j])      i.e. J = diag(s) - s s^T
    vjp(x, g)[j]  = sum_i g[i] * J[i, j] = s[j] * (g[j] - sum_i g[i] * s[i])

Subtracting max(x) changes nothing mathematically (it cancels) but keeps exp from
overflowing for large logits. The vjp costs O(n) per row; the full Jacobian O(n**2):
backprop never builds it, but it is here to be inspected and checked against
`tf.GradientTape.batch_jacobian`.

Example:

    sm = Softmax()
    sm.value(np.array([[1.0, 2.0, 3.0]]))       # rows sum to 1
    sm.jacobian(np.array([[1.0, 2.0, 3.0]]))    # shape (1, 3, 3)
"""

import numpy as np


class Softmax:
    """softmax over the last axis, with `jacobian` and `vjp` written out.

    Args:
        axis: the axis that sums to one (the last one by default, as in Keras).
    """

    name = "softmax"

    def __init__(self, axis=-1):
        self.axis = axis

    def __call__(self, x):
        return self.value(x)

    def value(self, x):
        """exp(x - max(x)) / sum(exp(x - max(x))) along `axis`."""
        x = np.asarray(x, dtype=np.float64)
        shifted = x - np.max(x, axis=self.axis, keepdims=True)
        exp_x = np.exp(shifted)
        return exp_x / np.sum(exp_x, axis=self.axis, keepdims=True)

    def log_value(self, x):
        """log softmax(x) = x - max(x) - log(sum(exp(x - max(x)))), never log(0)."""
        x = np.asarray(x, dtype=np.float64)
        shifted = x - np.max(x, axis=self.axis, keepdims=True)
        return shifted - np.log(np.sum(np.exp(shifted), axis=self.axis, keepdims=True))

    def jacobian(self, x):
        """The full Jacobian diag(s) - s s^T per row; shape (..., n, n) for x of shape (..., n)."""
        s = np.moveaxis(self.value(x), self.axis, -1)
        # (..., n, n): J[..., i, j] = s_i * delta_ij - s_i * s_j
        return s[..., :, None] * np.eye(s.shape[-1]) - s[..., :, None] * s[..., None, :]

    def derivative(self, x):
        """For softmax the derivative is the full Jacobian (see `jacobian`)."""
        return self.jacobian(x)

    def vjp(self, x, upstream):
        """g^T J without building J: s * (g - sum(g * s)) along `axis`."""
        s = self.value(x)
        g = np.asarray(upstream, dtype=np.float64)
        return s * (g - np.sum(g * s, axis=self.axis, keepdims=True))

    def __repr__(self):
        return f"Softmax(axis={self.axis})"
