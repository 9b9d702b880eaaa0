"""GoogLeNet / Inception v1 (Szegedy et al. 2014), sized down for 28x28 and 32x32 images."""

import keras

from dlcourse.models._heads import classifier_output

# (1x1, 3x3 reduce, 3x3, 5x5 reduce, 5x5, pool projection) of the paper's Table 1,
# halved: inception (3a), (3b) and (4a).
SMALL_INCEPTIONS = ((32, 48, 64, 8, 16, 16), (64, 64, 96, 16, 48, 32), (96, 48, 104, 8, 24, 32))


def inception_block(x, filters_1x1, filters_3x3_reduce, filters_3x3, filters_5x5_reduce, filters_5x5,
                    filters_pool_proj, name="inception"):
    """The Inception module: four parallel branches concatenated along the channels.

        branch_1 = relu(conv1x1(x, filters_1x1))
        branch_2 = relu(conv3x3(relu(conv1x1(x, filters_3x3_reduce)), filters_3x3))
        branch_3 = relu(conv5x5(relu(conv1x1(x, filters_5x5_reduce)), filters_5x5))
        branch_4 = relu(conv1x1(maxpool3x3_stride1(x), filters_pool_proj))
        y = concatenate([branch_1, branch_2, branch_3, branch_4], axis=-1)

    Every branch keeps the height and width ("same" padding, stride 1), so `y` has
    `filters_1x1 + filters_3x3 + filters_5x5 + filters_pool_proj` channels. The 1x1
    "reduce" convolutions are the point: a 5x5 convolution from C to F channels costs
    25*C*F weights, through a 1x1 bottleneck of R channels C*R + 25*R*F.

    Args:
        x: a (batch, height, width, C) symbolic tensor of the functional API.
        filters_1x1 ... filters_pool_proj: each branch's filters (the paper's Table 1).
        name: a prefix for the block's layer names (unique within a model).

    Returns:
        The concatenated (batch, height, width, channels) tensor.

    Example:

        y = inception_block(x, 64, 96, 128, 16, 32, 32, name="inception_3a")   # 256 channels
    """
    def conv(t, filters, size, suffix):
        return keras.layers.Conv2D(filters, size, padding="same", activation="relu", name=f"{name}_{suffix}")(t)

    branch_1 = conv(x, filters_1x1, 1, "1x1")
    branch_2 = conv(conv(x, filters_3x3_reduce, 1, "3x3_reduce"), filters_3x3, 3, "3x3")
    branch_3 = conv(conv(x, filters_5x5_reduce, 1, "5x5_reduce"), filters_5x5, 5, "5x5")
    pooled = keras.layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_pool")(x)
    branch_4 = conv(pooled, filters_pool_proj, 1, "pool_proj")
    return keras.layers.Concatenate(axis=-1, name=f"{name}_concat")([branch_1, branch_2, branch_3, branch_4])


def build_googlenet(input_shape=(32, 32, 3), num_classes=10, stem_filters=64, inceptions=SMALL_INCEPTIONS,
                    dropout=0.4, name="googlenet"):
    """GoogLeNet's pattern on small images: a stem, Inception blocks, global average pooling.

        stem     conv 3x3, stem_filters, ReLU; max-pool 3x3 stride 2     28 -> 14, 32 -> 16
        3a, 3b   inception blocks (128 and 240 channels with the defaults)
        pool     max-pool 3x3 stride 2                                    14 -> 7, 16 -> 8
        4a       inception block (256 channels)
        global average pooling -> dropout 0.4 -> dense num_classes, softmax

    Sized down: the original's stem (7x7 stride 2, max-pool, 1x1, 3x3 to 192 channels,
    max-pool) shrinks 224 pixels to 28 before the first Inception block; here one 3x3
    convolution and one pool do it for 28 or 32 pixels. Blocks 3a, 3b and 4a keep the
    paper's branch proportions at half the filters; 4b-4e, 5a, 5b, the two auxiliary
    classifiers and local response normalisation are left out. As in the paper, global
    average pooling replaces the big dense layers. Parameter count with the defaults:

        stem  3*3*C*64 + 64     640 (C = 1)   1,792 (C = 3)
        3a    1x1 2,080  reduce 3,120 + 3x3 27,712  reduce 520 + 5x5 3,216  proj 1,040    37,688
        3b    1x1 8,256  reduce 8,256 + 3x3 55,392  reduce 2,064 + 5x5 19,248  proj 4,128  97,344
        4a    1x1 23,136 reduce 11,568 + 3x3 45,032  reduce 1,928 + 5x5 4,824  proj 7,712  94,200
        dense 256*10 + 10       2,570
        total                   232,442 on 28x28x1, 233,594 on 32x32x3

    Args:
        input_shape: one image's shape (at least 4x4).
        num_classes: output units.
        stem_filters: filters of the stem convolution.
        inceptions: per block, the six filter counts of `inception_block`; a max-pool
            follows the second block when there are more than two.
        dropout: dropout rate before the classifier (0.4 as in the paper).
        name: the model's name.

    Returns:
        A functional `keras.Model` mapping float images in [0, 1] to class probabilities.

    Example:

        model = build_googlenet((28, 28, 1))     # model.count_params() == 232,442

    Reference: C. Szegedy et al., "Going deeper with convolutions", CVPR 2015
    (arXiv:1409.4842), Table 1.
    """
    inputs = keras.Input(shape=input_shape, name="images")
    x = keras.layers.Conv2D(stem_filters, 3, padding="same", activation="relu", name="stem_conv")(inputs)
    x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name="stem_pool")(x)
    for i, filters in enumerate(inceptions):
        if i == 2:
            x = keras.layers.MaxPooling2D(3, strides=2, padding="same", name="pool_3")(x)
        x = inception_block(x, *filters, name=f"inception_{i + 1}")
    x = keras.layers.GlobalAveragePooling2D(name="global_pool")(x)
    if dropout:
        x = keras.layers.Dropout(dropout, name="dropout")(x)
    outputs = classifier_output(x, num_classes)
    return keras.Model(inputs, outputs, name=name)
