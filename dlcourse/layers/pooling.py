"""Max and average pooling, written out over sliding windows.

Mirror `keras.layers.MaxPooling2D` and `keras.layers.AveragePooling2D` (channels last).
Each channel is pooled on its own; there are no weights.
"""

import keras
import numpy as np
from keras import ops

from dlcourse.layers._windows import check_padding, pad_spatial, pair, plan, spatial_size, windows


class _Pooling2D(keras.layers.Layer):
    """Shared by both poolings: arguments, window views, output shape, config."""

    def __init__(self, pool_size=2, strides=None, padding="valid", **kwargs):
        super().__init__(**kwargs)
        self.pool_size = pair(pool_size, "pool_size")
        self.strides = self.pool_size if strides is None else pair(strides, "strides")
        self.padding = check_padding(padding, ("valid", "same"))
        self.input_spec = keras.layers.InputSpec(ndim=4)

    def build(self, input_shape):
        plan(spatial_size(input_shape, type(self).__name__), self.pool_size, self.strides, self.padding)

    def _views(self, inputs, pad_value):
        """The pool_h * pool_w window views of padded inputs, each (batch, out_h, out_w, channels)."""
        size = spatial_size(inputs.shape, type(self).__name__)
        pads, out = plan(size, self.pool_size, self.strides, self.padding)
        x = pad_spatial(inputs, pads, "zeros", constant_value=pad_value)
        return windows(x, self.pool_size, self.strides, out), size, pads, out

    def compute_output_shape(self, input_shape):
        _, (out_h, out_w) = plan(spatial_size(input_shape, type(self).__name__), self.pool_size,
                                 self.strides, self.padding)
        return (input_shape[0], out_h, out_w, input_shape[-1])

    def get_config(self):
        config = super().get_config()
        config.update({"pool_size": self.pool_size, "strides": self.strides, "padding": self.padding})
        return config


@keras.saving.register_keras_serializable(package="dlcourse")
class MaxPooling2D(_Pooling2D):
    """Max pooling. Mirrors `keras.layers.MaxPooling2D`.

    For each channel ch and output position (r, c):

        y[b, r, c, ch] = max over i < ph, j < pw of x_pad[b, r*sh + i, c*sw + j, ch]

    with x_pad padded by -inf for "same" (Keras's asymmetric "same", see
    `conv_output_size`), so padding is never the maximum. The gradient flows to the
    window's maximum only; on ties, to the first one in row-major order.

    Args:
        pool_size: int or (ph, pw), default 2.
        strides: int or (sh, sw); `None` (default) means `pool_size` (no overlap).
        padding: "valid" or "same".
        **kwargs: base `Layer` arguments.

    Returns:
        (batch, out_h, out_w, channels).

    Example (the lecture's 4x4 image 1..16):
        >>> MaxPooling2D(2)(np.arange(1.0, 17.0).reshape(1, 4, 4, 1))[0, :, :, 0]
        [[6, 8], [14, 16]]

    Reference: Goodfellow, Bengio, Courville, "Deep Learning" (2016), Sec. 9.3.
    """

    def call(self, inputs):
        views, *_ = self._views(inputs, pad_value=float("-inf"))
        pooled = views[0]
        for view in views[1:]:
            # maximum(a, b) sends the gradient to `a` when a >= b: ties go to the earlier view.
            pooled = ops.maximum(pooled, view)
        return pooled


@keras.saving.register_keras_serializable(package="dlcourse")
class AveragePooling2D(_Pooling2D):
    """Average pooling. Mirrors `keras.layers.AveragePooling2D`.

    For each channel ch and output position (r, c):

        y[b, r, c, ch] = (sum over i < ph, j < pw of x_pad[b, r*sh + i, c*sw + j, ch]) / count[r, c]

    where count[r, c] is the number of window positions inside the input: ph * pw for
    "valid", fewer at the borders for "same" (padding zeros are not averaged in, as in
    Keras and TensorFlow's `avg_pool`).

    Args:
        pool_size: int or (ph, pw), default 2.
        strides: int or (sh, sw); `None` (default) means `pool_size`.
        padding: "valid" or "same".
        **kwargs: base `Layer` arguments.

    Returns:
        (batch, out_h, out_w, channels).

    Example:
        >>> AveragePooling2D(2)(np.arange(1.0, 17.0).reshape(1, 4, 4, 1))[0, :, :, 0]
        [[3.5, 5.5], [11.5, 13.5]]

    Reference: Goodfellow, Bengio, Courville, "Deep Learning" (2016), Sec. 9.3.
    """

    def call(self, inputs):
        views, size, pads, out = self._views(inputs, pad_value=0.0)
        total = views[0]
        for view in views[1:]:
            total = ops.add(total, view)
        count = ops.convert_to_tensor(self._counts(size, pads, out), dtype=total.dtype)
        return ops.divide(total, count)

    def _counts(self, size, pads, out):
        """(out_h, out_w, 1): how many window positions of each output lie inside the input."""
        per_axis = []
        for d, k, s, (before, _), n in zip(size, self.pool_size, self.strides, pads, out):
            start = np.arange(n) * s - before
            per_axis.append(np.minimum(start + k, d) - np.maximum(start, 0))
        return np.outer(*per_axis)[:, :, None].astype("float32")
