"""What the three recurrent cells share: arguments, Keras's weight layout, config.

Keras stores every gate of a cell side by side in one matrix, so a cell with `gates`
gates (SimpleRNN 1, GRU 3, LSTM 4) has

    kernel:           (input_dim, gates * units)    # from x_t
    recurrent_kernel: (units, gates * units)        # from h_{t-1}
    bias:             (gates * units,)              # GRU with reset_after: (2, 3 * units)

and `set_weights(keras_layer.get_weights())` works when the gates come in Keras's order.
"""

import keras

from dlcourse.errors import DLCourseError
from dlcourse.layers._checks import check_positive_ints


class RecurrentCell(keras.layers.Layer):
    """Base of `SimpleRNNCell`, `LSTMCell`, `GRUCell`: arguments, weights, config.

    Subclasses set `gates` and write `call(inputs, states, training=None)`, which
    returns `(output, new_states)` as `keras.layers.RNN` expects.
    """

    gates = 1

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", **kwargs):
        super().__init__(**kwargs)
        check_positive_ints(units=units)
        self.units = units
        self.activation = keras.activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.recurrent_initializer = keras.initializers.get(recurrent_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.state_size = units
        self.output_size = units

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise DLCourseError(
                f"The feature axis of the input to `{type(self).__name__}` must be known. "
                f"Received: input_shape={tuple(input_shape)}"
            )
        width = self.gates * self.units
        self.kernel = self.add_weight(name="kernel", shape=(input_dim, width),
                                      initializer=self.kernel_initializer)
        self.recurrent_kernel = self.add_weight(name="recurrent_kernel", shape=(self.units, width),
                                                initializer=self.recurrent_initializer)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=self._bias_shape(),
                                        initializer=self._bias_initializer())

    def _bias_shape(self):
        return (self.gates * self.units,)

    def _bias_initializer(self):
        return self.bias_initializer

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "units": self.units,
                "activation": keras.activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
                "recurrent_initializer": keras.initializers.serialize(self.recurrent_initializer),
                "bias_initializer": keras.initializers.serialize(self.bias_initializer),
            }
        )
        return config
