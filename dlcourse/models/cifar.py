"""The three CIFAR-10 models of lecture 4: fully connected, small CNN, wide CNN.

The lecture compares them on CIFAR-10 (32x32x3); they build on any image shape, and
the course runs them on Fashion-MNIST (28x28x1) when CIFAR-10 is not on the machine.

    model                 32x32x3      28x28x1
    build_cifar_fc        3,426,250    1,083,338
    build_cifar_cnn       62,006       61,706
    build_cifar_wide_cnn  5,853,930    5,853,354
"""

import keras

from dlcourse.errors import DLCourseError
from dlcourse.models._heads import dense_head, vgg_block
from dlcourse.models.lenet import build_lenet5
from dlcourse.models.mlp import build_mlp

WIDE_FILTERS = ((32, 64), (128, 128), (256, 256))


def build_cifar_fc(input_shape=(32, 32, 3), num_classes=10, name="cifar_fc"):
    """The fully connected baseline: flatten, dense 1024-256-64 (ReLU), softmax.

        32*32*3*1024 + 1024 = 3,146,752
        1024*256 + 256      = 262,400
        256*64 + 64         = 16,448
        64*10 + 10          = 650          total 3,426,250 (1,083,338 on 28x28x1)

    It is `build_mlp` with hidden units (1024, 256, 64): every pixel of every position
    has its own weights, so it cannot reuse what it learns at one place at another.

    Returns:
        A functional `keras.Model` mapping float images in [0, 1] to class probabilities.
    """
    return build_mlp(input_shape, num_classes, hidden_units=(1024, 256, 64), name=name)


def build_cifar_cnn(input_shape=(32, 32, 3), num_classes=10, name="cifar_cnn"):
    """The small CNN: conv5 3->6, max-pool, conv5 6->16, max-pool, dense 400-120-84-10, ReLU.

        conv 5*5*3*6 + 6 = 456;  conv 5*5*6*16 + 16 = 2,416
        400*120 + 120 = 48,120;  120*84 + 84 = 10,164;  84*10 + 10 = 850
        total 62,006 (61,706 on 28x28x1, where the first convolution pads by 2)

    LeNet-5's layout with ReLU and max-pooling: `build_lenet5(..., activation="relu",
    pooling="max")`. With 18x fewer weights than a dense layer of 1,024 on the same
    image, it does better (see `dlcourse.studies.cnn`).

    Returns:
        A functional `keras.Model` mapping float images in [0, 1] to class probabilities.
    """
    return build_lenet5(input_shape, num_classes, activation="relu", pooling="max", name=name)


def build_cifar_wide_cnn(input_shape=(32, 32, 3), num_classes=10, batch_norm=True, dropout=0.05,
                         name="cifar_wide_cnn"):
    """The wide CNN: six 3x3 convolutions 32-64, 128-128, 256-256, a max-pool after each pair.

        for (f1, f2) in ((32, 64), (128, 128), (256, 256)):
            x = relu(norm(conv3x3(x, f1))); x = relu(norm(conv3x3(x, f2)))
            x = dropout(maxpool2x2(x), 0.05)
        flatten (4*4*256 = 4096) -> dense 1024, ReLU, dropout -> dense 512, ReLU, dropout -> softmax

    Pools use "same" padding, so 28x28 (28-14-7-4) and 32x32 both flatten to 4096.
    Convolutions followed by BatchNorm have no bias (BatchNorm's `beta` is the offset).
    Parameter count with the defaults (BatchNorm's 4 per channel included):

        convs  3*3*(3*32 + 32*64 + 64*128 + 128*128 + 128*256 + 256*256) = 1,125,216
        bn     4*(32 + 64 + 128 + 128 + 256 + 256)                       = 3,456
        dense  4096*1024 + 1024 + 1024*512 + 512 + 512*10 + 10           = 4,725,258
        total  5,853,930 (5,853,354 on 28x28x1)

    Without BatchNorm the convolutions get their biases back: 5,851,338 on 32x32x3
    (5,850,762 on 28x28x1).

    Args:
        input_shape: one image's shape (at least 4x4).
        num_classes: output units.
        batch_norm: BatchNormalization between each convolution and its ReLU.
        dropout: dropout rate after each pool and each hidden dense layer (0 for none).
        name: the model's name.

    Returns:
        A functional `keras.Model` mapping float images in [0, 1] to class probabilities.

    Example:

        model = build_cifar_wide_cnn(batch_norm=False, dropout=0.0)   # the ablation
    """
    if not 0.0 <= dropout < 1.0:
        raise DLCourseError(f"`dropout` must be in [0, 1). Received: dropout={dropout}")
    inputs = keras.Input(shape=input_shape, name="images")
    x = inputs
    for b, pair in enumerate(WIDE_FILTERS, start=1):
        x = vgg_block(x, pair, b, batch_norm)
        if dropout:
            x = keras.layers.Dropout(dropout, name=f"dropout_pool_{b}")(x)
    outputs = dense_head(x, num_classes, (1024, 512), dropout, dropout_name="dropout_dense_{i}")
    return keras.Model(inputs, outputs, name=name)
