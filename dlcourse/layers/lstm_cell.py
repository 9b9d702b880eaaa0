"""The LSTM cell, written out. Mirrors `keras.layers.LSTMCell`."""

import keras
from keras import ops

from dlcourse.layers._recurrent_cell import RecurrentCell


@keras.saving.register_keras_serializable(package="dlcourse")
class LSTMCell(RecurrentCell):
    """One step of a long short-term memory. Mirrors `keras.layers.LSTMCell`.

    For the input `x_t` and the previous states `h_prev` (output) and `c_prev` (carry),
    with the four gates side by side in Keras's order i, f, c, o:

        z = x_t @ kernel + h_prev @ recurrent_kernel + bias     # (batch, 4 * units)
        z_i, z_f, z_c, z_o = split(z, 4)
        i = recurrent_activation(z_i)              # input gate
        f = recurrent_activation(z_f)              # forget gate
        c_t = f * c_prev + i * activation(z_c)     # the carry: additive update
        o = recurrent_activation(z_o)              # output gate
        h_t = o * activation(c_t)

    The carry's additive path (`dc_t/dc_prev = f`, no matrix product) lets gradients
    cross long lags when `f` stays near 1; `unit_forget_bias` starts the forget bias
    at 1 for that reason (Jozefowicz et al. 2015). Weights have Keras's layout, so
    `set_weights(keras.layers.LSTM(...).get_weights())` works. No dropout arguments.

    Args:
        units: positive int, the size of `h` and `c`.
        activation: default tanh; recurrent_activation: the gates', default sigmoid.
        use_bias: add `bias`; unit_forget_bias: initialise the forget bias to 1.
        kernel_initializer, recurrent_initializer, bias_initializer: as in Keras.
        **kwargs: base `Layer` arguments.

    Returns:
        `(h_t, [h_t, c_t])`, each (batch, units).

    Example:
        >>> lstm = keras.layers.RNN(LSTMCell(8))
        >>> lstm(np.zeros((2, 5, 3), "float32")).shape
        (2, 8)

    Reference: S. Hochreiter, J. Schmidhuber, "Long short-term memory", Neural
    Computation 9(8), 1997; forget gate: F. Gers, J. Schmidhuber, F. Cummins, 2000.
    """

    gates = 4

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 unit_forget_bias=True, **kwargs):
        super().__init__(units, activation=activation, use_bias=use_bias, **kwargs)
        self.recurrent_activation = keras.activations.get(recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.state_size = [units, units]

    def _bias_initializer(self):
        if not self.unit_forget_bias:
            return self.bias_initializer

        def forget_bias_one(shape, dtype=None):
            u = self.units
            return ops.concatenate([self.bias_initializer((u,), dtype), ops.ones((u,), dtype),
                                    self.bias_initializer((2 * u,), dtype)])

        return forget_bias_one

    def call(self, inputs, states, training=None):
        h_prev, c_prev = states[0], states[1]
        z = ops.matmul(inputs, self.kernel) + ops.matmul(h_prev, self.recurrent_kernel)
        if self.bias is not None:
            z = ops.add(z, self.bias)
        z_i, z_f, z_c, z_o = ops.split(z, 4, axis=-1)  # each (batch, units)
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        c = f * c_prev + i * self.activation(z_c)
        o = self.recurrent_activation(z_o)
        h = o * self.activation(c)
        return h, [h, c]

    def get_config(self):
        config = super().get_config()
        config.update({"recurrent_activation": keras.activations.serialize(self.recurrent_activation),
                       "unit_forget_bias": self.unit_forget_bias})
        return config
