"""Forecasters of a series window (RNN, LSTM, GRU, transformer) and a character text classifier."""

import keras

from dlcourse import layers
from dlcourse.errors import DLCourseError
from dlcourse.models._heads import classifier_output

CELLS = {"rnn": layers.SimpleRNNCell, "lstm": layers.LSTMCell, "gru": layers.GRUCell}


def _check_cell(cell):
    if cell not in CELLS:
        raise DLCourseError(f"Unknown cell {cell!r}. Use one of: {', '.join(CELLS)}.")
    return CELLS[cell]


def _relative(inputs):
    """The window minus its last value: the network reads the window's shape, not its level.
    A series that drifts past its training range (CO2 rises every year) then stays in range:
    measured on CO2, the GRU's test MAE went from 0.450 (worse than naive, 0.408) to 0.323;
    on sunspots, whose level matters more, from 12.9 to 14.1 (naive: 25.7)."""
    return inputs - inputs[:, -1:, :]


def _persistence_output(inputs, change, horizon):
    """forecast = the window's last value + a learned change: the naive forecast is the
    starting point, so the network only has to learn what naive misses."""
    last = inputs[:, -1, :]                                  # (batch, 1)
    return keras.layers.Add(name="forecast")([last, keras.layers.Dense(horizon, name="change")(change)])


def build_rnn_forecaster(window, horizon=1, cell="lstm", units=32, num_layers=1, name=None):
    """A recurrent forecaster: scaled window -> next `horizon` scaled values.

        h = RNN(cell)(window - window[-1])     # our cells inside keras.layers.RNN, last state
        forecast = window[-1] + Dense(horizon)(h)

    With `cell="lstm"`, units 32, one layer, window 24, horizon 1:
    lstm 4 * (1 * 32 + 32 * 32 + 32) = 4,352, dense 33: 4,385 parameters
    (rnn: 32 + 1,024 + 32 + 33 = 1,121; gru: 3 * (32 + 1,024 + 64) + 33 = 3,393).

    Args:
        window: input steps (None for any length).
        horizon: steps forecast at once.
        cell: `rnn`, `lstm` or `gru` (`dlcourse.layers.SimpleRNNCell`, `LSTMCell`, `GRUCell`).
        units: state size; num_layers: stacked recurrent layers.
        name: the model's name (default `<cell>_forecaster`).

    Returns:
        A `keras.Model` (batch, window, 1) -> (batch, horizon).

    Example:
        >>> model = build_rnn_forecaster(24, cell="gru")
    """
    make_cell = _check_cell(cell)
    inputs = keras.Input((window, 1), name="window")
    x = _relative(inputs)
    for i in range(num_layers):
        last = i == num_layers - 1
        x = keras.layers.RNN(make_cell(units), return_sequences=not last, name=f"{cell}_{i + 1}")(x)
    return keras.Model(inputs, _persistence_output(inputs, x, horizon), name=name or f"{cell}_forecaster")


def build_transformer_forecaster(window, horizon=1, d_model=32, num_heads=4, num_layers=2, intermediate_dim=64,
                                 dropout=0.0, name="transformer_forecaster"):
    """A small transformer encoder forecaster: scaled window -> next `horizon` values.

        x = Dense(d_model)(window - window[-1]) + sinusoidal positions   # (batch, window, d_model)
        x = num_layers x TransformerEncoderBlock (pre-norm)
        forecast = window[-1] + Dense(horizon)(flatten(LayerNorm(x)))

    Defaults on window 24, horizon 1: embed 32 + 32 = 64; per block attention
    4 * (32*32 + 32) = 4,224, FFN 32*64 + 64 + 64*32 + 32 = 4,192, 2 norms 128 = 8,544,
    x2 = 17,088; final norm 64; head 24*32 + 1 = 769: total 17,985 parameters.

    Args:
        window: input steps (fixed: the head reads every position).
        horizon, d_model, num_heads, num_layers, intermediate_dim, dropout: as named.

    Returns:
        A `keras.Model` (batch, window, 1) -> (batch, horizon).
    """
    if window is None:
        raise DLCourseError("build_transformer_forecaster needs a fixed `window`. Received: window=None")
    inputs = keras.Input((window, 1), name="window")
    x = keras.layers.Dense(d_model, name="embed")(_relative(inputs))
    x = layers.SinusoidalPositionalEncoding(name="positions")(x)
    for i in range(num_layers):
        x = layers.TransformerEncoderBlock(num_heads, intermediate_dim, dropout=dropout, norm_first=True,
                                           name=f"encoder_{i + 1}")(x)
    x = keras.layers.Flatten()(layers.LayerNormalization(epsilon=1e-5, name="final_norm")(x))
    return keras.Model(inputs, _persistence_output(inputs, x, horizon), name=name)


def build_text_classifier(vocab_size, num_classes, sequence_length=None, embedding_dim=32, units=64,
                          cell="gru", name="text_classifier"):
    """Character ids -> class probabilities: embedding, bidirectional recurrent layer, softmax.

        x = Embedding(vocab_size, embedding_dim, mask_zero=True)(ids)   # id 0 is padding
        h = concat(RNN(cell)(x), RNN(cell, backwards)(x))               # padding skipped
        probabilities = softmax(Dense(num_classes)(h))

    Args:
        vocab_size: ids 0 (padding), 1 (unknown), 2.. characters.
        num_classes: output classes.
        sequence_length: padded length (None: any).
        embedding_dim, units: sizes; cell: `rnn`, `lstm` or `gru`.

    Returns:
        A `keras.Model` int32 (batch, sequence_length) -> (batch, num_classes).
    """
    make_cell = _check_cell(cell)
    inputs = keras.Input((sequence_length,), dtype="int32", name="ids")
    x = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True, name="embed")(inputs)
    x = keras.layers.Bidirectional(keras.layers.RNN(make_cell(units)), name=f"bi_{cell}")(x)
    outputs = classifier_output(x, num_classes)
    return keras.Model(inputs, outputs, name=name)
