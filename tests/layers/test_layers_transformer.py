"""Positional encodings and transformer blocks: hand-computed tables, and the blocks
against the same equations written with Keras's own layers and the same weights."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from dlcourse import layers
from dlcourse.errors import DLCourseError

ATOL = 2e-5
BATCH, T, S, D, HEADS, INTER = 2, 5, 4, 8, 2, 16
SUBLAYERS = ("self_attention", "self_attention_norm", "cross_attention", "cross_attention_norm",
             "ffn_inner", "ffn_outer", "ffn_norm")


class _KerasBlock(keras.layers.Layer):
    """The block's equations with keras.layers, and explicit (batch, T, S) attention masks."""

    def __init__(self, norm_first, causal, cross):
        super().__init__()
        self.norm_first, self.causal = norm_first, causal
        self.supports_masking = True
        self.self_attention = keras.layers.MultiHeadAttention(HEADS, D // HEADS)
        self.self_attention_norm = keras.layers.LayerNormalization(epsilon=1e-5)
        if cross:
            self.cross_attention = keras.layers.MultiHeadAttention(HEADS, D // HEADS)
            self.cross_attention_norm = keras.layers.LayerNormalization(epsilon=1e-5)
        self.ffn_inner = keras.layers.Dense(INTER, activation="relu")
        self.ffn_outer = keras.layers.Dense(D)
        self.ffn_norm = keras.layers.LayerNormalization(epsilon=1e-5)

    def _residual(self, x, f, norm):
        return x + f(norm(x)) if self.norm_first else norm(x + f(x))

    def call(self, x, encoder_outputs=None, mask=None, encoder_mask=None):
        t = x.shape[1]
        rows = np.ones((BATCH, t), bool) if mask is None else mask
        self_mask = rows[:, :, None] & rows[:, None, :]
        if self.causal:
            self_mask = self_mask & np.tril(np.ones((t, t), bool))[None]
        x = self._residual(x, lambda h: self.self_attention(h, h, attention_mask=self_mask), self.self_attention_norm)
        if encoder_outputs is not None:
            cols = np.ones((BATCH, S), bool) if encoder_mask is None else encoder_mask
            cross_mask = rows[:, :, None] & cols[:, None, :]
            x = self._residual(x, lambda h: self.cross_attention(h, encoder_outputs, attention_mask=cross_mask),
                               self.cross_attention_norm)
        return self._residual(x, lambda h: self.ffn_outer(self.ffn_inner(h)), self.ffn_norm)


def _run(block, call, x, mask, names):
    """Output and gradients of sum(y * c), with c = 0 at padded positions: their
    output is arbitrary (Keras gives fully masked rows uniform weights, we give zero)."""
    x = tf.convert_to_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = call(x)
        c = tf.cast(tf.reshape(tf.range(tf.size(y)) % 7 - 3, tf.shape(y)), y.dtype)
        if mask is not None:
            c = c * mask[:, :, None]
        loss = tf.reduce_sum(y * c)
    weights = [w for n in names for w in getattr(block, n).trainable_weights]
    return y, tape.gradient(loss, [x] + weights)


def _lengths_mask(lengths, size):
    return np.arange(size)[None, :] < np.array(lengths)[:, None]


@pytest.mark.parametrize("kind", ["encoder", "decoder_only", "decoder"])
@pytest.mark.parametrize("norm_first", [False, True], ids=["post_norm", "pre_norm"])
@pytest.mark.parametrize("masked", [False, True], ids=["no_mask", "mask"])
def test_block_matches_keras_layers_with_same_weights(kind, norm_first, masked):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(BATCH, T, D)).astype("float32")
    enc = tf.constant(rng.normal(size=(BATCH, S, D)).astype("float32")) if kind == "decoder" else None
    mask = _lengths_mask([T, 3], T) if masked else None
    enc_mask = _lengths_mask([2, S], S) if masked and enc is not None else None
    cls = layers.TransformerEncoderBlock if kind == "encoder" else layers.TransformerDecoderBlock
    ours = cls(num_heads=HEADS, intermediate_dim=INTER, norm_first=norm_first)
    ref = _KerasBlock(norm_first, causal=kind != "encoder", cross=enc is not None)
    extra = {} if enc is None else {"encoder_outputs": enc, "encoder_outputs_mask": enc_mask}
    ours(x, mask=mask, **extra)
    ref(x, enc, mask=mask, encoder_mask=enc_mask)
    names = [n for n in SUBLAYERS if getattr(ours, n, None) is not None]
    assert len(ours.trainable_weights) == sum(len(getattr(ref, n).trainable_weights) for n in names)
    for n in names:
        getattr(ours, n).set_weights([w + rng.normal(0, 0.3, w.shape) for w in getattr(ref, n).get_weights()])
        getattr(ref, n).set_weights(getattr(ours, n).get_weights())
    y_ours, g_ours = _run(ours, lambda v: ours(v, mask=mask, training=True, **extra), x, mask, names)
    y_ref, g_ref = _run(ref, lambda v: ref(v, enc, mask=mask, encoder_mask=enc_mask), x, mask, names)
    real = np.ones((BATCH, T), bool) if mask is None else mask
    np.testing.assert_allclose(y_ours.numpy()[real], y_ref.numpy()[real], atol=ATOL)
    for a, b in zip(g_ours, g_ref, strict=True):
        np.testing.assert_allclose(a, b, atol=ATOL)


def test_decoder_causal_leakage_future_token_changes_no_earlier_output():
    tokens = np.array([[5, 2, 7, 1, 3, 4]])
    embed = keras.layers.Embedding(10, D)
    position = layers.SinusoidalPositionalEncoding()
    blocks = [layers.TransformerDecoderBlock(HEADS, INTER, norm_first=f) for f in (True, False)]

    def forward(t):
        x = position(embed(t))
        for block in blocks:
            x = block(x)
        return x.numpy()

    changed = tokens.copy()
    changed[0, 4] = 9
    a, b = forward(tokens), forward(changed)
    np.testing.assert_array_equal(a[0, :4], b[0, :4])
    assert np.abs(a[0, 4:] - b[0, 4:]).max() > 1e-3


def test_encoder_padding_never_reaches_real_tokens():
    block = layers.TransformerEncoderBlock(HEADS, INTER)
    x = np.random.default_rng(1).normal(size=(1, T, D)).astype("float32")
    noisy = x.copy()
    noisy[0, 3:] = 100.0  # Padding content must not matter.
    mask = _lengths_mask([3], T)
    np.testing.assert_allclose(block(x, mask=mask)[0, :3], block(noisy, mask=mask)[0, :3], atol=1e-6)


def test_sinusoidal_table_by_hand():
    y = layers.SinusoidalPositionalEncoding()(np.zeros((1, 3, 4), "float32")).numpy()[0]
    w = 10000.0 ** (2 / 4)
    expected = [[0, 1, 0, 1], [np.sin(1), np.cos(1), np.sin(1 / w), np.cos(1 / w)],
                [np.sin(2), np.cos(2), np.sin(2 / w), np.cos(2 / w)]]
    np.testing.assert_allclose(y, expected, atol=1e-6)
    x = np.ones((2, 7, 5), "float32")  # Odd width, and added to the input.
    y = layers.SinusoidalPositionalEncoding()(x).numpy()
    np.testing.assert_allclose(y[1, 6, 4], 1 + np.sin(6 / 10000.0 ** (4 / 5)), atol=1e-6)


def test_learned_positional_embedding_adds_its_table_and_refuses_long_inputs():
    layer = layers.LearnedPositionalEmbedding(sequence_length=6)
    x = np.ones((2, 4, 3), "float32")
    y = layer(x).numpy()
    np.testing.assert_allclose(y, x + layer.get_weights()[0][None, :4], atol=1e-7)
    with pytest.raises(DLCourseError, match="sequence_length"):
        layers.LearnedPositionalEmbedding(sequence_length=3).build((2, 4, 3))


def test_blocks_and_encodings_keras_file_round_trip(tmp_path):
    source, target = keras.Input((S,), dtype="int32"), keras.Input((T,), dtype="int32")
    e = layers.SinusoidalPositionalEncoding()(keras.layers.Embedding(10, D, mask_zero=True)(source))
    e = layers.TransformerEncoderBlock(HEADS, INTER, norm_first=True, dropout=0.1)(e)
    d = layers.LearnedPositionalEmbedding(T)(keras.layers.Embedding(10, D, mask_zero=True)(target))
    d = layers.TransformerDecoderBlock(HEADS, INTER)(d, e)
    model = keras.Model([source, target], keras.layers.Dense(10)(d))
    rng = np.random.default_rng(2)
    x = [rng.integers(0, 10, (2, S)), rng.integers(0, 10, (2, T))]
    model.save(tmp_path / "transformer.keras")
    reloaded = keras.models.load_model(tmp_path / "transformer.keras")
    np.testing.assert_allclose(reloaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


@pytest.mark.parametrize("kwargs, word", [({"num_heads": 0, "intermediate_dim": 4}, "num_heads"),
                                          ({"num_heads": 2, "intermediate_dim": 4, "dropout": -0.1}, "dropout")])
def test_block_bad_arguments_raise(kwargs, word):
    with pytest.raises(DLCourseError, match=word):
        layers.TransformerEncoderBlock(**kwargs)


def test_block_width_must_divide_by_heads():
    with pytest.raises(DLCourseError, match="num_heads"):
        layers.TransformerEncoderBlock(num_heads=3, intermediate_dim=4)(np.zeros((1, 2, 8), "float32"))
