"""A fully connected layer, written out. Mirrors `keras.layers.Dense`."""

import keras
from keras import ops

from dlcourse.errors import DLCourseError
from dlcourse.layers._checks import check_positive_ints


@keras.saving.register_keras_serializable(package="dlcourse")
class Dense(keras.layers.Layer):
    """Fully connected layer. Mirrors `keras.layers.Dense`.

    For inputs `x` of shape (..., input_dim):

        z = x @ kernel + bias          # kernel: (input_dim, units), bias: (units,)
        y = activation(z)              # (..., units)

    The product runs over the last axis only, so a (batch, seq_len, input_dim) input
    gives (batch, seq_len, units), exactly as in Keras. Weights are created in
    `build()` on the first call, when `input_dim` is known.

    Args:
        units: positive int, the output size.
        activation: activation name or callable; `None` means linear.
        use_bias: whether to add `bias`.
        kernel_initializer: initialiser for `kernel` (default Glorot uniform).
        bias_initializer: initialiser for `bias` (default zeros).
        kernel_regularizer: optional regulariser on `kernel`, e.g.
            `dlcourse.layers.L2(1e-4)`; its penalty is added to `model.losses`.
        bias_regularizer: optional regulariser on `bias`.
        **kwargs: base `Layer` arguments (`name`, `dtype`, `activity_regularizer`).

    Returns:
        A tensor of shape (..., units).

    Example:
        >>> layer = Dense(3, activation="relu")
        >>> layer(np.ones((2, 4))).shape
        (2, 3)
    """

    def __init__(
        self,
        units,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        check_positive_ints(units=units)
        self.units = units
        self.activation = keras.activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)
        self.bias_regularizer = keras.regularizers.get(bias_regularizer)
        self.input_spec = keras.layers.InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise DLCourseError(
                "The last axis of the input to `Dense` must be known. "
                f"Received: input_shape={tuple(input_shape)}"
            )
        self.kernel = self.add_weight(
            name="kernel",
            shape=(input_dim, self.units),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self.units,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
            )
        self.input_spec = keras.layers.InputSpec(min_ndim=2, axes={-1: input_dim})

    def call(self, inputs):
        z = ops.matmul(inputs, self.kernel)  # (..., units)
        if self.bias is not None:
            z = ops.add(z, self.bias)
        return self.activation(z)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "units": self.units,
                "activation": keras.activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
                "bias_initializer": keras.initializers.serialize(self.bias_initializer),
                "kernel_regularizer": keras.regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": keras.regularizers.serialize(self.bias_regularizer),
            }
        )
        return config
