"""Inverted dropout, written out. Mirrors `keras.layers.Dropout`."""

import keras
from keras import ops

from dlcourse.errors import DLCourseError


@keras.saving.register_keras_serializable(package="dlcourse")
class Dropout(keras.layers.Layer):
    """Inverted dropout (Srivastava et al. 2014). Mirrors `keras.layers.Dropout`.

    In training, each unit is kept with probability `1 - rate` and rescaled so its
    expected value is unchanged; at inference the layer is the identity:

        training=True:
            u = uniform(shape of x, seed from seed_generator)   # in [0, 1)
            keep = u >= rate
            y = where(keep, x / (1 - rate), 0)
        training=False:
            y = x

    "Inverted": the 1/(1 - rate) scaling happens at training time, so inference
    needs no change (the paper instead scaled weights by (1 - rate) at test time).
    The noise comes from a `keras.random.SeedGenerator` attached to the layer: the
    same `seed` gives the same masks, call after call, run after run, and the same
    masks as `keras.layers.Dropout(rate, seed=seed)`.

    Args:
        rate: fraction of units to drop, in [0, 1).
        seed: optional int seed for the masks.
        **kwargs: base `Layer` arguments.

    Returns:
        A tensor with the input's shape and dtype.

    Reference: N. Srivastava et al., "Dropout: A Simple Way to Prevent Neural
    Networks from Overfitting", JMLR 15, 2014, Sec. 4 and 10.
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0.0 <= rate < 1.0:
            raise DLCourseError(f"`rate` must be in [0, 1) (the fraction of units dropped). Received: rate={rate}")
        self.rate = float(rate)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed) if self.rate > 0 else None
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        u = keras.random.uniform(ops.shape(inputs), dtype=inputs.dtype, seed=self.seed_generator)
        keep = u >= self.rate
        scaled = inputs * ops.cast(1.0 / (1.0 - self.rate), inputs.dtype)
        return ops.where(keep, scaled, ops.zeros_like(inputs))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed})
        return config
