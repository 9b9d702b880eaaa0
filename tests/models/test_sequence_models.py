"""Sequence model builders, greedy decoding, the ViT, and the n-gram and naive baselines."""

import keras
import numpy as np
import pytest

from dlcourse import layers, models
from dlcourse.errors import DLCourseError
from dlcourse.models.forecast_baselines import naive_forecast, seasonal_naive_forecast
from dlcourse.models.ngram import CharNGram


def _one_step_loss(model, x, y, loss):
    """One eager Adam step (no graph tracing: seconds, not minutes, on a busy CPU);
    returns the loss, after checking every weight got a finite gradient and moved."""
    import tensorflow as tf

    loss_fn = keras.losses.get(loss) if isinstance(loss, str) else loss
    before = [w.numpy().copy() for w in model.trainable_weights]
    with tf.GradientTape() as tape:
        value = keras.ops.mean(loss_fn(y, model(x, training=True)))
    grads = tape.gradient(value, model.trainable_weights)
    assert all(g is not None and np.all(np.isfinite(tf.convert_to_tensor(g))) for g in grads)
    keras.optimizers.Adam(1e-3).apply(grads, model.trainable_weights)
    assert all(np.any(b != w.numpy()) for b, w in zip(before, model.trainable_weights))
    return float(value)


@pytest.mark.parametrize("cell, params", [("rnn", 1_121), ("lstm", 4_385), ("gru", 3_393)])
def test_rnn_forecaster_shape_parameters_and_a_finite_step(cell, params):
    model = models.build_rnn_forecaster(24, cell=cell)
    assert model.count_params() == params  # The counts in the docstring.
    x = np.random.default_rng(0).normal(size=(8, 24, 1)).astype("float32")
    assert model(x).shape == (8, 1)
    assert np.isfinite(_one_step_loss(model, x, np.zeros((8, 1), "float32"), "mse"))
    cells = [type(layer.cell) for layer in model.layers if isinstance(layer, keras.layers.RNN)]
    assert cells == [models.sequence.CELLS[cell]]


def test_forecasters_start_from_the_naive_forecast():
    """forecast = last value + learned change: with the change zeroed, exactly naive."""
    x = np.random.default_rng(1).normal(size=(4, 24, 1)).astype("float32")
    for model in (models.build_rnn_forecaster(24, horizon=3, cell="gru"), models.build_transformer_forecaster(24, 3)):
        change = model.get_layer("change")
        change.set_weights([np.zeros_like(w) for w in change.get_weights()])
        np.testing.assert_allclose(model(x), np.repeat(x[:, -1], 3, axis=1), atol=1e-6)


def test_transformer_forecaster_parameter_count_and_step():
    model = models.build_transformer_forecaster(24)
    assert model.count_params() == 17_985
    x = np.random.default_rng(2).normal(size=(8, 24, 1)).astype("float32")
    assert np.isfinite(_one_step_loss(model, x, np.zeros((8, 1), "float32"), "mse"))


def test_bad_cell_name():
    with pytest.raises(DLCourseError, match="Unknown cell 'lstmm'"):
        models.build_rnn_forecaster(24, cell="lstmm")


def test_text_classifier_ignores_padding():
    model = models.build_text_classifier(vocab_size=20, num_classes=3, sequence_length=12)
    ids = np.random.default_rng(3).integers(2, 20, (2, 12)).astype("int32")
    ids[:, 7:] = 0
    longer = np.concatenate([ids, np.zeros((2, 5), "int32")], axis=1)
    probabilities = model(ids).numpy()
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-6)
    # More padding, same answer: the bidirectional RNN skips masked steps both ways.
    unfixed = models.build_text_classifier(vocab_size=20, num_classes=3)
    unfixed.set_weights(model.get_weights())
    np.testing.assert_allclose(unfixed(longer), probabilities, atol=1e-5)


def test_seq2seq_transformer_shapes_and_a_finite_step():
    model = models.build_seq2seq_transformer(14, 14, 8, 9, d_model=16, num_heads=2, num_layers=1,
                                             intermediate_dim=32)
    rng = np.random.default_rng(4)
    source, decoder_inputs = rng.integers(1, 14, (6, 8)), rng.integers(1, 14, (6, 9))
    assert model([source, decoder_inputs]).shape == (6, 9, 14)
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0)
    assert np.isfinite(_one_step_loss(model, [source, decoder_inputs], rng.integers(0, 14, (6, 9)), loss))
    # Sinusoidal positions (the default) have no weights; learned ones a table per side.
    learned = models.build_seq2seq_transformer(14, 14, 8, 9, d_model=16, num_heads=2, num_layers=1,
                                               intermediate_dim=32, positions="learned")
    assert learned.count_params() - model.count_params() == (8 + 9) * 16
    with pytest.raises(DLCourseError, match="Unknown positions 'rotary'"):
        models.build_seq2seq_transformer(14, 14, 8, 9, positions="rotary")


