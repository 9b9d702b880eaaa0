"""scaled_dot_product_attention and MultiHeadAttention against keras.layers.MultiHeadAttention."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from dlcourse import layers
from dlcourse.errors import DLCourseError
from dlcourse.layers.attention import scaled_dot_product_attention

ATOL = 1e-5
BATCH, T, S, D = 2, 5, 6, 16


def _pair(**kwargs):
    ref, ours = keras.layers.MultiHeadAttention(**kwargs), layers.MultiHeadAttention(**kwargs)
    ref.build((BATCH, T, D), (BATCH, S, D))
    ours.build((BATCH, T, D), (BATCH, S, D))
    rng = np.random.default_rng(0)
    ref.set_weights([rng.normal(0, 0.3, w.shape).astype("float32") for w in ref.get_weights()])
    ours.set_weights(ref.get_weights())
    return ours, ref


def _outputs_and_gradients(mha, query, value, **kwargs):
    query, value = tf.convert_to_tensor(query), tf.convert_to_tensor(value)
    with tf.GradientTape() as tape:
        tape.watch([query, value])
        out, scores = mha(query, value, return_attention_scores=True, **kwargs)
        c = tf.cast(tf.reshape(tf.range(tf.size(out)) % 7 - 3, tf.shape(out)), out.dtype)
        loss = tf.reduce_sum(out * c) + tf.reduce_sum(scores * tf.range(S, dtype=scores.dtype))
    return out, scores, tape.gradient(loss, [query, value] + mha.trainable_weights)


def _padding_mask():
    """(batch, T, S): example 0 sees all 6 keys, example 1 only the first 4."""
    keys = np.arange(S)[None, :] < np.array([[S], [4]])
    return np.repeat(keys[:, None, :], T, axis=1)


MASKS = {
    "none": {},
    "padding": {"attention_mask": _padding_mask()},
    "causal": {"use_causal_mask": True},
    "padding_and_causal": {"attention_mask": _padding_mask(), "use_causal_mask": True},
}


def test_weight_layout_is_keras():
    ours, ref = _pair(num_heads=4, key_dim=8, value_dim=3)
    assert [w.shape for w in ours.weights] == [w.shape for w in ref.weights] == [
        (16, 4, 8), (4, 8), (16, 4, 8), (4, 8), (16, 4, 3), (4, 3), (4, 3, 16), (16,)]


@pytest.mark.parametrize("mask", list(MASKS), ids=list(MASKS))
@pytest.mark.parametrize("training", [True, False])
def test_mha_matches_keras_outputs_scores_gradients(mask, training):
    ours, ref = _pair(num_heads=4, key_dim=8, value_dim=6)
    rng = np.random.default_rng(1)
    query = rng.normal(size=(BATCH, T, D)).astype("float32")
    value = rng.normal(size=(BATCH, S, D)).astype("float32")
    kwargs = dict(MASKS[mask], training=training)
    out_ref, scores_ref, g_ref = _outputs_and_gradients(ref, query, value, **kwargs)
    out, scores, g_ours = _outputs_and_gradients(ours, query, value, **kwargs)
    np.testing.assert_allclose(out, out_ref, atol=ATOL)
    np.testing.assert_allclose(scores, scores_ref, atol=ATOL)
    assert len(g_ours) == len(g_ref) == 10
    for a, b in zip(g_ours, g_ref):
        np.testing.assert_allclose(a, b, atol=ATOL)
    # Without scores Keras takes its fused path: same output.
    np.testing.assert_allclose(ours(query, value, **kwargs), ref(query, value, **kwargs), atol=ATOL)


def test_masked_positions_get_exactly_zero_weight():
    ours, _ = _pair(num_heads=2, key_dim=4)
    x = np.random.default_rng(2).normal(size=(BATCH, T, D)).astype("float32") * 50
    value = np.random.default_rng(3).normal(size=(BATCH, S, D)).astype("float32") * 50
    mask = _padding_mask()
    _, scores = ours(x, value, attention_mask=mask, use_causal_mask=True, return_attention_scores=True)
    allowed = mask & np.tril(np.ones((T, S), bool))[None]
    scores = scores.numpy()  # (batch, heads, T, S)
    assert np.all(scores.transpose(1, 0, 2, 3)[:, ~allowed] == 0.0)
    np.testing.assert_allclose(scores.sum(-1), 1.0, atol=1e-6)


def test_keras_masks_of_inputs_are_used_like_keras():
    """Embedding(mask_zero=True) padding reaches both layers as query and value masks."""
    tokens = np.array([[3, 5, 2, 0, 0], [4, 1, 1, 1, 6]])
    embed = keras.layers.Embedding(8, D, mask_zero=True, embeddings_initializer="normal")
    ours, ref = _pair(num_heads=2, key_dim=4)
    # Keras's layer removes the mask from its inputs: embed afresh for each call.
    out_ref, scores_ref = ref(embed(tokens), embed(tokens), return_attention_scores=True)
    out, scores = ours(embed(tokens), embed(tokens), return_attention_scores=True)
    np.testing.assert_allclose(out, out_ref, atol=ATOL)
    np.testing.assert_allclose(scores, scores_ref, atol=ATOL)
    assert np.all(scores.numpy()[0, :, :, 3:] == 0.0) and np.all(scores.numpy()[1] > 0.0)


def test_causal_leakage_changing_a_future_token_changes_no_earlier_output():
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=4)
    x = np.random.default_rng(4).normal(size=(1, T, D)).astype("float32")
    changed = x.copy()
    changed[0, 3] += 10.0
    a, b = mha(x, x, use_causal_mask=True).numpy(), mha(changed, changed, use_causal_mask=True).numpy()
    np.testing.assert_array_equal(a[0, :3], b[0, :3])
    assert np.abs(a[0, 3:] - b[0, 3:]).max() > 1e-3


def test_scaled_dot_product_attention_by_hand():
    q = np.array([[[1.0, 0.0]]], "float32")                     # (1, T=1, d=2)
    k = np.array([[[1.0, 0.0], [0.0, 1.0], [2.0, 0.0]]], "float32")
    v = np.array([[[1.0], [2.0], [4.0]]], "float32")
    out, w = scaled_dot_product_attention(q, k, v, mask=np.array([[[True, True, False]]]))
    # scores = [1, 0, (2 masked)] / sqrt(2); weights = softmax over the first two.
    e = np.exp([1 / np.sqrt(2), 0.0])
    np.testing.assert_allclose(w, [[[e[0] / e.sum(), e[1] / e.sum(), 0.0]]], atol=1e-6)
    np.testing.assert_allclose(out, [[[(e[0] * 1 + e[1] * 2) / e.sum()]]], atol=1e-6)


def test_dropout_only_in_training():
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=4, dropout=0.5, seed=1)
    x = np.random.default_rng(5).normal(size=(BATCH, T, D)).astype("float32")
    np.testing.assert_array_equal(mha(x, x, training=False), mha(x, x, training=False))
    assert np.abs(mha(x, x, training=True).numpy() - mha(x, x, training=False).numpy()).max() > 1e-3


def test_mha_keras_file_round_trip(tmp_path):
    query, value = keras.Input((T, D)), keras.Input((S, 8))
    out = layers.MultiHeadAttention(2, 4, output_shape=5)(query, value, use_causal_mask=True)
    model = keras.Model([query, value], out)
    rng = np.random.default_rng(6)
    x = [rng.normal(size=(2, T, D)).astype("float32"), rng.normal(size=(2, S, 8)).astype("float32")]
    model.save(tmp_path / "mha.keras")
    reloaded = keras.models.load_model(tmp_path / "mha.keras")
    assert model.output.shape == (None, T, 5)
    np.testing.assert_array_equal(reloaded.predict(x, verbose=0), model.predict(x, verbose=0))


@pytest.mark.parametrize("kwargs, word", [({"num_heads": 0, "key_dim": 4}, "num_heads"),
                                          ({"num_heads": 2, "key_dim": -1}, "key_dim"),
                                          ({"num_heads": 2, "key_dim": 4, "dropout": 1.0}, "dropout")])
def test_mha_bad_arguments_raise(kwargs, word):
    with pytest.raises(DLCourseError, match=word):
        layers.MultiHeadAttention(**kwargs)
