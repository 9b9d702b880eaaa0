"""A small U-Net that predicts the noise in a noisy image at a given diffusion step."""

import math

import keras
from keras import ops

from dlcourse.errors import DLCourseError


@keras.saving.register_keras_serializable(package="dlcourse")
class TimestepEmbedding(keras.layers.Layer):
    """Sines and cosines of an integer step, as the transformer's positions. No Keras twin.

    For steps t (batch,) and `dim` = 2 * half:

        freq[i] = max_wavelength ** (-i / half)          # i = 0 .. half - 1
        y = concatenate([sin(t * freq), cos(t * freq)])  # (batch, dim)

    Args:
        dim: even output size.
        max_wavelength: the longest wavelength (10,000, as in Vaswani et al.).

    Reference: Ho, Jain & Abbeel, "Denoising Diffusion Probabilistic Models", NeurIPS
    2020, Appendix B (the transformer's sinusoidal embedding of t).
    """

    def __init__(self, dim, max_wavelength=10000.0, **kwargs):
        super().__init__(**kwargs)
        if isinstance(dim, bool) or int(dim) != dim or dim < 2 or dim % 2:
            raise DLCourseError(f"`dim` must be a positive even integer. Received: dim={dim!r}")
        self.dim, self.max_wavelength = int(dim), float(max_wavelength)

    def call(self, steps):
        half = self.dim // 2
        freq = ops.exp(-math.log(self.max_wavelength) * ops.arange(half, dtype="float32") / half)
        angles = ops.cast(ops.reshape(steps, (-1, 1)), "float32") * freq[None, :]  # (batch, half)
        return ops.cast(ops.concatenate([ops.sin(angles), ops.cos(angles)], axis=-1), self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.dim)

    def get_config(self):
        config = super().get_config()
        config.update({"dim": self.dim, "max_wavelength": self.max_wavelength})
        return config


def _residual_block(x, time, width, groups, name):
    """GroupNorm-swish-conv twice, the step's embedding added in between, plus a skip; the
    second conv starts at zero, so the block starts as its skip."""
    h = keras.layers.Activation("swish")(keras.layers.GroupNormalization(groups, name=f"{name}_norm1")(x))
    h = keras.layers.Conv2D(width, 3, padding="same", name=f"{name}_conv1")(h)
    t = keras.layers.Reshape((1, 1, width))(keras.layers.Dense(width, name=f"{name}_time")(time))
    h = keras.layers.Add()([h, t])  # (batch, H, W, width) + (batch, 1, 1, width)
    h = keras.layers.Activation("swish")(keras.layers.GroupNormalization(groups, name=f"{name}_norm2")(h))
    h = keras.layers.Conv2D(width, 3, padding="same", kernel_initializer="zeros", name=f"{name}_conv2")(h)
    skip = x if x.shape[-1] == width else keras.layers.Conv2D(width, 1, name=f"{name}_skip")(x)
    return keras.layers.Add()([h, skip])


def build_unet(image_shape=(28, 28, 1), widths=(32, 64, 128), embedding_dim=64, groups=8, name="unet"):
    """[noisy images, steps] -> predicted noise, one residual block per resolution.

        t -> TimestepEmbedding(embedding_dim) -> Dense(4 * widths[0]) -> swish -> temb
        x -> conv 3x3 (widths[0])
        down:  block(widths[0]) @ H           -> conv 3x3 stride 2 ->
               block(widths[1]) @ H/2         -> conv 3x3 stride 2 ->
        middle: block(widths[2]) @ H/4
        up:    nearest x2, concat skip(H/2), block(widths[1]);
               nearest x2, concat skip(H),   block(widths[0])
        out:   GroupNorm -> swish -> conv 3x3 (channels)

    Each block adds a dense projection of `temb` to its feature maps. The last conv of each
    block and the output conv start at zero (Ho et al.'s zero-initialised layers): each block
    starts as its skip and the network as "no noise". Measured on Fashion-MNIST: with
    Glorot-initialised layers instead, the first losses were about 5 (not 1), the loss was
    still 0.27 after 300 steps of 64 (0.10 with zeros) and DDIM samples were noise (blurred
    garments with zeros). With the defaults on 28x28x1 the network has 603,681 parameters.

    Args:
        image_shape: (H, W, C) with H and W divisible by 4.
        widths: channels at H, H/2 and H/4 (each divisible by `groups`).
        embedding_dim: size of the sinusoidal step embedding.
        groups: groups of each GroupNormalization.
        name: the model's name.

    Returns:
        A functional `keras.Model`: `[x_t (batch, H, W, C), t (batch,) int32]` -> (batch, H, W, C).

    Reference: Ronneberger, Fischer & Brox, "U-Net", MICCAI 2015; Ho et al. 2020, Appendix B
    (a smaller version of their network).
    """
    height, width, channels = image_shape
    if height % 4 or width % 4 or len(widths) != 3 or any(w % groups for w in widths):
        raise DLCourseError(
            f"build_unet needs height and width divisible by 4 and three widths divisible by groups={groups}. "
            f"Received: image_shape={tuple(image_shape)}, widths={tuple(widths)}"
        )
    images = keras.Input(image_shape, name="noisy_images")
    steps = keras.Input((), dtype="int32", name="steps")
    time = keras.layers.Dense(4 * widths[0], activation="swish")(TimestepEmbedding(embedding_dim)(steps))
    x = keras.layers.Conv2D(widths[0], 3, padding="same", name="stem")(images)
    skip_full = _residual_block(x, time, widths[0], groups, "down1")
    x = keras.layers.Conv2D(widths[0], 3, strides=2, padding="same", name="downsample1")(skip_full)
    skip_half = _residual_block(x, time, widths[1], groups, "down2")
    x = keras.layers.Conv2D(widths[1], 3, strides=2, padding="same", name="downsample2")(skip_half)
    x = _residual_block(x, time, widths[2], groups, "middle")
    for skip, w, level in ((skip_half, widths[1], "up2"), (skip_full, widths[0], "up1")):
        x = keras.layers.UpSampling2D(2, interpolation="nearest")(x)
        x = _residual_block(keras.layers.Concatenate()([x, skip]), time, w, groups, level)
    x = keras.layers.Activation("swish")(keras.layers.GroupNormalization(groups, name="out_norm")(x))
    outputs = keras.layers.Conv2D(channels, 3, padding="same", kernel_initializer="zeros", dtype="float32",
                                  name="noise")(x)
    return keras.Model([images, steps], outputs, name=name)
