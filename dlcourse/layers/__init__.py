"""Custom Keras layers and regularisers, each the twin of a Keras built-in.

    from dlcourse import layers
    x = layers.Dense(64)(inputs)
    x = layers.BatchNormalization()(x)

Every layer is registered as `dlcourse>Name`, so `.keras` files that use them load
once `dlcourse.layers` is imported.
"""

from dlcourse.layers.batch_normalization import BatchNormalization
from dlcourse.layers.conv2d import Conv2D, convolve2d, correlate2d
from dlcourse.layers.conv_arithmetic import conv_output_size, conv_padding
from dlcourse.layers.dense import Dense
from dlcourse.layers.dropout import Dropout
from dlcourse.layers.pooling import AveragePooling2D, MaxPooling2D
from dlcourse.layers.squeeze import Squeeze, Unsqueeze
from dlcourse.layers.layer_normalization import LayerNormalization
from dlcourse.layers.regularizers import L1, L1L2, L2
from dlcourse.layers.rms_norm import RMSNorm
from dlcourse.layers.spectral_normalization import SpectralNormalization
from dlcourse.layers.simple_rnn_cell import SimpleRNNCell
from dlcourse.layers.lstm_cell import LSTMCell
from dlcourse.layers.gru_cell import GRUCell
from dlcourse.layers.attention import MultiHeadAttention, scaled_dot_product_attention
from dlcourse.layers.positional_encoding import LearnedPositionalEmbedding, SinusoidalPositionalEncoding
from dlcourse.layers.transformer import TransformerDecoderBlock, TransformerEncoderBlock
from dlcourse.layers.patch_embedding import PatchEmbedding
from dlcourse.layers.random_zoom import RandomZoom, zoom_images

__all__ = [
    "BatchNormalization",
    "Conv2D",
    "convolve2d",
    "correlate2d",
    "conv_output_size",
    "conv_padding",
    "MaxPooling2D",
    "AveragePooling2D",
    "Squeeze",
    "Unsqueeze",
    "Dense",
    "Dropout",
    "L1",
    "L1L2",
    "L2",
    "LayerNormalization",
    "RMSNorm",
    "SpectralNormalization",
    "SimpleRNNCell",
    "LSTMCell",
    "GRUCell",
    "MultiHeadAttention",
    "scaled_dot_product_attention",
    "SinusoidalPositionalEncoding",
    "LearnedPositionalEmbedding",
    "TransformerEncoderBlock",
    "TransformerDecoderBlock",
    "PatchEmbedding",
    "RandomZoom",
    "zoom_images",
]