def test_greedy_decode_feeds_back_its_own_argmax():
    model = models.build_seq2seq_transformer(14, 14, 6, 5, d_model=16, num_heads=2, num_layers=1,
                                             intermediate_dim=32)
    source = np.random.default_rng(5).integers(3, 14, (3, 6))
    decoded = np.asarray(models.greedy_decode(model, source, 5))
    assert decoded.shape == (3, 5) and decoded.dtype == np.int32
    # Re-running the model on <start> + its own answer predicts that answer at every step.
    decoder_inputs = np.concatenate([np.ones((3, 1), "int32"), decoded[:, :-1]], axis=1)
    np.testing.assert_array_equal(np.argmax(model([source, decoder_inputs]), axis=-1), decoded)


def test_char_gpt_is_causal_and_takes_any_length():
    model = models.build_char_gpt(vocab_size=30, sequence_length=16, d_model=16, num_heads=2, num_layers=2,
                                  dropout=0.0)
    ids = np.random.default_rng(6).integers(2, 30, (1, 10))
    changed = ids.copy()
    changed[0, 7] = 3 if ids[0, 7] != 3 else 4
    a, b = model(ids).numpy(), model(changed).numpy()
    np.testing.assert_array_equal(a[0, :7], b[0, :7])
    assert np.abs(a[0, 7:] - b[0, 7:]).max() > 1e-4
    np.testing.assert_allclose(model(ids[:, :4]), a[:, :4], atol=1e-5)  # A prefix alone: same outputs.


def test_vit_parameter_count_and_a_finite_step():
    model = models.build_vit()
    assert model.count_params() == 139_018  # The count in the docstring.
    x = np.random.default_rng(7).uniform(size=(4, 28, 28, 1)).astype("float32")
    probabilities = model(x).numpy()
    assert probabilities.shape == (4, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    small = models.build_vit((8, 8, 1), 10, patch_size=4, d_model=16, num_heads=2, num_layers=1, intermediate_dim=32)
    assert np.isfinite(_one_step_loss(small, x[:, :8, :8], np.arange(4), "sparse_categorical_crossentropy"))


def test_patch_embedding_projection_equals_conv2d():
    images = np.random.default_rng(8).normal(size=(2, 8, 12, 3)).astype("float32")
    layer, conv = layers.PatchEmbedding(4, 5), keras.layers.Conv2D(5, 4, strides=4)
    layer.build(images.shape)
    conv.build(images.shape)
    kernel, bias = conv.get_weights()
    layer.set_weights([kernel.reshape(48, 5), bias, np.zeros((1, 1, 5)), np.zeros((7, 5))])
    tokens = layer(images).numpy()
    assert tokens.shape == (2, 1 + 2 * 3, 5)
    np.testing.assert_allclose(tokens[:, 1:], conv(images).numpy().reshape(2, 6, 5), atol=1e-5)
    np.testing.assert_array_equal(tokens[:, 0], 0.0)  # The class token (zeros here).
    with pytest.raises(DLCourseError, match="patch_size"):
        layers.PatchEmbedding(5, 8).build((1, 28, 28, 1))


def test_naive_and_seasonal_naive_by_hand():
    windows = np.array([[1.0, 2.0, 3.0, 4.0, 5.0]])
    np.testing.assert_array_equal(naive_forecast(windows, 2), [[5.0, 5.0]])
    # Season 3: the next values are those 3 steps back: 3, 4, 5, then 3 again.
    np.testing.assert_array_equal(seasonal_naive_forecast(windows[..., None], 3, 4), [[3.0, 4.0, 5.0, 3.0]])
    with pytest.raises(DLCourseError, match="season"):
        seasonal_naive_forecast(windows, 6)


def test_ngram_unigram_by_hand_and_higher_orders_help():
    ids = np.array([2, 2, 3] * 4)
    unigram = CharNGram(order=1).fit(ids, vocab_size=5)
    # count(2) = 8, count(3) = 4, 12 ids, 2 types: p(c) = (count(c) + 2 / 5) / (12 + 2).
    np.testing.assert_allclose(2 ** unigram.log2_probs(np.array([2, 3, 4, 2])),
                               [8.4 / 14, 4.4 / 14, 0.4 / 14, 8.4 / 14])
    probabilities = 2 ** unigram.log2_probs(np.arange(5))
    np.testing.assert_allclose(probabilities.sum(), 1.0)  # A distribution over the vocabulary.
    trigram = CharNGram(order=3).fit(ids, vocab_size=5)
    assert trigram.bits_per_char(ids) < 0.3 < unigram.bits_per_char(ids)
    with pytest.raises(DLCourseError, match="Fit the model first"):
        CharNGram(3).log2_probs(ids)
