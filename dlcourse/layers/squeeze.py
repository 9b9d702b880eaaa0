"""Squeeze (space-to-depth), the invertible pooling, and its exact inverse.

Keras has no such layer; the twins are `tf.nn.space_to_depth` / `tf.nn.depth_to_space`,
whose channel order both layers keep.
"""

import keras
from keras import ops

from dlcourse.errors import DLCourseError
from dlcourse.layers._windows import spatial_size


def _block(block_size):
    if isinstance(block_size, bool) or not isinstance(block_size, int) or block_size < 2:
        raise DLCourseError(f"`block_size` must be an integer >= 2. Received: block_size={block_size!r}")
    return block_size


@keras.saving.register_keras_serializable(package="dlcourse")
class Squeeze(keras.layers.Layer):
    """Squeeze (space-to-depth), the invertible pooling. Mirrors `tf.nn.space_to_depth`.

    Halves height and width, quadruples the channels, loses nothing. With b = block_size:

        y[n, r, c, (bi * b + bj) * C + ch] = x[n, r*b + bi, c*b + bj, ch]
        # (batch, H, W, C) -> (batch, H/b, W/b, b*b*C)

    i.e. each b x b block of pixels becomes one pixel with the block's values stacked,
    row-major over the block, channels innermost (TensorFlow's order; Real NVP and Glow
    put the channel outermost, a fixed permutation of this one). Unlike max or average
    pooling it is a bijection: `Unsqueeze` (or `squeeze.inverse()`) undoes it exactly.

    Args:
        block_size: b, an int >= 2 that divides height and width (default 2).
        **kwargs: base `Layer` arguments.

    Returns:
        (batch, H / b, W / b, b * b * C).

    Example:
        >>> Squeeze()(np.arange(16.0).reshape(1, 4, 4, 1))[0, 0, 0]   # the top-left 2x2 block
        [0, 1, 4, 5]

    Reference: L. Dinh, J. Sohl-Dickstein, S. Bengio, "Density estimation using Real NVP",
    ICLR 2017, Sec. 3.6 (squeezing); W. Shi et al., "Real-Time Single Image and Video
    Super-Resolution Using an Efficient Sub-Pixel CNN", CVPR 2016 (the inverse).
    """

    def __init__(self, block_size=2, **kwargs):
        super().__init__(**kwargs)
        self.block_size = _block(block_size)
        self.input_spec = keras.layers.InputSpec(ndim=4)

    def build(self, input_shape):
        self.compute_output_shape(input_shape)  # fail now on sizes b does not divide

    def call(self, inputs):
        _, height, width, channels = self.compute_output_shape(inputs.shape)
        b = self.block_size
        x = ops.reshape(inputs, (-1, height, b, width, b, inputs.shape[-1]))
        x = ops.transpose(x, (0, 1, 3, 2, 4, 5))  # (batch, H/b, W/b, bi, bj, C)
        return ops.reshape(x, (-1, height, width, channels))

    def inverse(self):
        """The `Unsqueeze` layer that undoes this one."""
        return Unsqueeze(self.block_size)

    def compute_output_shape(self, input_shape):
        height, width = spatial_size(input_shape, "Squeeze")
        b = self.block_size
        if height % b or width % b or input_shape[-1] is None:
            raise DLCourseError(
                f"`Squeeze` needs height and width divisible by block_size={b} and known channels: "
                f"crop or pad the images first. Received: input_shape={tuple(input_shape)}"
            )
        return (input_shape[0], height // b, width // b, b * b * input_shape[-1])

    def get_config(self):
        config = super().get_config()
        config.update({"block_size": self.block_size})
        return config


@keras.saving.register_keras_serializable(package="dlcourse")
class Unsqueeze(keras.layers.Layer):
    """Depth-to-space, the exact inverse of `Squeeze`. Mirrors `tf.nn.depth_to_space`.

        y[n, r*b + bi, c*b + bj, ch] = x[n, r, c, (bi * b + bj) * C + ch]
        # (batch, H, W, b*b*C) -> (batch, H*b, W*b, C)

    `Unsqueeze(b)(Squeeze(b)(x)) == x` and `Squeeze(b)(Unsqueeze(b)(y)) == y`, bit for bit
    (only values move).

    Args:
        block_size: b, an int >= 2; b*b must divide the channels (default 2).
        **kwargs: base `Layer` arguments.

    Returns:
        (batch, H * b, W * b, C / (b * b)).

    Example:
        >>> Unsqueeze()(np.arange(4.0).reshape(1, 1, 1, 4))[0, :, :, 0]
        [[0, 1], [2, 3]]
    """

    def __init__(self, block_size=2, **kwargs):
        super().__init__(**kwargs)
        self.block_size = _block(block_size)
        self.input_spec = keras.layers.InputSpec(ndim=4)

    def build(self, input_shape):
        self.compute_output_shape(input_shape)

    def call(self, inputs):
        _, height, width, channels = inputs.shape
        b = self.block_size
        x = ops.reshape(inputs, (-1, height, width, b, b, channels // (b * b)))
        x = ops.transpose(x, (0, 1, 3, 2, 4, 5))  # (batch, H, bi, W, bj, C)
        return ops.reshape(x, (-1, height * b, width * b, channels // (b * b)))

    def inverse(self):
        """The `Squeeze` layer that undoes this one."""
        return Squeeze(self.block_size)

    def compute_output_shape(self, input_shape):
        height, width = spatial_size(input_shape, "Unsqueeze")
        b, channels = self.block_size, input_shape[-1]
        if channels is None or channels % (b * b):
            raise DLCourseError(
                f"`Unsqueeze` needs channels divisible by block_size**2={b * b}. "
                f"Received: input_shape={tuple(input_shape)}"
            )
        return (input_shape[0], height * b, width * b, channels // (b * b))

    def get_config(self):
        config = super().get_config()
        config.update({"block_size": self.block_size})
        return config
