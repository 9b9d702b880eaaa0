"""LeNet-5 (LeCun et al. 1998), the first convolutional network of lecture 4."""

import keras

from dlcourse.errors import DLCourseError
from dlcourse.models._heads import classifier_output

POOLINGS = ("average", "max")


def build_lenet5(input_shape=(28, 28, 1), num_classes=10, activation="tanh", pooling="average",
                 name="lenet5"):
    """LeNet-5: two conv 5x5 + pool stages, then dense 120-84-classes.

    The original takes 32x32 images: conv 5x5 (6 maps) gives 28x28, so a 28x28 image is
    zero-padded by 2 ("same") in the first convolution and meets the same sizes after it:

        conv1  5x5, 6 filters      (28, 28, 6)     "same" on 28x28, "valid" on 32x32
        pool1  2x2                 (14, 14, 6)
        conv2  5x5, 16 filters     (10, 10, 16)    "valid"
        pool2  2x2                 (5, 5, 16)
        flatten 400 -> dense 120 -> dense 84 -> dense num_classes, softmax

    Parameter count (weights + biases):

        conv1  5*5*C*6 + 6         156 (C = 1)   456 (C = 3)
        conv2  5*5*6*16 + 16       2,416
        dense  400*120 + 120       48,120
        dense  120*84 + 84         10,164
        dense  84*10 + 10          850
        total                      61,706 on 28x28x1, 62,006 on 32x32x3

    Images smaller than 28x28 (the 8x8 digits) are padded in both convolutions: 8x8
    gives 2x2x16 = 64 features instead of 400 (21,386 parameters with 10 classes).

    Differences from 1998, as is usual today: pooling is a plain average (the original's
    subsampling had a trainable scale and bias per map), every conv2 filter sees all six
    maps (the original connected each to a subset), and the output is a softmax, not
    radial basis units. `activation="relu", pooling="max"` gives the course's small
    CIFAR-10 CNN (`build_cifar_cnn`).

    Args:
        input_shape: one image's shape (below 32x32 the convolutions pad, see above).
        num_classes: output units.
        activation: hidden activation ("tanh" as in 1998).
        pooling: "average" (1998) or "max".
        name: the model's name.

    Returns:
        A functional `keras.Model` mapping float images in [0, 1] to class probabilities.

    Example:

        model = build_lenet5((32, 32, 3))      # model.count_params() == 62,006

    Reference: Y. LeCun, L. Bottou, Y. Bengio, P. Haffner, "Gradient-based learning
    applied to document recognition", Proc. IEEE 86(11), 1998.
    """
    if pooling not in POOLINGS:
        raise DLCourseError(f"`pooling` must be one of {POOLINGS}. Received: pooling={pooling!r}")
    if min(input_shape[:2]) < 4:
        raise DLCourseError(
            f"LeNet-5 needs images of at least 4x4. Received: input_shape={tuple(input_shape)}"
        )
    pool = keras.layers.AveragePooling2D if pooling == "average" else keras.layers.MaxPooling2D
    inputs = keras.Input(shape=input_shape, name="images")
    # 28x28 is padded to the original's 32x32 geometry: conv1 then yields 28x28 either way.
    size = min(input_shape[:2])
    x = keras.layers.Conv2D(6, 5, padding="same" if size < 32 else "valid", activation=activation,
                            name="conv_1")(inputs)
    x = pool(2, name="pool_1")(x)
    x = keras.layers.Conv2D(16, 5, padding="same" if size < 28 else "valid", activation=activation,
                            name="conv_2")(x)
    x = pool(2, name="pool_2")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    x = keras.layers.Dense(120, activation=activation, name="dense_1")(x)
    x = keras.layers.Dense(84, activation=activation, name="dense_2")(x)
    outputs = classifier_output(x, num_classes)
    return keras.Model(inputs, outputs, name=name)
