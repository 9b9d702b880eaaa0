"""Convolution arithmetic: how much padding, and how big the output is.

One spatial axis at a time (height and width are independent):

    d_out = floor((d_in + 2 * P - K) / S) + 1

with `d_in` the input size, `K` the kernel (or pool) size, `S` the stride and `P` the
zeros added on each side. The padding names the layers accept map to P like this:

    "valid"                                   P = 0
    "zeros", "reflect", "replicate", "circular"   P = (K - 1) // 2 on each side
    "same"       (Keras/TensorFlow)           d_out = ceil(d_in / S), with
                  total = max((d_out - 1) * S + K - d_in, 0)
                  before = total // 2, after = total - before

so "same" pads asymmetrically (one more zero after than before) when `total` is odd:
even kernels, or strides that do not divide `d_in`. That is what Keras computes, and
what PyTorch's symmetric padding does not.

Reference: V. Dumoulin, F. Visin, "A guide to convolution arithmetic for deep
learning", arXiv:1603.07285 (2016), relationships 1-6.
"""

from dlcourse.errors import DLCourseError
from dlcourse.layers._checks import check_positive_ints

PADDINGS = ("valid", "same", "zeros", "reflect", "replicate", "circular")


def _positive_int(value, name):
    check_positive_ints(**{name: value})
    return value


def conv_padding(d_in, kernel_size, stride=1, padding="valid"):
    """Zeros added (before, after) along one axis for a padding name or an int `P`.

    Args:
        d_in: input size along the axis (positive int).
        kernel_size: kernel or pool size `K` along the axis.
        stride: stride `S` along the axis.
        padding: a non-negative int `P` (P zeros on each side) or one of
            "valid", "same", "zeros", "reflect", "replicate", "circular".

    Returns:
        `(before, after)`, two non-negative ints.

    Example:
        >>> conv_padding(10, 3, 2, "same")   # d_out = 5, total = 4*2 + 3 - 10 = 1
        (0, 1)
    """
    d_in = _positive_int(d_in, "d_in")
    kernel_size = _positive_int(kernel_size, "kernel_size")
    stride = _positive_int(stride, "stride")
    if isinstance(padding, int) and not isinstance(padding, bool):
        if padding < 0:
            raise DLCourseError(f"`padding` must be >= 0. Received: padding={padding}")
        return padding, padding
    if padding == "valid":
        return 0, 0
    if padding == "same":
        d_out = -(-d_in // stride)
        total = max((d_out - 1) * stride + kernel_size - d_in, 0)
        return total // 2, total - total // 2
    if padding in PADDINGS:
        return (kernel_size - 1) // 2, (kernel_size - 1) // 2
    raise DLCourseError(
        f"`padding` must be a non-negative int or one of {', '.join(PADDINGS)}. Received: padding={padding!r}"
    )


def conv_output_size(d_in, kernel_size, stride=1, padding=0):
    """Output size of a convolution or pooling along one axis.

        d_out = floor((d_in + P_before + P_after - K) / S) + 1

    which is floor((d_in + 2P - K) / S) + 1 for an int `P`, and ceil(d_in / S) for "same".

    Args:
        d_in: input size along the axis (positive int).
        kernel_size: kernel or pool size `K`.
        stride: stride `S`.
        padding: an int `P` or a padding name (see `conv_padding`).

    Returns:
        The output size, a positive int.

    Raises:
        DLCourseError: non-positive sizes, an unknown padding, or a kernel larger than
            the padded input.

    Example (the lecture's 5x5 input):
        >>> [conv_output_size(5, 3, 1, 0), conv_output_size(5, 3, 1, 1), conv_output_size(5, 3, 2, 1)]
        [3, 5, 3]
    """
    before, after = conv_padding(d_in, kernel_size, stride, padding)
    padded = d_in + before + after
    if kernel_size > padded:
        raise DLCourseError(
            f"`kernel_size` is larger than the padded input ({padded}): use a smaller kernel or more "
            f"padding. Received: d_in={d_in}, kernel_size={kernel_size}, padding={padding!r}"
        )
    return (padded - kernel_size) // stride + 1
