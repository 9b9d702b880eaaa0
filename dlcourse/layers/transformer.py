"""Transformer encoder and decoder blocks, from the course's layers.

Each block is attention and a position-wise feed-forward network, each wrapped in a
residual connection with layer normalisation, after (post-norm, the 2017 paper) or
before (pre-norm, GPT-2 and ViT: trains without warm-up, deeper) the sub-layer:

    post-norm:  x = norm(x + dropout(sublayer(x)))
    pre-norm:   x = x + dropout(sublayer(norm(x)))

The head size is `d_model // num_heads`, where `d_model` is the input's last axis.
"""

import keras

from dlcourse.errors import DLCourseError
from dlcourse.layers._checks import check_positive_ints
from dlcourse.layers.attention import MultiHeadAttention
from dlcourse.layers.dense import Dense
from dlcourse.layers.dropout import Dropout
from dlcourse.layers.layer_normalization import LayerNormalization


class _Block(keras.layers.Layer):
    """Arguments, sub-layer construction and the residual wrapper of both blocks."""

    def __init__(self, num_heads, intermediate_dim, dropout=0.0, activation="relu", norm_first=False,
                 epsilon=1e-5, **kwargs):
        super().__init__(**kwargs)
        check_positive_ints(num_heads=num_heads, intermediate_dim=intermediate_dim)
        if not 0 <= dropout < 1:
            raise DLCourseError(f"`dropout` must be in [0, 1). Received: dropout={dropout}")
        self.num_heads, self.intermediate_dim = num_heads, intermediate_dim
        self.dropout, self.norm_first, self.epsilon = float(dropout), bool(norm_first), float(epsilon)
        self.activation = keras.activations.get(activation)
        self.residual_dropout = Dropout(self.dropout, name="residual_dropout", dtype=self.dtype_policy)
        self.supports_masking = True

    def _attention(self, name, query_shape, value_shape):
        d_model = query_shape[-1]
        if d_model % self.num_heads:
            raise DLCourseError(
                f"The model width must divide by `num_heads`. Received: width {d_model}, num_heads={self.num_heads}"
            )
        layer = MultiHeadAttention(self.num_heads, d_model // self.num_heads, dropout=self.dropout,
                                   name=name, dtype=self.dtype_policy)
        layer.build(query_shape, value_shape)
        return layer

    def _norm(self, name, shape):
        layer = LayerNormalization(epsilon=self.epsilon, name=name, dtype=self.dtype_policy)
        layer.build(shape)
        return layer

    def _feed_forward(self, shape):
        """FFN(x) = activation(x @ W1 + b1) @ W2 + b2, the same at every position."""
        inner = Dense(self.intermediate_dim, activation=self.activation, name="ffn_inner", dtype=self.dtype_policy)
        outer = Dense(shape[-1], name="ffn_outer", dtype=self.dtype_policy)
        inner.build(shape)
        outer.build(tuple(shape[:-1]) + (self.intermediate_dim,))
        return inner, outer

    def _residual(self, x, sublayer, norm, training):
        if self.norm_first:
            return x + self.residual_dropout(sublayer(norm(x)), training=training)
        return norm(x + self.residual_dropout(sublayer(x), training=training))

    def _attend(self, name, query, value, scores, **kwargs):
        """Run attention layer `name`; keep its weights in `scores` when a dict is given."""
        if scores is None:
            return getattr(self, name)(query, value, **kwargs)
        output, scores[name] = getattr(self, name)(query, value, return_attention_scores=True, **kwargs)
        return output

    def _ffn(self, x):
        return self.ffn_outer(self.ffn_inner(x))

    def get_config(self):
        config = super().get_config()
        config.update({"num_heads": self.num_heads, "intermediate_dim": self.intermediate_dim,
                       "dropout": self.dropout, "activation": keras.activations.serialize(self.activation),
                       "norm_first": self.norm_first, "epsilon": self.epsilon})
        return config


