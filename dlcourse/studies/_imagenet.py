"""A `keras.applications` backbone with ImageNet weights for the transfer study, when it can be had.

No download is started offline: the weights file is looked for in the Keras cache
first, then the download host is tried once (3 s; not at all with `DLCOURSE_OFFLINE=1`),
and a machine that has neither gets one line saying so instead of the row.
"""

import os
from pathlib import Path

import keras

IMAGENET_SIZE = 96  # The smallest input MobileNetV2 has ImageNet weights for.
IMAGENET_WEIGHTS = f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_{IMAGENET_SIZE}_no_top.h5"


def imagenet_backbone():
    """`(backbone, message)`: a frozen MobileNetV2 with ImageNet weights (96x96x3 in, 1,280
    features out), or `(None, reason)` when the weights are neither cached nor downloadable."""
    from dlcourse.data.sources_tfds import network_available  # The weights' host, storage.googleapis.com.

    cached = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "models" / IMAGENET_WEIGHTS
    if not cached.is_file() and not network_available():
        return None, "ImageNet weights for MobileNetV2 are not on this machine and it is offline: skipped."
    try:
        backbone = keras.applications.MobileNetV2(input_shape=(IMAGENET_SIZE, IMAGENET_SIZE, 3),
                                                  include_top=False, weights="imagenet", pooling="avg")
    except Exception as error:  # noqa: BLE001  Downloads fail in several ways; each means "skip".
        return None, f"ImageNet weights for MobileNetV2 could not be loaded ({type(error).__name__}): skipped."
    backbone.trainable = False
    return backbone, "MobileNetV2, ImageNet weights, frozen"


def imagenet_classifier(input_shape, num_classes):
    """`(model, message)`: images resized to 96x96, repeated to three channels and scaled to
    [-1, 1] as MobileNetV2 expects, its frozen features, a new softmax head; or `(None, reason)`."""
    backbone, message = imagenet_backbone()
    if backbone is None:
        return None, message
    inputs = keras.Input(input_shape, name="images")
    x = keras.layers.Resizing(IMAGENET_SIZE, IMAGENET_SIZE)(inputs)
    if x.shape[-1] == 1:
        x = keras.layers.Concatenate()([x, x, x])
    x = keras.layers.Rescaling(2.0, offset=-1.0)(x)  # [0, 1] -> [-1, 1]
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="head")(backbone(x, training=False))
    return keras.Model(inputs, outputs, name="imagenet_transfer"), message
