"""Shared by Conv2D and the pooling layers: argument checks, padding, sliding windows.

Images are channels-last, (batch, height, width, channels), with height and width known
when the layer is built (the window positions are fixed Python ints).
"""

from keras import ops

from dlcourse.errors import DLCourseError
from dlcourse.layers.conv_arithmetic import conv_padding


def pair(value, name):
    """An int or a pair of ints, as a tuple (height, width) of positive ints."""
    values = (value, value) if isinstance(value, int) and not isinstance(value, bool) else tuple(value)
    if len(values) != 2 or any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in values):
        raise DLCourseError(f"`{name}` must be a positive int or a pair of them. Received: {name}={value!r}")
    return values


def check_padding(padding, allowed):
    if padding not in allowed:
        raise DLCourseError(f"`padding` must be one of {', '.join(allowed)}. Received: padding={padding!r}")
    return padding


def spatial_size(input_shape, layer_name):
    """(height, width) of a 4-D channels-last shape; both must be known."""
    if len(input_shape) != 4 or input_shape[1] is None or input_shape[2] is None:
        raise DLCourseError(
            f"`{layer_name}` takes 4-D (batch, height, width, channels) inputs with known height "
            f"and width, e.g. keras.Input((28, 28, 1)). Received: input_shape={tuple(input_shape)}"
        )
    return input_shape[1], input_shape[2]


def plan(size, window, strides, padding):
    """Pads ((top, bottom), (left, right)) and output size (out_h, out_w) for one input."""
    pads = tuple(conv_padding(d, k, s, padding) for d, k, s in zip(size, window, strides))
    padded = tuple(d + before + after for d, (before, after) in zip(size, pads))
    if any(k > d for k, d in zip(window, padded)):
        raise DLCourseError(
            f"The window {window} is larger than the padded input {padded}: use padding='same' or a "
            f"smaller kernel. Received: input size={size}, padding={padding!r}"
        )
    out = tuple((d - k) // s + 1 for d, k, s in zip(padded, window, strides))
    return pads, out


def pad_spatial(x, pads, mode="zeros", constant_value=0.0):
    """Pad height then width. Modes, for a row a b c d padded by 2 on each side:

        zeros       0 0 | a b c d | 0 0        (constant_value instead of 0 if given)
        reflect     c b | a b c d | c b        (mirror, edge not repeated: np.pad "reflect")
        replicate   a a | a b c d | d d        (np.pad "edge")
        circular    c d | a b c d | a b        (wrap around: np.pad "wrap")
    """
    if mode in ("zeros", "same", "valid"):
        if not any(any(p) for p in pads):
            return x
        return ops.pad(x, ((0, 0), *pads, (0, 0)), constant_values=constant_value)
    for axis, (before, after) in zip((1, 2), pads):
        if before or after:
            x = _pad_axis(x, axis, before, after, mode)
    return x


def _pad_axis(x, axis, before, after, mode):
    size = x.shape[axis]
    # Reflecting skips the edge pixel, so it has size - 1 pixels to mirror; wrapping has size.
    limit = {"reflect": size - 1, "circular": size}.get(mode)
    if limit is not None and max(before, after) > limit:
        raise DLCourseError(
            f"padding={mode!r} needs at most {limit} pad rows/columns on an axis of size {size}: "
            f"use a smaller kernel or padding='zeros'. Received: pad={max(before, after)}"
        )

    def take(start, stop):  # x[start:stop] along `axis`
        return ops.slice(x, [start if a == axis else 0 for a in range(4)],
                         [stop - start if a == axis else -1 for a in range(4)])

    if mode == "reflect":
        head, tail = ops.flip(take(1, before + 1), axis), ops.flip(take(size - after - 1, size - 1), axis)
    elif mode == "replicate":
        head, tail = ops.repeat(take(0, 1), before, axis), ops.repeat(take(size - 1, size), after, axis)
    elif mode == "circular":
        head, tail = take(size - before, size), take(0, after)
    else:
        raise DLCourseError(f"Unknown padding mode. Received: padding={mode!r}")
    return ops.concatenate([head, x, tail], axis=axis)


def windows(x, window, strides, out):
    """The kh*kw shifted views of padded `x`, row-major over kernel positions (i, j).

    View (i, j) holds x[:, i + sh*r, j + sw*c, :] for r < out_h, c < out_w, so that

        output[r, c] = sum over (i, j) of view(i, j)[r, c] @ kernel[i, j]

    Contiguous slices (`ops.slice`, whose gradient is a cheap pad) instead of strided
    ones: a stride s is handled by reshaping rows into (row // s, row % s) once.
    """
    (kh, kw), (sh, sw), (oh, ow) = window, strides, out
    channels = x.shape[-1]
    # Enough rows/columns for the last window of the last output, as whole stride blocks.
    rows, cols = sh * ((kh - 1) // sh + oh), sw * ((kw - 1) // sw + ow)
    if rows < x.shape[1] or cols < x.shape[2]:
        x = ops.slice(x, [0, 0, 0, 0], [-1, min(rows, x.shape[1]), min(cols, x.shape[2]), -1])
    if rows > x.shape[1] or cols > x.shape[2]:  # never read: only completes the last block
        x = ops.pad(x, ((0, 0), (0, rows - x.shape[1]), (0, cols - x.shape[2]), (0, 0)))
    blocks = ops.reshape(x, (-1, rows // sh, sh, cols // sw, sw, channels))
    views = []
    for i in range(kh):
        for j in range(kw):
            view = ops.slice(blocks, [0, i // sh, i % sh, j // sw, j % sw, 0], [-1, oh, 1, ow, 1, channels])
            views.append(ops.reshape(view, (-1, oh, ow, channels)))
    return views