@keras.saving.register_keras_serializable(package="dlcourse")
class TransformerEncoderBlock(_Block):
    """One encoder layer of the transformer. No Keras core twin (KerasHub: `TransformerEncoder`).

    For inputs x (batch, seq_len, d_model) and a padding mask (batch, seq_len):

        x = residual(x, lambda h: self_attention(h, h, padding mask))     # every token sees every token
        x = residual(x, lambda h: ffn_outer(activation(ffn_inner(h))))   # d_model -> intermediate -> d_model
        (residual: post-norm or pre-norm, see the module docstring)

    The padding mask comes from the input's Keras mask (e.g. `Embedding(mask_zero=True)`)
    or `mask=`; padded keys get zero attention weight. `dropout` applies to the
    attention weights and to each residual branch.

    Args:
        num_heads: attention heads (must divide d_model).
        intermediate_dim: hidden width of the feed-forward network (often 4 * d_model).
        dropout: rate, training only. activation: of the feed-forward network.
        norm_first: pre-norm if True, post-norm (the paper's) if False.
        epsilon: of the layer normalisations.

    Returns:
        (batch, seq_len, d_model).

    Example:
        >>> block = TransformerEncoderBlock(num_heads=4, intermediate_dim=128)
        >>> block(np.zeros((2, 10, 32), "float32")).shape
        (2, 10, 32)

    Reference: A. Vaswani et al., "Attention is all you need", NeurIPS 2017, Sec. 3.1;
    pre-norm: R. Xiong et al., "On layer normalization in the transformer architecture", 2020.
    """

    def build(self, input_shape):
        self.self_attention = self._attention("self_attention", input_shape, input_shape)
        self.self_attention_norm = self._norm("self_attention_norm", input_shape)
        self.ffn_inner, self.ffn_outer = self._feed_forward(input_shape)
        self.ffn_norm = self._norm("ffn_norm", input_shape)

    def call(self, inputs, mask=None, training=None):
        return self._forward(inputs, mask, training)

    def attention_scores(self, inputs, mask=None):
        """`{"self_attention": (batch, heads, T, T)}`: the weights of a forward pass (inference)."""
        scores = {}
        self._forward(inputs, mask, False, scores)
        return scores

    def _forward(self, inputs, mask, training, scores=None):
        attend = lambda h: self._attend("self_attention", h, h, scores, query_mask=mask,  # noqa: E731
                                        value_mask=mask, training=training)
        x = self._residual(inputs, attend, self.self_attention_norm, training)
        return self._residual(x, self._ffn, self.ffn_norm, training)


@keras.saving.register_keras_serializable(package="dlcourse")
class TransformerDecoderBlock(_Block):
    """One decoder layer of the transformer. No Keras core twin (KerasHub: `TransformerDecoder`).

    For inputs x (batch, T, d_model) and, optionally, encoder_outputs e (batch, S, d_model):

        x = residual(x, lambda h: self_attention(h, h, causal and padding mask))  # sees positions <= t
        x = residual(x, lambda h: cross_attention(h, e, encoder padding mask))    # only with e
        x = residual(x, ffn)

    Without `encoder_outputs` it is a decoder-only (GPT) block: no cross-attention
    weights are made. The causal mask makes output t independent of inputs after t,
    which is what lets one forward pass train on every next-token prediction at once
    (teacher forcing). Masks: Keras fills `mask` (one input) or `inputs_mask` and
    `encoder_outputs_mask` (two inputs) from the inputs' Keras masks; or pass them.

    Args:
        num_heads, intermediate_dim, dropout, activation, norm_first, epsilon: as
            `TransformerEncoderBlock`.

    Returns:
        (batch, T, d_model).

    Example:
        >>> block = TransformerDecoderBlock(num_heads=4, intermediate_dim=128)
        >>> y = block(target_embeddings, encoder_outputs)

    Reference: A. Vaswani et al., "Attention is all you need", NeurIPS 2017, Sec. 3.1-3.2.3.
    """

    def build(self, inputs_shape, encoder_outputs_shape=None):
        self.self_attention = self._attention("self_attention", inputs_shape, inputs_shape)
        self.self_attention_norm = self._norm("self_attention_norm", inputs_shape)
        self.cross_attention = self.cross_attention_norm = None
        if encoder_outputs_shape is not None:
            self.cross_attention = self._attention("cross_attention", inputs_shape, encoder_outputs_shape)
            self.cross_attention_norm = self._norm("cross_attention_norm", inputs_shape)
        self.ffn_inner, self.ffn_outer = self._feed_forward(inputs_shape)
        self.ffn_norm = self._norm("ffn_norm", inputs_shape)

    def call(self, inputs, encoder_outputs=None, mask=None, inputs_mask=None, encoder_outputs_mask=None,
             training=None):
        mask = inputs_mask if inputs_mask is not None else mask
        return self._forward(inputs, encoder_outputs, mask, encoder_outputs_mask, training)

    def attention_scores(self, inputs, encoder_outputs=None, mask=None, encoder_outputs_mask=None):
        """`{"self_attention": (batch, heads, T, T), "cross_attention": (batch, heads, T, S)}`
        (the latter with `encoder_outputs`): the weights of a forward pass (inference)."""
        scores = {}
        self._forward(inputs, encoder_outputs, mask, encoder_outputs_mask, False, scores)
        return scores

    def _forward(self, inputs, encoder_outputs, mask, encoder_mask, training, scores=None):
        if (encoder_outputs is None) != (self.cross_attention is None):
            raise DLCourseError("Call a TransformerDecoderBlock with `encoder_outputs` always or never "
                                "(it was built the other way).")
        attend = lambda h: self._attend("self_attention", h, h, scores, query_mask=mask,  # noqa: E731
                                        value_mask=mask, use_causal_mask=True, training=training)
        x = self._residual(inputs, attend, self.self_attention_norm, training)
        if encoder_outputs is not None:
            cross = lambda h: self._attend("cross_attention", h, encoder_outputs, scores,  # noqa: E731
                                           query_mask=mask, value_mask=encoder_mask, training=training)
            x = self._residual(x, cross, self.cross_attention_norm, training)
        return self._residual(x, self._ffn, self.ffn_norm, training)
