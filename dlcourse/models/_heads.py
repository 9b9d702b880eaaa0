"""What the classifiers share: their output layer, the dense head and the VGG block.

Every classifier ends in a `logits` Dense layer and a float32 softmax named
`probabilities`: under mixed precision a float16 softmax saturates, and the exports,
Grad-CAM and the attacks find the logits by that name.
"""

import keras


def probabilities(logits):
    """The float32 softmax layer `probabilities` applied to `logits`."""
    return keras.layers.Activation("softmax", dtype="float32", name="probabilities")(logits)


def classifier_output(x, num_classes):
    """`probabilities(Dense(num_classes, name="logits")(x))`."""
    return probabilities(keras.layers.Dense(num_classes, name="logits")(x))


def dense_head(x, num_classes, dense_units=(), dropout=0.0, dropout_name="dropout_{i}"):
    """Flatten, then ReLU Dense layers `dense_1, dense_2, ...` (each followed by Dropout
    when `dropout` > 0, named by `dropout_name`), then the classifier output."""
    x = keras.layers.Flatten(name="flatten")(x)
    for i, units in enumerate(dense_units, start=1):
        x = keras.layers.Dense(units, activation="relu", name=f"dense_{i}")(x)
        if dropout:
            x = keras.layers.Dropout(dropout, name=dropout_name.format(i=i))(x)
    return classifier_output(x, num_classes)


def vgg_block(x, filters, block, batch_norm=False):
    """VGG's block `block`: a 3x3 convolution for each entry of `filters` (`conv_<block>_<c>`,
    BatchNorm when asked, then ReLU), then 2x2 max pooling `pool_<block>`."""
    for c, width in enumerate(filters, start=1):
        # No bias before BatchNorm: its offset beta plays that part.
        x = keras.layers.Conv2D(width, 3, padding="same", use_bias=not batch_norm, name=f"conv_{block}_{c}")(x)
        if batch_norm:
            x = keras.layers.BatchNormalization(name=f"bn_{block}_{c}")(x)
        x = keras.layers.Activation("relu", name=f"relu_{block}_{c}")(x)
    return keras.layers.MaxPooling2D(2, padding="same", name=f"pool_{block}")(x)
