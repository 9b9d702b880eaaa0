"""ResNet (He et al. 2015) with basic residual blocks: ResNet-18/34 and the CIFAR ResNet-20/32/..."""

import keras

from dlcourse.errors import DLCourseError
from dlcourse.models._heads import classifier_output

IMAGENET_STAGES = {18: (2, 2, 2, 2), 34: (3, 4, 6, 3)}  # blocks per stage, filters 64-128-256-512


def residual_block(x, filters, strides=1, norm_after_add=False, shortcut=True, name="block"):
    """A basic residual block: two 3x3 convolutions and a shortcut around them.

    The paper's block (default), with BatchNorm as `norm`:

        f(x) = norm_2(conv3x3(relu(norm_1(conv3x3(x, strides))), 1))
        y = relu(shortcut(x) + f(x))

    The lecture's form (`norm_after_add=True`), one normalisation after the sum:

        f(x) = conv3x3(relu(norm_1(conv3x3(x, strides))), 1)
        y = relu(norm_2(shortcut(x) + f(x)))

    With `shortcut=False` the block is the plain `y = relu(f(x))` of the same layers (the
    "no-short" networks of the loss-landscape paper, Li et al. 2018).

    `shortcut(x)` is `x` when the shape is kept, otherwise a 1x1 convolution with
    `strides` (followed by BatchNorm in the paper's form): the paper's option B. If the
    second convolution's kernel is zero, f(x) = 0 and the paper's block is
    `relu(x)`, which is `x` itself on the non-negative activations a block receives from
    the ReLU before it: a deeper network can always do as well as a shallower one by
    learning f = 0 (the lecture's argument). The lecture's form then gives
    `relu(norm_2(x))`. Convolutions have no bias: every one feeds a BatchNorm, which has
    its own offset `beta`.

    Args:
        x: a (batch, height, width, channels) symbolic tensor of the functional API.
        filters: the output channels.
        strides: 1, or 2 to halve height and width.
        norm_after_add: the lecture's `y = relu(norm(x + f(x)))` instead of the paper's.
        shortcut: False leaves the shortcut out: `y = relu(f(x))`, `f` as above.
        name: a prefix for the block's layer names (unique within a model).

    Returns:
        The block's output tensor, (batch, height / strides, width / strides, filters).

    Example:

        y = residual_block(x, 64, strides=2, name="stage_2_block_1")

    Reference: K. He, X. Zhang, S. Ren, J. Sun, "Deep residual learning for image
    recognition", CVPR 2016 (arXiv:1512.03385), Fig. 2 and Sec. 3.3.
    """
    def conv(t, size, stride, suffix):
        return keras.layers.Conv2D(filters, size, strides=stride, padding="same", use_bias=False,
                                   name=f"{name}_{suffix}")(t)

    def norm(t, suffix):
        return keras.layers.BatchNormalization(name=f"{name}_{suffix}")(t)

    f = keras.layers.Activation("relu", name=f"{name}_relu_1")(norm(conv(x, 3, strides, "conv_1"), "bn_1"))
    f = conv(f, 3, 1, "conv_2")
    if not shortcut:
        return keras.layers.Activation("relu", name=f"{name}_out")(norm(f, "bn_2"))
    identity = x
    if strides != 1 or x.shape[-1] != filters:
        identity = conv(x, 1, strides, "shortcut")
        if not norm_after_add:
            identity = norm(identity, "shortcut_bn")
    if norm_after_add:
        y = norm(keras.layers.Add(name=f"{name}_add")([identity, f]), "bn_2")
    else:
        y = keras.layers.Add(name=f"{name}_add")([identity, norm(f, "bn_2")])
    return keras.layers.Activation("relu", name=f"{name}_out")(y)


def build_resnet(input_shape=(32, 32, 3), num_classes=10, depth=20, norm_after_add=False, shortcuts=True,
                 width=None, name=None):
    """ResNet with basic blocks: a 3x3 stem, stages of residual blocks, global average pooling.

    Two layouts, chosen by `depth` (conv and dense layers on the longest path):

        depth 18 or 34   stem conv3x3 64; stages of (2, 2, 2, 2) or (3, 4, 6, 3) blocks,
                         64-128-256-512 filters, strides 1-2-2-2   (ResNet-18/34, Table 1)
        depth 6n + 2     stem conv3x3 16; three stages of n blocks,
                         16-32-64 filters, strides 1-2-2           (CIFAR ResNets, Sec. 4.2)

    Then global average pooling and a dense softmax layer. Sized for 28x28 and 32x32:
    the ImageNet stem (7x7 stride 2 and a max-pool) would shrink 32 pixels to 8 before
    the first block, so ResNet-18/34 start with the CIFAR stem, as is usual on small
    images. Shortcuts that change the shape are 1x1 convolutions (the paper's option B;
    its CIFAR runs used parameter-free zero-padding, option A: 0.27M for ResNet-20).
    Parameter count as `model.count_params()` gives it (BatchNorm's moving means and
    variances included; frameworks that count trainable weights only report less):

                                    28x28x1       32x32x3
        ResNet-20                   273,754       274,042
        ResNet-20, norm_after_add   273,370       273,658
        ResNet-18                   11,182,410    11,183,562

    The stem is the only layer that sees the channels: 3*3*(3 - 1)*stem weights apart.

    Args:
        input_shape: one image's shape.
        num_classes: output units.
        depth: 18 or 34, or 6n + 2 (20, 32, 44, 56, 110).
        norm_after_add: blocks in the lecture's form `y = relu(norm(x + f(x)))`.
        shortcuts: False builds the same network without its shortcuts (`y = relu(f(x))`).
        width: the stem's filters, doubled at each stage (default 64 for ResNet-18/34,
            16 for the CIFAR ResNets).
        name: the model's name (default `resnet<depth>`, `_noskip` appended without shortcuts).

    Returns:
        A functional `keras.Model` mapping float images in [0, 1] to class probabilities.

    Example:

        model = build_resnet((32, 32, 3), depth=20)      # model.count_params() == 274,042
        plain = build_resnet((28, 28, 1), depth=20, width=8, shortcuts=False)
    """
    if depth in IMAGENET_STAGES:
        stem = width or 64
        stages = [(stem * 2**i, n) for i, n in enumerate(IMAGENET_STAGES[depth])]
    elif depth >= 8 and (depth - 2) % 6 == 0:
        stem = width or 16
        stages = [(stem * 2**i, (depth - 2) // 6) for i in range(3)]
    else:
        raise DLCourseError(f"`depth` must be 18, 34 or 6n + 2 (20, 32, 44, ...). Received: depth={depth}")
    inputs = keras.Input(shape=input_shape, name="images")
    x = keras.layers.Conv2D(stem, 3, padding="same", use_bias=False, name="stem_conv")(inputs)
    x = keras.layers.Activation("relu", name="stem_relu")(keras.layers.BatchNormalization(name="stem_bn")(x))
    for s, (filters, blocks) in enumerate(stages, start=1):
        for b in range(1, blocks + 1):
            strides = 2 if s > 1 and b == 1 else 1
            x = residual_block(x, filters, strides, norm_after_add, shortcuts, name=f"stage_{s}_block_{b}")
    x = keras.layers.GlobalAveragePooling2D(name="global_pool")(x)
    outputs = classifier_output(x, num_classes)
    return keras.Model(inputs, outputs, name=name or f"resnet{depth}{'' if shortcuts else '_noskip'}")
