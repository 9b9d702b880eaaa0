"""Random zoom (the lecture's "scale" augmentation). Mirrors `keras.layers.RandomZoom`."""

import keras
from keras import ops

from dlcourse.errors import DLCourseError

FILL_MODES = ("reflect", "wrap", "constant", "nearest")
INTERPOLATIONS = ("nearest", "bilinear")


def _map_coordinates(c, n, fill_mode):
    """Input coordinates outside [0, n - 1] brought back inside, the way TensorFlow's
    ImageProjectiveTransformV3 does (its `MapCoordinate`, truncations included)."""
    if fill_mode == "constant":
        return c  # Out-of-range reads give `fill_value` instead.
    if n <= 1 or fill_mode == "nearest":
        return ops.clip(c, 0.0, float(max(n - 1, 0)))
    if fill_mode == "reflect":  # dcba|abcd|dcba
        period = 2.0 * n
        below = period * ops.floor(-c / period) + c
        below = ops.where(below < -n, below + period, -below - 1.0)
        above = c - period * ops.floor(c / period)
        above = ops.where(above >= n, period - above - 1.0, above)
    else:  # wrap: abcd|abcd|abcd, with TensorFlow's (n - 1) in the divisions
        below = c + n * (ops.floor(-c / (n - 1.0)) + 1.0)
        above = c - n * ops.floor(c / (n - 1.0))
    c = ops.where(c < 0, below, ops.where(c > n - 1, above, c))
    return ops.clip(c, 0.0, n - 1.0)


def _one_hot(index, n):
    """(..., n) rows with a 1 at `index`; all zeros where `index` is outside [0, n)."""
    return ops.cast(ops.equal(ops.expand_dims(index, -1), ops.arange(n, dtype="float32")), "float32")


def _resampling_matrix(zoom, n, fill_mode, interpolation):
    """(batch, n, n) matrix R with output = R @ input along one axis, for zooms (batch, 1).

    Output pixel i reads the input at c = zoom * i + (n - 1) / 2 * (1 - zoom): a zoom
    about the centre (zoom > 1 reads a wider window: the content shrinks).
    """
    i = ops.arange(n, dtype="float32")[None, :]
    c = _map_coordinates(zoom * i + (n - 1.0) / 2.0 * (1.0 - zoom), n, fill_mode)  # (batch, n)
    if interpolation == "nearest":
        rounded = ops.sign(c) * ops.floor(ops.abs(c) + 0.5)  # half away from zero, like C's round
        return _one_hot(rounded, n)
    low = ops.floor(c)
    low_weight, high_weight = (low + 1.0) - c, c - low
    return low_weight[..., None] * _one_hot(low, n) + high_weight[..., None] * _one_hot(low + 1.0, n)


def zoom_images(images, height_zoom, width_zoom, fill_mode="reflect", interpolation="bilinear",
                fill_value=0.0, data_format="channels_last"):
    """Zoom a batch of images (batch, H, W, C) by `height_zoom`, `width_zoom` (batch, 1) each.

    A zoom is separable: resample the rows, then the columns, each a matrix product,

        out = fill_value + R_h @ (images - fill_value) @ R_w^T       (per image and channel)

    with `R_h`, `R_w` from `_resampling_matrix` (bilinear or nearest weights; for
    "constant" fill the reads outside the image weigh 0 and leave `fill_value`).
    """
    channels_last = data_format == "channels_last"
    height, width = (images.shape[1], images.shape[2]) if channels_last else images.shape[2:4]
    if height is None or width is None:
        raise DLCourseError(f"RandomZoom needs a known image height and width. Received: shape {images.shape}")
    rows = _resampling_matrix(height_zoom, height, fill_mode, interpolation)  # (batch, H, H)
    cols = _resampling_matrix(width_zoom, width, fill_mode, interpolation)  # (batch, W, W)
    pattern = "bhH,bHWc,bwW->bhwc" if channels_last else "bhH,bcHW,bwW->bchw"
    return ops.einsum(pattern, rows, images - fill_value, cols) + fill_value


