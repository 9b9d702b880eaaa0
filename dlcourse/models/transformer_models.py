"""Transformer models: an encoder-decoder (seq2seq) with greedy decoding, and a tiny character GPT."""

import keras
from keras import ops

from dlcourse import layers
from dlcourse.errors import DLCourseError


POSITIONS = ("sinusoidal", "learned")


def _embed(ids, vocab_size, d_model, sequence_length, name, positions="learned"):
    """Token embedding (id 0 = padding, masked) plus positions: learned, or sinusoidal with
    the embedding scaled by sqrt(d_model) (Vaswani et al., Sec. 3.4)."""
    if positions not in POSITIONS:
        raise DLCourseError(f"Unknown positions {positions!r}. Use one of: {', '.join(POSITIONS)}.")
    x = keras.layers.Embedding(vocab_size, d_model, mask_zero=True, name=f"{name}_tokens")(ids)
    if positions == "sinusoidal":
        x = keras.layers.Rescaling(d_model**0.5, name=f"{name}_scale")(x)
        return layers.SinusoidalPositionalEncoding(name=f"{name}_positions")(x)
    return layers.LearnedPositionalEmbedding(sequence_length, name=f"{name}_positions")(x)


def build_seq2seq_transformer(source_vocab_size, target_vocab_size, source_length, target_length, d_model=64,
                              num_heads=4, num_layers=2, intermediate_dim=128, dropout=0.0, positions="sinusoidal",
                              name="seq2seq_transformer"):
    """An encoder-decoder transformer trained with teacher forcing.

        e = source embedding + positions -> num_layers x TransformerEncoderBlock    # (batch, S, d_model)
        d = decoder_inputs embedding + positions                                     # <start> y_1 ... y_{T-1}
        d = num_layers x TransformerDecoderBlock(d, e)                               # causal self-, cross-attention
        logits = Dense(target_vocab_size)(LayerNorm(d))                              # predicts y_1 ... y_T

    Teacher forcing: the decoder reads the true previous tokens, so one forward pass
    trains every position at once; the causal mask keeps position t from seeing
    y_t and later. At inference `greedy_decode` feeds back its own predictions.
    Padding (id 0) is masked in both attentions. Pre-norm blocks.

    Args:
        source_vocab_size, target_vocab_size: token counts (id 0 = padding).
        source_length, target_length: padded lengths.
        d_model, num_heads, num_layers, intermediate_dim, dropout: sizes.
        positions: "sinusoidal" (default: one table for source and target, so position k
            of the answer and position k of the question match without learning it) or
            "learned" (a table each). Measured on `add` (15 epochs, 20,000 questions):
            sinusoidal gave every answer digit right after 4 epochs; learned tables left
            answer positions 0 and 1 at chance (their cross-attention never found its
            columns) and 1 % exact match.

    Returns:
        A `keras.Model` [source (batch, S), decoder_inputs (batch, T)] int32 -> logits
        (batch, T, target_vocab_size).

    Example:
        >>> model = build_seq2seq_transformer(14, 14, 8, 9)
        >>> answers = greedy_decode(model, sources, target_length=9)

    Reference: A. Vaswani et al., "Attention is all you need", NeurIPS 2017.
    """
    source = keras.Input((source_length,), dtype="int32", name="source")
    decoder_inputs = keras.Input((target_length,), dtype="int32", name="decoder_inputs")
    e = _embed(source, source_vocab_size, d_model, source_length, "source", positions)
    for i in range(num_layers):
        e = layers.TransformerEncoderBlock(num_heads, intermediate_dim, dropout=dropout, norm_first=True,
                                           name=f"encoder_{i + 1}")(e)
    e = layers.LayerNormalization(epsilon=1e-5, name="encoder_norm")(e)
    d = _embed(decoder_inputs, target_vocab_size, d_model, target_length, "target", positions)
    for i in range(num_layers):
        d = layers.TransformerDecoderBlock(num_heads, intermediate_dim, dropout=dropout, norm_first=True,
                                           name=f"decoder_{i + 1}")(d, e)
    d = layers.LayerNormalization(epsilon=1e-5, name="decoder_norm")(d)
    logits = keras.layers.Dense(target_vocab_size, dtype="float32", name="logits")(d)
    return keras.Model([source, decoder_inputs], logits, name=name)


def greedy_decode(model, source, target_length, start_token=1):
    """The most likely answer, one token at a time: int32 (batch, target_length).

        tokens = [start_token]
        for t in 0 .. target_length - 1:
            logits = model([source, tokens padded to target_length])
            tokens.append(argmax(logits[:, t]))        # the causal mask: padding after t is unseen
        return tokens[1:]

    Everything after the first end token is whatever the model then produced: cut there
    (e.g. `dlcourse.data.seq_toy.decode`).
    """
    source = ops.convert_to_tensor(source, "int32")
    tokens = ops.full((ops.shape(source)[0], 1), start_token, dtype="int32")
    for t in range(target_length):
        padded = ops.pad(tokens, [[0, 0], [0, target_length - t - 1]])
        logits = model([source, padded], training=False)
        next_token = ops.cast(ops.argmax(logits[:, t], axis=-1), "int32")
        tokens = ops.concatenate([tokens, ops.expand_dims(next_token, 1)], axis=1)
    return tokens[:, 1:]


def build_char_gpt(vocab_size, sequence_length, d_model=128, num_heads=4, num_layers=4, intermediate_dim=None,
                   dropout=0.1, name="char_gpt"):
    """A decoder-only character language model (a tiny GPT).

        x = Embedding(vocab_size, d_model)(ids) + learned positions      # (batch, T, d_model)
        x = num_layers x TransformerDecoderBlock (pre-norm, causal, no cross-attention)
        logits = Dense(vocab_size)(LayerNorm(x))                          # next character at each t

    Trained on (text[i : i + T], text[i + 1 : i + T + 1]): every position predicts
    the next character from those before it. Takes any length up to `sequence_length`
    (sampling grows the prompt). Parameters: embeddings (vocab_size + T) * d_model, per
    block 4 * d_model**2 + 2 * d_model * intermediate_dim (+ biases and norms), head
    d_model * vocab_size.

    Args:
        vocab_size: character ids (0 padding, 1 unknown, 2.. characters).
        sequence_length: the longest context.
        d_model, num_heads, num_layers: sizes; intermediate_dim: default 4 * d_model.
        dropout: on attention weights and residual branches.

    Returns:
        A `keras.Model` int32 (batch, T <= sequence_length) -> logits (batch, T, vocab_size).

    Reference: A. Radford et al., "Language models are unsupervised multitask learners"
    (GPT-2), 2019; A. Karpathy, nanoGPT.
    """
    ids = keras.Input((None,), dtype="int32", name="ids")
    x = keras.layers.Embedding(vocab_size, d_model, name="tokens")(ids)
    x = layers.LearnedPositionalEmbedding(sequence_length, name="positions")(x)
    x = keras.layers.Dropout(dropout)(x) if dropout else x
    for i in range(num_layers):
        x = layers.TransformerDecoderBlock(num_heads, intermediate_dim or 4 * d_model, dropout=dropout,
                                           activation="gelu", norm_first=True, name=f"block_{i + 1}")(x)
    x = layers.LayerNormalization(epsilon=1e-5, name="final_norm")(x)
    logits = keras.layers.Dense(vocab_size, dtype="float32", name="logits")(x)
    return keras.Model(ids, logits, name=name)
