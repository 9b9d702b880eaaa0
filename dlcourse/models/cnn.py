"""A small convolutional network for 28x28 (or 8x8, 32x32) images."""

import keras

from dlcourse.models._heads import classifier_output


def build_cnn(input_shape=(28, 28, 1), num_classes=10, filters=(32, 64), dense_units=128,
              dropout=0.25, batch_norm=True, name="cnn", kernel_initializer="glorot_uniform"):
    """Two conv blocks (conv 3x3 - [BatchNorm] - ReLU - max-pool 2x2), then dense and softmax.

    With the defaults on 28x28x1 inputs:

        conv1 3*3*1*32 = 288             bn1 4*32 = 128   (no conv bias before BatchNorm)
        conv2 3*3*32*64 = 18,432         bn2 4*64 = 256
        dense 7*7*64*128 + 128 = 401,536
        out   128*10 + 10 = 1,290        total 421,930 parameters

    Pooling is skipped once the feature map is 2x2 or smaller (8x8 digits keep 2x2).

    Args:
        input_shape: one image's shape.
        num_classes: output units.
        filters: filters of each conv block.
        dense_units: units of the hidden dense layer.
        dropout: dropout rate before the output layer.
        batch_norm: BatchNormalization after each convolution (synchronized across
            replicas, so a distributed run trains like one device).
        name: the model's name.
        kernel_initializer: the conv and hidden dense kernels' initialiser (Keras's
            default Glorot; "he_normal" is the fan-in rule for ReLU).

    Returns:
        A functional `keras.Model` mapping float images in [0, 1] to class probabilities.
    """
    inputs = keras.Input(shape=input_shape, name="images")
    x, size = inputs, min(input_shape[:2])
    for i, f in enumerate(filters):
        x = keras.layers.Conv2D(f, 3, padding="same", use_bias=not batch_norm,
                                kernel_initializer=kernel_initializer, name=f"conv_{i + 1}")(x)
        if batch_norm:
            x = keras.layers.BatchNormalization(synchronized=True, name=f"bn_{i + 1}")(x)
        x = keras.layers.Activation("relu")(x)
        if size > 2:
            x = keras.layers.MaxPooling2D(2, name=f"pool_{i + 1}")(x)
            size //= 2
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(dense_units, activation="relu", kernel_initializer=kernel_initializer,
                           name="hidden")(x)
    if dropout:
        x = keras.layers.Dropout(dropout, name="dropout")(x)
    outputs = classifier_output(x, num_classes)
    return keras.Model(inputs, outputs, name=name)
