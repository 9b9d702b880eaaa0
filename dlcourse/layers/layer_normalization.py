"""Layer normalisation, written out. Mirrors `keras.layers.LayerNormalization`."""

import keras
from keras import ops

from dlcourse.errors import DLCourseError
from dlcourse.layers._moments import affine_normalize, moments, normalized_axes


@keras.saving.register_keras_serializable(package="dlcourse")
class LayerNormalization(keras.layers.Layer):
    """Layer normalisation (Ba, Kiros & Hinton 2016). Mirrors `keras.layers.LayerNormalization`.

    For each example, with statistics over the axes in `axis` (the features):

        mean, variance = mean and (biased) variance of x over `axis`
        inv = gamma / sqrt(variance + epsilon)
        y = x * inv + (beta - mean * inv)      # = gamma * (x - mean) / sqrt(...) + beta

    No batch statistics and no moving averages: training and inference compute the
    same thing, and every example is normalised on its own (which is why
    transformers use it). `gamma` and `beta` have the shape of the normalised axes.
    float16/bfloat16 inputs are upcast to float32 for the statistics.

    Args:
        axis: int or list of ints, the axes to normalise over (default: last).
        epsilon: added to the variance before the square root (Keras default 1e-3).
        center: learn the offset `beta`.
        scale: learn the scale `gamma`.
        **kwargs: base `Layer` arguments.

    Returns:
        A tensor with the input's shape.

    Reference: J. L. Ba, J. R. Kiros, G. E. Hinton, "Layer Normalization", 2016, Eq. 4.
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, **kwargs):
        super().__init__(**kwargs)
        if epsilon <= 0:
            raise DLCourseError(f"`epsilon` must be positive. Received: epsilon={epsilon}")
        self.axis = [int(a) for a in axis] if isinstance(axis, (list, tuple)) else int(axis)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.supports_masking = True

    def build(self, input_shape):
        self._axes, param_shape, self._broadcast_shape = normalized_axes(self.axis, input_shape)
        self.gamma = self.beta = None
        if self.scale:
            self.gamma = self.add_weight(name="gamma", shape=param_shape, initializer="ones", autocast=False)
        if self.center:
            self.beta = self.add_weight(name="beta", shape=param_shape, initializer="zeros", autocast=False)

    def call(self, inputs):
        # Upcast: statistics overflow in float16.
        x = ops.cast(inputs, keras.backend.result_type(inputs.dtype, "float32"))
        mean, variance = moments(x, self._axes, keepdims=True)
        outputs = affine_normalize(x, mean, variance, self.epsilon, self.gamma, self.beta,
                                   self._broadcast_shape)
        return ops.cast(outputs, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update(
            {"axis": self.axis, "epsilon": self.epsilon, "center": self.center, "scale": self.scale}
        )
        return config
