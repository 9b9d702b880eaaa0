"""SimpleRNNCell, LSTMCell, GRUCell inside keras.layers.RNN against Keras's RNN layers."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from dlcourse import layers
from dlcourse.errors import DLCourseError

ATOL = 1e-5
BATCH, STEPS, FEATURES, UNITS = 3, 7, 5, 6

CASES = [
    ("simple_rnn", lambda: layers.SimpleRNNCell(UNITS), lambda **kw: keras.layers.SimpleRNN(UNITS, **kw)),
    ("lstm", lambda: layers.LSTMCell(UNITS), lambda **kw: keras.layers.LSTM(UNITS, **kw)),
    ("gru", lambda: layers.GRUCell(UNITS), lambda **kw: keras.layers.GRU(UNITS, **kw)),
    ("gru_reset_before", lambda: layers.GRUCell(UNITS, reset_after=False),
     lambda **kw: keras.layers.GRU(UNITS, reset_after=False, **kw)),
]


def _outputs_and_gradients(rnn, x, mask):
    """Sequences and final states concatenated, and d(sum(out * c))/d[x, weights...]."""
    x = tf.convert_to_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        sequences, *states = rnn(x, mask=mask, training=True)
        out = tf.concat([tf.reshape(t, (BATCH, -1)) for t in [sequences, *states]], axis=1)
        c = tf.cast(tf.reshape(tf.range(tf.size(out)) % 7 - 3, tf.shape(out)), out.dtype)
        loss = tf.reduce_sum(out * c)
    return out, tape.gradient(loss, [x] + rnn.trainable_weights)


def _pair(make_cell, make_keras):
    kw = dict(return_sequences=True, return_state=True)
    ref, ours = make_keras(**kw), keras.layers.RNN(make_cell(), **kw)
    ref.build((BATCH, STEPS, FEATURES))
    ours.build((BATCH, STEPS, FEATURES))
    rng = np.random.default_rng(0)
    # Random biases too (Keras starts them at 0 or 1), so every weight is tested.
    ref.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in ref.get_weights()])
    ours.set_weights(ref.get_weights())
    return ours, ref


@pytest.mark.parametrize("name, make_cell, make_keras", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("masked", [False, True], ids=["no_mask", "mask"])
def test_cell_in_rnn_matches_keras_outputs_states_gradients(name, make_cell, make_keras, masked):
    ours, ref = _pair(make_cell, make_keras)
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in ref.get_weights()]
    x = np.random.default_rng(1).normal(size=(BATCH, STEPS, FEATURES)).astype("float32")
    mask = None
    if masked:  # Right padding of different lengths, and one sequence left unpadded.
        mask = np.arange(STEPS)[None, :] < np.array([[STEPS], [4], [2]])
    y_ref, g_ref = _outputs_and_gradients(ref, x, mask)
    y_ours, g_ours = _outputs_and_gradients(ours, x, mask)
    np.testing.assert_allclose(y_ours, y_ref, atol=ATOL)
    assert len(g_ours) == len(g_ref) == len(ref.get_weights()) + 1
    for a, b in zip(g_ours, g_ref):
        np.testing.assert_allclose(a, b, atol=ATOL)
    if masked:  # A masked step keeps the state: sequence 3 ends with its step-2 output.
        seq = ours(x, mask=mask)[0].numpy()
        np.testing.assert_array_equal(seq[2, -1], seq[2, 1])


def test_lstm_cell_starts_forget_bias_at_one_like_keras():
    ours, ref = keras.layers.RNN(layers.LSTMCell(4)), keras.layers.LSTM(4)
    ours.build((1, 2, 3))
    ref.build((1, 2, 3))
    np.testing.assert_array_equal(ours.get_weights()[2], ref.get_weights()[2])
    np.testing.assert_array_equal(ours.get_weights()[2], [0] * 4 + [1] * 4 + [0] * 8)


def test_gru_cell_bias_layout_is_keras_reset_after():
    rnn = keras.layers.RNN(layers.GRUCell(4))
    rnn.build((1, 2, 3))
    assert [w.shape for w in rnn.get_weights()] == [(3, 12), (4, 12), (2, 12)]


def test_simple_rnn_cell_one_step_by_hand():
    cell = layers.SimpleRNNCell(2, activation=None)
    cell.build((1, 1))
    cell.set_weights([np.array([[1.0, 2.0]], "float32"), np.array([[0.5, 0.0], [0.0, -1.0]], "float32"),
                      np.array([0.1, 0.2], "float32")])
    h, [state] = cell(np.array([[3.0]], "float32"), [np.array([[2.0, 4.0]], "float32")])
    # x @ kernel + bias + h @ recurrent_kernel = [3 + 0.1 + 1, 6 + 0.2 - 4]
    np.testing.assert_allclose(h, [[4.1, 2.2]], atol=1e-6)
    np.testing.assert_array_equal(h, state)


@pytest.mark.parametrize("make_cell", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_cell_keras_file_round_trip(make_cell, tmp_path):
    inputs = keras.Input((STEPS, FEATURES))
    model = keras.Model(inputs, keras.layers.RNN(make_cell())(inputs))
    x = np.random.default_rng(2).normal(size=(2, STEPS, FEATURES)).astype("float32")
    model.save(tmp_path / "rnn.keras")
    reloaded = keras.models.load_model(tmp_path / "rnn.keras")
    assert type(reloaded.layers[-1].cell) is type(model.layers[-1].cell)
    np.testing.assert_array_equal(reloaded.predict(x, verbose=0), model.predict(x, verbose=0))


@pytest.mark.parametrize("cell", [layers.SimpleRNNCell, layers.LSTMCell, layers.GRUCell])
def test_cell_bad_units_raise(cell):
    with pytest.raises(DLCourseError, match="units"):
        cell(0)
