"""Positional encodings: where each token sits, added to its embedding.

Attention is permutation-equivariant: without these, a transformer sees a bag of
tokens. Keras core has no twin (KerasHub has `SinePositionEncoding` and
`PositionEmbedding`, which return the encoding alone; these layers add it).
"""

import math

import keras
from keras import ops

from dlcourse.errors import DLCourseError
from dlcourse.layers._checks import check_positive_ints


def sinusoidal_table(length, dim, max_wavelength=10000.0, dtype="float32"):
    """The (length, dim) table of sines and cosines of Vaswani et al. (Sec. 3.5)."""
    positions = ops.cast(ops.expand_dims(ops.arange(length), 1), dtype)        # (length, 1)
    i = ops.arange(dim)
    pair = ops.cast(2 * (i // 2), dtype) / dim                                   # 2i/d for both of a pair
    angles = positions * ops.exp(-math.log(max_wavelength) * pair)              # p / wavelength**(2i/d)
    return ops.where(ops.equal(i % 2, 0), ops.sin(angles), ops.cos(angles))


@keras.saving.register_keras_serializable(package="dlcourse")
class SinusoidalPositionalEncoding(keras.layers.Layer):
    """Fixed sinusoidal positions added to the input (no weights). No Keras twin.

    For inputs (batch, seq_len, d), position p and feature j = 2i or 2i + 1:

        table[p, 2i]     = sin(p / max_wavelength ** (2i / d))
        table[p, 2i + 1] = cos(p / max_wavelength ** (2i / d))
        y = inputs + table[:seq_len]

    Wavelengths grow geometrically from 2*pi to max_wavelength*2*pi, and
    `table[p + k]` is a fixed rotation of `table[p]`, so relative offsets are easy to
    read; any length works, also longer than seen in training. Masks pass through.

    Args:
        max_wavelength: the longest wavelength (10,000 in the paper).
        **kwargs: base `Layer` arguments.

    Returns:
        A tensor with the input's shape.

    Example:
        >>> x = keras.layers.Embedding(100, 32)(tokens)
        >>> x = SinusoidalPositionalEncoding()(x)

    Reference: A. Vaswani et al., "Attention is all you need", NeurIPS 2017, Sec. 3.5.
    """

    def __init__(self, max_wavelength=10000.0, **kwargs):
        super().__init__(**kwargs)
        if not max_wavelength > 1:
            raise DLCourseError(f"`max_wavelength` must be above 1. Received: max_wavelength={max_wavelength}")
        self.max_wavelength = float(max_wavelength)
        self.supports_masking = True

    def call(self, inputs):
        table = sinusoidal_table(ops.shape(inputs)[1], inputs.shape[-1], self.max_wavelength, inputs.dtype)
        return inputs + table

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"max_wavelength": self.max_wavelength})
        return config


@keras.saving.register_keras_serializable(package="dlcourse")
class LearnedPositionalEmbedding(keras.layers.Layer):
    """A learned vector per position, added to the input. No Keras twin.

    For inputs (batch, seq_len, d) with seq_len <= sequence_length:

        positions: (sequence_length, d) weights
        y = inputs + positions[:seq_len]

    As in GPT and ViT. Cannot go beyond `sequence_length` positions. Masks pass through.

    Args:
        sequence_length: the most positions.
        initializer: for the table (default: normal, stddev 0.02, as GPT-2).
        **kwargs: base `Layer` arguments.

    Returns:
        A tensor with the input's shape.

    Reference: A. Radford et al., "Improving language understanding by generative
    pre-training", 2018, Sec. 3.1.
    """

    def __init__(self, sequence_length, initializer=None, **kwargs):
        super().__init__(**kwargs)
        check_positive_ints(sequence_length=sequence_length)
        self.sequence_length = sequence_length
        self.initializer = keras.initializers.get(initializer or keras.initializers.RandomNormal(stddev=0.02))
        self.supports_masking = True

    def build(self, input_shape):
        if input_shape[1] is not None and input_shape[1] > self.sequence_length:
            raise DLCourseError(
                f"Inputs have {input_shape[1]} positions, more than sequence_length={self.sequence_length}. "
                "Use a larger `sequence_length` or shorter inputs."
            )
        self.positions = self.add_weight(name="positions", shape=(self.sequence_length, input_shape[-1]),
                                          initializer=self.initializer)

    def call(self, inputs):
        return inputs + ops.cast(self.positions[: ops.shape(inputs)[1]], inputs.dtype)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"sequence_length": self.sequence_length,
                       "initializer": keras.initializers.serialize(self.initializer)})
        return config
