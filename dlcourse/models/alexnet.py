"""AlexNet (Krizhevsky, Sutskever & Hinton 2012), sized down for 28x28 and 32x32 images."""

import keras

from dlcourse.errors import DLCourseError
from dlcourse.models._heads import dense_head


def build_alexnet(input_shape=(32, 32, 3), num_classes=10, filters=(48, 128, 192, 192, 128),
                  dense_units=(512, 512), dropout=0.5, name="alexnet"):
    """AlexNet's layout: five convolutions, three overlapping max-pools, three dense layers.

        conv1  5x5, filters[0], ReLU      pool 3x3 stride 2     (original: 11x11 stride 4, 96)
        conv2  5x5, filters[1], ReLU      pool 3x3 stride 2     (original: 256)
        conv3  3x3, filters[2], ReLU                            (original: 384)
        conv4  3x3, filters[3], ReLU                            (original: 384)
        conv5  3x3, filters[4], ReLU      pool 3x3 stride 2     (original: 256)
        flatten -> dense units[0], ReLU, dropout -> dense units[1], ReLU, dropout -> softmax

    Sized down: the original's 11x11 stride-4 first layer would turn a 32x32 image into
    7x7 before anything else, so conv1 is 5x5 with stride 1; the filters are half the
    original's and the dense layers 512 wide instead of 4,096 (which would hold 60M
    weights). Pools use "same" padding, so 28x28 and 32x32 both end at 4x4x128.
    Local response normalisation and the two-GPU split are left out (BatchNorm later
    replaced the one; the other was a memory workaround).

    Parameter count with the defaults (weights + biases):

        conv1  5*5*C*48 + 48          1,248 (C = 1)   3,648 (C = 3)
        conv2  5*5*48*128 + 128       153,728
        conv3  3*3*128*192 + 192      221,376
        conv4  3*3*192*192 + 192      331,968
        conv5  3*3*192*128 + 128      221,312
        dense  4*4*128*512 + 512      1,049,088
        dense  512*512 + 512          262,656
        dense  512*10 + 10            5,130
        total                         2,246,506 on 28x28x1, 2,248,906 on 32x32x3

    Args:
        input_shape: one image's shape (at least 8x8).
        num_classes: output units.
        filters: the five convolutions' filters.
        dense_units: the two hidden dense layers' units.
        dropout: dropout rate after each hidden dense layer (0.5 as in 2012).
        name: the model's name.

    Returns:
        A functional `keras.Model` mapping float images in [0, 1] to class probabilities.

    Example:

        model = build_alexnet((28, 28, 1))     # model.count_params() == 2,246,506

    Reference: A. Krizhevsky, I. Sutskever, G. Hinton, "ImageNet classification with
    deep convolutional neural networks", NeurIPS 2012.
    """
    if len(filters) != 5 or len(dense_units) != 2:
        raise DLCourseError(
            f"AlexNet has five convolutions and two hidden dense layers. Received: filters={filters}, "
            f"dense_units={dense_units}"
        )
    if not 0.0 <= dropout < 1.0:
        raise DLCourseError(f"`dropout` must be in [0, 1). Received: dropout={dropout}")
    inputs = keras.Input(shape=input_shape, name="images")
    x = inputs
    for i, (f, k) in enumerate(zip(filters, (5, 5, 3, 3, 3)), start=1):
        x = keras.layers.Conv2D(f, k, padding="same", activation="relu", name=f"conv_{i}")(x)
        if i in (1, 2, 5):
            # Overlapping pooling (window 3, stride 2): the paper's choice, 0.3-0.4 % lower error.
            x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name=f"pool_{i}")(x)
    outputs = dense_head(x, num_classes, dense_units, dropout)
    return keras.Model(inputs, outputs, name=name)
