"""The GRU cell, written out. Mirrors `keras.layers.GRUCell`."""

import keras
from keras import ops

from dlcourse.layers._recurrent_cell import RecurrentCell


@keras.saving.register_keras_serializable(package="dlcourse")
class GRUCell(RecurrentCell):
    """One step of a gated recurrent unit. Mirrors `keras.layers.GRUCell`.

    With the three gates side by side in Keras's order z, r, h, and `reset_after=True`
    (Keras 3's default, the cuDNN variant: the reset gate scales the recurrent term
    *after* its matrix product, so there are two biases, `bias[0]` for the input and
    `bias[1]` for the recurrent side):

        x_z, x_r, x_h = split(x_t @ kernel + bias[0], 3)
        h_z, h_r, h_h = split(h_prev @ recurrent_kernel + bias[1], 3)
        z = recurrent_activation(x_z + h_z)        # update gate
        r = recurrent_activation(x_r + h_r)        # reset gate
        candidate = activation(x_h + r * h_h)
        h_t = z * h_prev + (1 - z) * candidate

    With `reset_after=False` (Cho et al.'s original) the bias is one vector and
    `candidate = activation(x_h + (r * h_prev) @ recurrent_kernel[:, 2 * units:])`.
    Note Keras's convention: `z` keeps the old state (some texts write `1 - z`).
    Weights have Keras's layout, so `set_weights(keras.layers.GRU(...).get_weights())`
    works. No dropout arguments.

    Args:
        units: positive int, the state size.
        activation: default tanh; recurrent_activation: the gates', default sigmoid.
        use_bias: add the biases; reset_after: see above (default True, as Keras 3).
        kernel_initializer, recurrent_initializer, bias_initializer: as in Keras.
        **kwargs: base `Layer` arguments.

    Returns:
        `(h_t, [h_t])`, each (batch, units).

    Example:
        >>> gru = keras.layers.RNN(GRUCell(8), return_state=True)
        >>> output, state = gru(np.zeros((2, 5, 3), "float32"))

    Reference: K. Cho et al., "Learning phrase representations using RNN
    encoder-decoder for statistical machine translation", EMNLP 2014.
    """

    gates = 3

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 reset_after=True, **kwargs):
        super().__init__(units, activation=activation, use_bias=use_bias, **kwargs)
        self.recurrent_activation = keras.activations.get(recurrent_activation)
        self.reset_after = bool(reset_after)

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def call(self, inputs, states, training=None):
        h_prev = states[0] if isinstance(states, (list, tuple)) else states
        input_bias, recurrent_bias = self._biases()
        x = ops.matmul(inputs, self.kernel)  # (batch, 3 * units)
        if input_bias is not None:
            x = ops.add(x, input_bias)
        x_z, x_r, x_h = ops.split(x, 3, axis=-1)
        u = self.units
        if self.reset_after:
            inner = ops.matmul(h_prev, self.recurrent_kernel)
            if recurrent_bias is not None:
                inner = ops.add(inner, recurrent_bias)
            h_z, h_r, h_h = ops.split(inner, 3, axis=-1)
        else:
            h_z, h_r = ops.split(ops.matmul(h_prev, self.recurrent_kernel[:, :2 * u]), 2, axis=-1)
        z = self.recurrent_activation(x_z + h_z)
        r = self.recurrent_activation(x_r + h_r)
        if self.reset_after:
            candidate = self.activation(x_h + r * h_h)
        else:
            candidate = self.activation(x_h + ops.matmul(r * h_prev, self.recurrent_kernel[:, 2 * u:]))
        h = z * h_prev + (1 - z) * candidate
        return h, [h]

    def _biases(self):
        if self.bias is None:
            return None, None
        if self.reset_after:
            return self.bias[0], self.bias[1]
        return self.bias, None

    def get_config(self):
        config = super().get_config()
        config.update({"recurrent_activation": keras.activations.serialize(self.recurrent_activation),
                       "reset_after": self.reset_after})
        return config
