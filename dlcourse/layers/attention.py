"""Scaled dot-product attention and multi-head attention, written out.

`MultiHeadAttention` mirrors `keras.layers.MultiHeadAttention` (constructor, call
signature, weight layout); `scaled_dot_product_attention` is the function inside it.
"""

import math

import keras
from keras import ops

from dlcourse.errors import DLCourseError
from dlcourse.layers._checks import check_positive_ints

# Masked scores are replaced by this before the softmax (as Keras's Softmax does), and
# their weights then set to exactly 0, so a fully masked row gives weights 0, not uniform.
_MASKED_SCORE = {"float16": -3e4}


def scaled_dot_product_attention(query, key, value, mask=None):
    """Softmax attention of each query over the keys. Keras's twin: `keras.ops.dot_product_attention`.

    For `query` (..., T, d), `key` (..., S, d), `value` (..., S, d_v):

        scores = query @ transpose(key) / sqrt(d)            # (..., T, S)
        scores = where(mask, scores, -1e9)                   # mask: True = may attend
        weights = softmax(scores, axis=-1)
        weights = where(mask, weights, 0)                    # masked: exactly 0
        output = weights @ value                             # (..., T, d_v)

    Dividing by sqrt(d) keeps the scores' variance near 1 for unit-variance inputs, so
    the softmax does not saturate as `d` grows.

    Args:
        query, key, value: tensors as above (leading axes are batch axes: batch, heads).
        mask: optional boolean tensor broadcastable to (..., T, S).

    Returns:
        `(output, weights)`: (..., T, d_v) and (..., T, S).

    Example:
        >>> q = k = v = np.eye(3, dtype="float32")[None]
        >>> output, weights = scaled_dot_product_attention(q, k, v)

    Reference: A. Vaswani et al., "Attention is all you need", NeurIPS 2017, Eq. 1.
    """
    scale = ops.cast(1.0 / math.sqrt(query.shape[-1]), query.dtype)
    scores = ops.matmul(ops.multiply(query, scale), ops.swapaxes(key, -1, -2))
    if mask is not None:
        mask = ops.cast(mask, "bool")
        dtype = keras.backend.standardize_dtype(scores.dtype)
        scores = ops.where(mask, scores, ops.cast(_MASKED_SCORE.get(dtype, -1e9), dtype))
    weights = ops.softmax(scores, axis=-1)
    if mask is not None:
        weights = ops.where(mask, weights, ops.zeros_like(weights))
    return ops.matmul(weights, value), weights


def causal_mask(query_length, key_length):
    """The (1, T, S) boolean mask of a decoder: position t may attend to keys 0..t."""
    rows = ops.expand_dims(ops.arange(query_length), 1)
    columns = ops.expand_dims(ops.arange(key_length), 0)
    return ops.expand_dims(ops.greater_equal(rows, columns), 0)


