"""Root-mean-square normalisation (Zhang & Sennrich 2019)."""

import keras
from keras import ops

from dlcourse.errors import DLCourseError
from dlcourse.layers._moments import normalized_axes


@keras.saving.register_keras_serializable(package="dlcourse")
class RMSNorm(keras.layers.Layer):
    """RMS normalisation: layer norm without the mean. Mirrors `keras.layers.RMSNormalization`.

    The same maths, arguments (`axis`, `epsilon`) and weight (`gamma` here, `scale` in
    Keras), under the paper's shorter name; the tests compare the two with copied weights
    (outputs and gradients), also where epsilon matters (small inputs, large epsilon).

    For each example, over the axes in `axis`:

        rms = sqrt(mean(x**2) + epsilon)
        y = x / rms * gamma

    No centring and no `beta`: re-scaling invariance alone gives most of layer
    norm's benefit at lower cost (the paper's claim), which is why LLaMA-style
    transformers use it. Note `keras.layers.LayerNormalization(rms_scaling=True)`
    is *not* this: it divides by the standard deviation (it subtracts the mean
    inside the variance). float16/bfloat16 inputs are upcast to float32.

    Args:
        axis: int or list of ints, the axes to normalise over (default: last).
        epsilon: added to the mean square before the square root.
        **kwargs: base `Layer` arguments.

    Returns:
        A tensor with the input's shape.

    Reference: B. Zhang, R. Sennrich, "Root Mean Square Layer Normalization",
    NeurIPS 2019, Eq. 4.
    """

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        if epsilon < 0:
            raise DLCourseError(f"`epsilon` must be non-negative. Received: epsilon={epsilon}")
        self.axis = [int(a) for a in axis] if isinstance(axis, (list, tuple)) else int(axis)
        self.epsilon = float(epsilon)
        self.supports_masking = True

    def build(self, input_shape):
        self._axes, param_shape, self._broadcast_shape = normalized_axes(self.axis, input_shape)
        self.gamma = self.add_weight(name="gamma", shape=param_shape, initializer="ones", autocast=False)

    def call(self, inputs):
        # Upcast: squares overflow in float16.
        x = ops.cast(inputs, keras.backend.result_type(inputs.dtype, "float32"))
        mean_square = ops.mean(ops.square(x), axis=self._axes, keepdims=True)
        outputs = x * ops.rsqrt(mean_square + self.epsilon)
        outputs = outputs * ops.reshape(ops.cast(self.gamma, x.dtype), self._broadcast_shape)
        return ops.cast(outputs, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"axis": self.axis, "epsilon": self.epsilon})
        return config
