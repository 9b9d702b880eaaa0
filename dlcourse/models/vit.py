"""A small vision transformer (ViT) for 28x28 (or 32x32) images."""

import keras

from dlcourse import layers
from dlcourse.models._heads import classifier_output


def build_vit(input_shape=(28, 28, 1), num_classes=10, patch_size=4, d_model=64, num_heads=4, num_layers=4,
              intermediate_dim=128, dropout=0.1, name="vit"):
    """Vision transformer: patches as tokens, a class token, pre-norm encoder blocks.

        x = PatchEmbedding(patch_size, d_model)(images)       # (batch, 1 + N, d_model), N = 49 on 28x28 / 4
        x = num_layers x TransformerEncoderBlock (pre-norm, GELU)
        probabilities = softmax(Dense(num_classes)(LayerNorm(x)[:, 0]))    # the class token

    With the defaults on 28x28x1 (`count_params()`):

        patch embedding 16*64 + 64 (projection) + 64 (class token) + 50*64 (positions) = 4,352
        per block: attention 4 * (64*64 + 64) = 16,640, FFN 64*128 + 128 + 128*64 + 64 = 16,576,
                   2 norms 256                                      = 33,472;  x4 = 133,888
        final norm 128, head 64*10 + 10 = 650                 total 139,018 parameters

    No convolution, so no built-in locality: on small data it needs augmentation or
    more epochs than a CNN to match it.

    Args:
        input_shape: one image's shape (H and W divisible by `patch_size`).
        num_classes: output units.
        patch_size, d_model, num_heads, num_layers, intermediate_dim, dropout: sizes.
        name: the model's name.

    Returns:
        A `keras.Model` mapping float images in [0, 1] to class probabilities.

    Reference: A. Dosovitskiy et al., "An image is worth 16x16 words: transformers for
    image recognition at scale", ICLR 2021.
    """
    inputs = keras.Input(shape=input_shape, name="images")
    x = layers.PatchEmbedding(patch_size, d_model, name="patches")(inputs)
    if dropout:
        x = keras.layers.Dropout(dropout)(x)
    for i in range(num_layers):
        x = layers.TransformerEncoderBlock(num_heads, intermediate_dim, dropout=dropout, activation="gelu",
                                           norm_first=True, name=f"encoder_{i + 1}")(x)
    x = layers.LayerNormalization(epsilon=1e-5, name="final_norm")(x)
    outputs = classifier_output(x[:, 0], num_classes)
    return keras.Model(inputs, outputs, name=name)