@keras.saving.register_keras_serializable(package="dlcourse")
class MultiHeadAttention(keras.layers.Layer):
    """Multi-head attention, written out. Mirrors `keras.layers.MultiHeadAttention`.

    For `query` (batch, T, d_q) and `value`, `key` (batch, S, d_v), `key` = `value`
    unless given, with `num_heads` heads of size `key_dim`:

        q = einsum("btd,dhk->bthk", query, query_kernel) + query_bias    # (batch, T, heads, key_dim)
        k = einsum("bsd,dhk->bshk", key, key_kernel) + key_bias
        v = einsum("bsd,dhv->bshv", value, value_kernel) + value_bias
        heads, scores = scaled_dot_product_attention(q, k, v, mask)      # per head, over S
        output = einsum("bthv,hvd->btd", heads, output_kernel) + output_bias

    `mask` (batch, T, S) is the AND of `attention_mask`, the Keras masks of the inputs
    (query rows (batch, T, 1), value and key columns (batch, 1, S), e.g. from
    `Embedding(mask_zero=True)`) and, with `use_causal_mask`, the lower triangle.
    Weights in Keras's order and shapes: query/kernel (d_q, heads, key_dim),
    query/bias (heads, key_dim), key, value, attention_output/kernel
    (heads, value_dim, d_q), bias (d_q,), so `set_weights(keras_mha.get_weights())`
    works. Attention runs over axis 1 only (Keras's `attention_axes=None` on rank-3
    inputs); no `attention_axes`, `use_gate`, `sliding_window`, flash attention.

    Args:
        num_heads: number of heads.
        key_dim: size of each head for query and key; value_dim: for value (default key_dim).
        dropout: dropout rate on the attention weights (training only).
        use_bias: add the four biases.
        output_shape: last-axis size of the output (default d_q).
        kernel_initializer, bias_initializer: as Keras (Glorot uniform, zeros).
        seed: dropout seed.

    Returns:
        (batch, T, output_shape), and with `return_attention_scores` also the weights
        (batch, heads, T, S).

    Example:
        >>> mha = MultiHeadAttention(num_heads=2, key_dim=4)
        >>> out, scores = mha(x, x, use_causal_mask=True, return_attention_scores=True)

    Reference: A. Vaswani et al., "Attention is all you need", NeurIPS 2017, Sec. 3.2.2.
    """

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True, output_shape=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", seed=None, **kwargs):
        super().__init__(**kwargs)
        check_positive_ints(num_heads=num_heads, key_dim=key_dim, value_dim=value_dim or 1)
        if not 0 <= dropout < 1:
            raise DLCourseError(f"`dropout` must be in [0, 1). Received: dropout={dropout}")
        self.num_heads, self.key_dim = num_heads, key_dim
        self.value_dim = value_dim or key_dim
        self.dropout, self.use_bias, self.seed = float(dropout), bool(use_bias), seed
        self.output_size = output_shape[0] if isinstance(output_shape, (list, tuple)) else output_shape
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.seed_generator = keras.random.SeedGenerator(seed) if dropout else None
        self.supports_masking = True

    def build(self, query_shape, value_shape, key_shape=None):
        key_shape = value_shape if key_shape is None else key_shape
        heads = self.num_heads
        self.output_dim = self.output_size or query_shape[-1]
        for name, dim, size in (("query", query_shape[-1], self.key_dim), ("key", key_shape[-1], self.key_dim),
                                ("value", value_shape[-1], self.value_dim)):
            setattr(self, f"{name}_kernel", self._weight(f"{name}_kernel", (dim, heads, size), "kernel"))
            setattr(self, f"{name}_bias", self._weight(f"{name}_bias", (heads, size), "bias"))
        self.output_kernel = self._weight("output_kernel", (heads, self.value_dim, self.output_dim), "kernel")
        self.output_bias = self._weight("output_bias", (self.output_dim,), "bias")

    def _weight(self, name, shape, kind):
        if kind == "bias" and not self.use_bias:
            return None
        initializer = self.kernel_initializer if kind == "kernel" else self.bias_initializer
        return self.add_weight(name=name, shape=shape, initializer=initializer)

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
             attention_mask=None, return_attention_scores=False, training=None, use_causal_mask=False):
        key = value if key is None else key
        mask = self._combined_mask(query, value, query_mask, value_mask, key_mask, attention_mask,
                                   use_causal_mask)
        q = self._project(query, self.query_kernel, self.query_bias)  # (batch, T, heads, key_dim)
        k = self._project(key, self.key_kernel, self.key_bias)        # (batch, S, heads, key_dim)
        v = self._project(value, self.value_kernel, self.value_bias)  # (batch, S, heads, value_dim)
        to_heads = lambda t: ops.transpose(t, (0, 2, 1, 3))  # noqa: E731  (batch, heads, len, dim)
        head_mask = None if mask is None else ops.expand_dims(mask, 1)  # (batch, 1, T, S)
        heads, scores = self._attend(to_heads(q), to_heads(k), to_heads(v), head_mask, training)
        output = ops.einsum("bhtv,hvd->btd", heads, self.output_kernel)
        if self.output_bias is not None:
            output = ops.add(output, self.output_bias)
        return (output, scores) if return_attention_scores else output

    def _attend(self, q, k, v, mask, training):
        heads, scores = scaled_dot_product_attention(q, k, v, mask)
        if self.dropout and training:
            # The returned scores are before dropout, as in Keras.
            dropped = keras.random.dropout(scores, self.dropout, seed=self.seed_generator)
            heads = ops.matmul(dropped, v)
        return heads, scores

    @staticmethod
    def _project(x, kernel, bias):
        y = ops.einsum("btd,dhk->bthk", x, kernel)
        return y if bias is None else ops.add(y, bias)

    @staticmethod
    def _combined_mask(query, value, query_mask, value_mask, key_mask, attention_mask, use_causal_mask):
        """The AND of every mask given, (batch, T, S) boolean, or None."""
        parts = []
        if query_mask is not None:
            parts.append(ops.expand_dims(ops.cast(query_mask, "bool"), -1))
        for m in (value_mask, key_mask):
            if m is not None:
                parts.append(ops.expand_dims(ops.cast(m, "bool"), -2))
        if use_causal_mask:
            parts.append(causal_mask(ops.shape(query)[1], ops.shape(value)[1]))
        if attention_mask is not None:
            parts.append(ops.cast(attention_mask, "bool"))
        mask = None
        for part in parts:
            mask = part if mask is None else ops.logical_and(mask, part)
        return mask

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "num_heads": self.num_heads,
                "key_dim": self.key_dim,
                "value_dim": self.value_dim,
                "dropout": self.dropout,
                "use_bias": self.use_bias,
                "output_shape": self.output_size,
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
                "bias_initializer": keras.initializers.serialize(self.bias_initializer),
                "seed": self.seed,
            }
        )
        return config
