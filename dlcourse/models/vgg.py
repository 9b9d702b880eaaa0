"""VGG (Simonyan & Zisserman 2014): stacks of 3x3 convolutions, sized down for small images."""

import keras

from dlcourse.errors import DLCourseError
from dlcourse.models._heads import dense_head, vgg_block

# The first four stages of VGG-11 ("configuration A": 64, M, 128, M, 256-256, M, 512-512, M,
# 512-512, M) with half the filters: a 28x28 image has room for four 2x2 pools, not five.
SMALL_BLOCKS = ((32,), (64,), (128, 128), (256, 256))
VGG11_BLOCKS = ((64,), (128,), (256, 256), (512, 512), (512, 512))
VGG16_BLOCKS = ((64, 64), (128, 128), (256, 256, 256), (512, 512, 512), (512, 512, 512))


def build_vgg(input_shape=(32, 32, 3), num_classes=10, blocks=SMALL_BLOCKS, dense_units=(256, 256),
              dropout=0.5, batch_norm=False, name="vgg"):
    """VGG: blocks of 3x3 "same" convolutions, each block ending in a 2x2 max-pool.

    For each block, for each `filters` in it:

        x = relu(conv3x3(x, filters))          # + BatchNorm before the ReLU if batch_norm
    then x = maxpool2x2(x); after the blocks:
        flatten -> dense units, ReLU, dropout (per entry of dense_units) -> softmax

    Two 3x3 convolutions see a 5x5 window and three see 7x7, with fewer weights
    (2*9*C*C and 3*9*C*C against 25*C*C and 49*C*C) and a ReLU between them: the paper's
    argument. Pools use "same" padding, so 28x28 (28-14-7-4-2) and 32x32 (32-16-8-4-2)
    both end at 2x2.

    Sized down: the default `blocks` are VGG-11's first four stages with half the filters
    (`SMALL_BLOCKS`), and the dense layers are 256 wide instead of 4,096. `VGG11_BLOCKS`
    and `VGG16_BLOCKS` give the originals' convolutions (five pools: 32x32 ends at 1x1).
    Parameter count with the defaults (weights + biases):

        conv 3*3*C*32 + 32          320 (C = 1)   896 (C = 3)
        conv 3*3*32*64 + 64         18,496
        conv 3*3*64*128 + 128       73,856
        conv 3*3*128*128 + 128      147,584
        conv 3*3*128*256 + 256      295,168
        conv 3*3*256*256 + 256      590,080
        dense 2*2*256*256 + 256     262,400
        dense 256*256 + 256         65,792
        dense 256*10 + 10           2,570
        total                       1,456,266 on 28x28x1, 1,456,842 on 32x32x3

    With `batch_norm=True` each convolution loses its bias and gains a BatchNorm of
    4 * filters (half of them moving statistics): 1,458,858 on 28x28x1,
    1,459,434 on 32x32x3.

    Args:
        input_shape: one image's shape (at least 2 ** len(blocks) pixels a side).
        num_classes: output units.
        blocks: one tuple of filters per block.
        dense_units: units of each hidden dense layer.
        dropout: dropout rate after each hidden dense layer (0.5 as in the paper).
        batch_norm: BatchNormalization after each convolution (the later "VGG-BN").
        name: the model's name.

    Returns:
        A functional `keras.Model` mapping float images in [0, 1] to class probabilities.

    Example:

        model = build_vgg((28, 28, 1))          # model.count_params() == 1,456,266

    Reference: K. Simonyan, A. Zisserman, "Very deep convolutional networks for
    large-scale image recognition", ICLR 2015 (arXiv:1409.1556).
    """
    if not blocks or not all(blocks):
        raise DLCourseError(f"`blocks` must be non-empty tuples of filters. Received: blocks={blocks}")
    if min(input_shape[:2]) < 2 ** (len(blocks) - 1):
        raise DLCourseError(
            f"{len(blocks)} pooled blocks need images of at least {2 ** (len(blocks) - 1)} pixels a side. "
            f"Received: input_shape={tuple(input_shape)}; use fewer blocks."
        )
    inputs = keras.Input(shape=input_shape, name="images")
    x = inputs
    for b, block in enumerate(blocks, start=1):
        x = vgg_block(x, block, b, batch_norm)
    outputs = dense_head(x, num_classes, dense_units, dropout)
    return keras.Model(inputs, outputs, name=name)