@keras.saving.register_keras_serializable(package="dlcourse")
class RandomZoom(keras.layers.Layer):
    """Random zoom in or out, per image. Mirrors `keras.layers.RandomZoom`.

    In training, for each image (same draws as Keras for the same `seed`):

        height_zoom = uniform(1 + height_lower, 1 + height_upper)
        width_zoom  = uniform(1 + width_lower, 1 + width_upper)    (= height_zoom if width_factor is None)
        output pixel (x, y) reads the input at (width_zoom * x + (W - 1) / 2 * (1 - width_zoom),
                                                height_zoom * y + (H - 1) / 2 * (1 - height_zoom))

    then interpolates ("bilinear" or "nearest") and fills what falls outside with
    `fill_mode` ("reflect" dcba|abcd|dcba, "wrap", "constant" = `fill_value`, "nearest").
    A factor f means [-f, f]; a pair (a, b) means [a, b]; positive zooms out (the content
    shrinks), negative zooms in. With `training=False` the layer is the identity. The
    resampling is written as two matrix products (`zoom_images`), so its gradient is the
    exact transpose; Keras's op has an approximate gradient (the inverse transform).

    Args:
        height_factor: float in (-1, 1] or a pair of them: the vertical zoom range.
        width_factor: the same for the width; None keeps the aspect ratio.
        fill_mode: one of "reflect", "wrap", "constant", "nearest".
        interpolation: "bilinear" or "nearest".
        seed: optional int seed.
        fill_value: the value outside the image for "constant".
        data_format: "channels_last" (batch, H, W, C) or "channels_first".

    Returns:
        float32 images of the input's shape (3-D single images work too).

    Example:

        model = keras.Sequential([keras.Input((28, 28, 1)), RandomZoom(0.1, fill_mode="constant"), ...])

    Reference: Simard, Steinkraus & Platt, "Best practices for convolutional neural
    networks applied to visual document analysis", ICDAR 2003 (distortions as data).
    """

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect", interpolation="bilinear",
                 seed=None, fill_value=0.0, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.height_factor, self.width_factor = height_factor, width_factor
        self.height_range = _factor_range(height_factor, "height_factor")
        self.width_range = None if width_factor is None else _factor_range(width_factor, "width_factor")
        for name, value, valid in (("fill_mode", fill_mode, FILL_MODES), ("interpolation", interpolation, INTERPOLATIONS)):
            if value not in valid:
                raise DLCourseError(f"`{name}` must be one of {', '.join(valid)}. Received: {name}={value!r}")
        self.fill_mode, self.interpolation = fill_mode, interpolation
        self.seed, self.fill_value = seed, float(fill_value)
        self.data_format = data_format or keras.config.image_data_format()
        if self.data_format not in ("channels_last", "channels_first"):
            raise DLCourseError(
                f"`data_format` must be channels_last or channels_first. Received: data_format={data_format!r}")
        self.generator = keras.random.SeedGenerator(seed)

    def call(self, inputs, training=True):
        images = ops.cast(inputs, self.compute_dtype)
        if not training:
            return images
        single = len(images.shape) == 3
        if single:
            images = images[None]
        shape = (ops.shape(images)[0], 1)
        # Height first, then width, from one generator: the order of Keras's draws.
        ranges = [self.height_range] + ([self.width_range] if self.width_range else [])
        zooms = [keras.random.uniform(shape, 1.0 + low, 1.0 + high, seed=self.generator) for low, high in ranges]
        height_zoom, width_zoom = zooms[0], zooms[-1]
        out = zoom_images(images, height_zoom, width_zoom, self.fill_mode, self.interpolation,
                          self.fill_value, self.data_format)
        return out[0] if single else out

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"height_factor": self.height_factor, "width_factor": self.width_factor,
                       "fill_mode": self.fill_mode, "interpolation": self.interpolation, "seed": self.seed,
                       "fill_value": self.fill_value, "data_format": self.data_format})
        return config


def _factor_range(factor, name):
    """(lower, upper) of a zoom factor: f -> (-|f|, |f|), (a, b) -> sorted; each in (-1, 1]."""
    values = list(factor) if isinstance(factor, (tuple, list)) else [factor]
    if len(values) not in (1, 2) or not all(isinstance(v, (int, float)) and -1.0 < v <= 1.0 for v in values):
        raise DLCourseError(
            f"`{name}` must be a number or a pair of numbers in (-1, 1], e.g. 0.1 or (-0.2, 0.1). "
            f"Received: {name}={factor!r}")
    if len(values) == 1:
        return -abs(float(values[0])), abs(float(values[0]))
    return tuple(sorted(float(v) for v in values))
