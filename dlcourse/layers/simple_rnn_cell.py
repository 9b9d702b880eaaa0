"""The Elman recurrent cell, written out. Mirrors `keras.layers.SimpleRNNCell`."""

import keras
from keras import ops

from dlcourse.layers._recurrent_cell import RecurrentCell


@keras.saving.register_keras_serializable(package="dlcourse")
class SimpleRNNCell(RecurrentCell):
    """One step of a simple (Elman) RNN. Mirrors `keras.layers.SimpleRNNCell`.

    For the input `x_t` (batch, input_dim) and the previous state `h_prev` (batch, units):

        h_t = activation(x_t @ kernel + bias + h_prev @ recurrent_kernel)
        output = h_t

    Run it over a sequence with `keras.layers.RNN(SimpleRNNCell(units))`, which also
    handles masks (a masked step keeps the previous state) and `return_sequences`.
    Backpropagation through time multiplies, per step back, by
    `recurrent_kernel.T * activation'`: the product shrinks or grows geometrically
    with the lag, the vanishing/exploding gradient that LSTM and GRU were made for.
    Weights have Keras's layout, so `set_weights(keras.layers.SimpleRNN(...).get_weights())`
    works. No dropout arguments (Keras's `dropout`, `recurrent_dropout`): add a
    `Dropout` layer before the RNN instead.

    Args:
        units: positive int, the state size.
        activation: default tanh.
        use_bias: add `bias`.
        kernel_initializer, recurrent_initializer, bias_initializer: as in Keras
            (Glorot uniform, orthogonal, zeros).
        **kwargs: base `Layer` arguments.

    Returns:
        `(h_t, [h_t])`, each (batch, units).

    Example:
        >>> rnn = keras.layers.RNN(SimpleRNNCell(8), return_sequences=True)
        >>> rnn(np.zeros((2, 5, 3), "float32")).shape
        (2, 5, 8)

    Reference: J. L. Elman, "Finding structure in time", Cognitive Science 14, 1990.
    """

    gates = 1

    def call(self, inputs, states, training=None):
        h_prev = states[0] if isinstance(states, (list, tuple)) else states
        z = ops.matmul(inputs, self.kernel)  # (batch, units)
        if self.bias is not None:
            z = ops.add(z, self.bias)
        h = self.activation(z + ops.matmul(h_prev, self.recurrent_kernel))
        return h, [h]
