"""The vision transformer's input: image patches as tokens, a class token, learned positions."""

import keras
from keras import ops

from dlcourse.errors import DLCourseError
from dlcourse.layers._checks import check_positive_ints


@keras.saving.register_keras_serializable(package="dlcourse")
class PatchEmbedding(keras.layers.Layer):
    """Images -> a sequence of patch tokens with a class token. No Keras twin (the
    projection equals `keras.layers.Conv2D(d_model, patch_size, strides=patch_size)`).

    For images (batch, H, W, C) and P = patch_size, N = (H / P) * (W / P):

        patches = the P x P x C blocks of each image, flattened     # (batch, N, P*P*C)
        tokens = patches @ kernel + bias                            # (batch, N, d_model)
        tokens = concat([class_token, tokens])                      # (batch, N + 1, d_model)
        y = tokens + positions                                      # learned, (N + 1, d_model)

    The transformer's output at the class token (position 0) is what the classifier
    reads. `kernel` (P*P*C, d_model) is a `Conv2D` kernel (P, P, C, d_model) reshaped.

    Args:
        patch_size: side of the square patches (must divide H and W).
        d_model: token width.
        **kwargs: base `Layer` arguments.

    Returns:
        (batch, N + 1, d_model).

    Example:
        >>> PatchEmbedding(4, 64)(np.zeros((2, 28, 28, 1), "float32")).shape
        (2, 50, 64)

    Reference: A. Dosovitskiy et al., "An image is worth 16x16 words", ICLR 2021, Eq. 1.
    """

    def __init__(self, patch_size, d_model, **kwargs):
        super().__init__(**kwargs)
        check_positive_ints(patch_size=patch_size, d_model=d_model)
        self.patch_size, self.d_model = patch_size, d_model

    def build(self, input_shape):
        _, height, width, channels = input_shape
        p = self.patch_size
        if height % p or width % p:
            raise DLCourseError(
                f"`patch_size` must divide the image size. Received: patch_size={p}, images {height}x{width}"
            )
        self.grid = (height // p, width // p)
        self.kernel = self.add_weight(name="kernel", shape=(p * p * channels, self.d_model),
                                      initializer="glorot_uniform")
        self.bias = self.add_weight(name="bias", shape=(self.d_model,), initializer="zeros")
        self.class_token = self.add_weight(name="class_token", shape=(1, 1, self.d_model), initializer="zeros")
        self.positions = self.add_weight(name="positions", shape=(self.grid[0] * self.grid[1] + 1, self.d_model),
                                         initializer=keras.initializers.RandomNormal(stddev=0.02))

    def call(self, images):
        p, (rows, cols) = self.patch_size, self.grid
        channels = images.shape[-1]
        x = ops.reshape(images, (-1, rows, p, cols, p, channels))
        x = ops.transpose(x, (0, 1, 3, 2, 4, 5))                    # (batch, rows, cols, p, p, C)
        patches = ops.reshape(x, (-1, rows * cols, p * p * channels))
        tokens = ops.matmul(patches, self.kernel) + self.bias       # (batch, N, d_model)
        batch = ops.shape(tokens)[0]
        cls = ops.broadcast_to(ops.cast(self.class_token, tokens.dtype), (batch, 1, self.d_model))
        return ops.concatenate([cls, tokens], axis=1) + ops.cast(self.positions, tokens.dtype)

    def compute_output_shape(self, input_shape):
        height, width = input_shape[1], input_shape[2]
        return (input_shape[0], (height // self.patch_size) * (width // self.patch_size) + 1, self.d_model)

    def get_config(self):
        config = super().get_config()
        config.update({"patch_size": self.patch_size, "d_model": self.d_model})
        return config
