"""Data augmentation for image batches: tf.data map functions and Keras layers.

Every function takes and returns a *batch* `(images, labels)`: images float32 in
[0, 1] of shape (batch, height, width, channels), which keep their shape, dtype and
range. The randomness is stateless: each draw is a pure function of a seed pair
`(seed, counter)`, so a run is reproducible, parallel `map` calls cannot race on a
random state, and a run resumed after a kill sees the same augmentations.

    flip         mirror left-right with probability `rate`
    crop         zero-pad by `padding` pixels, cut a random window of the original size
    rotation     rotate by a uniform angle in [-max_degrees, max_degrees] (reflect fill)
    zoom         scale about the centre by a uniform factor in [1 - max_zoom, 1 + max_zoom]
                 (reflect fill; the resampling of `dlcourse.layers.RandomZoom`)
    color_jitter x = x + U(-brightness, brightness); x = (x - mean) * U(1 - c, 1 + c) + mean
    mixup        lam ~ Beta(alpha, alpha) per example, partner j = a random permutation:
                     x = lam * x + (1 - lam) * x[j];  y = lam * y + (1 - lam) * y[j]
    cutmix       paste a box of area ~(1 - lam) * H * W from x[j];
                     y = lam' * y + (1 - lam') * y[j], lam' = 1 - box area / (H * W)

mixup and cutmix return one-hot soft labels (batch, num_classes) that sum to 1; train
on them with `categorical_crossentropy`. The others pass labels through unchanged.
`make_augmenter` chains them into the one function the pipeline maps over the
training split only (`dlcourse.data.load(..., augment=fn)`).

References: H. Zhang et al., "mixup", ICLR 2018; S. Yun et al., "CutMix", ICCV 2019.
"""

import math

import keras
import tensorflow as tf

from dlcourse.errors import DLCourseError

NAMES = ("flip", "crop", "rotation", "zoom", "color_jitter", "mixup", "cutmix")


def random_flip(images, labels, seed, rate=0.5):
    """Mirror each image left-right with probability `rate`. Labels unchanged."""
    images = _check_images(images)
    flip = tf.random.stateless_uniform([tf.shape(images)[0]], _seed(seed)) < rate  # (batch,)
    return tf.where(flip[:, None, None, None], tf.reverse(images, axis=[2]), images), labels


def random_crop(images, labels, seed, padding=4):
    """Zero-pad by `padding` pixels on each side, then cut a random (H, W) window."""
    images = _check_images(images)
    if padding == 0:
        return images, labels
    shape = tf.shape(images)
    batch, height, width = shape[0], shape[1], shape[2]
    padded = tf.pad(images, [[0, 0], [padding, padding], [padding, padding], [0, 0]])
    offsets = tf.random.stateless_uniform([batch, 2], _seed(seed), 0, 2 * padding + 1, dtype=tf.int32)
    rows = offsets[:, :1] + tf.range(height)[None, :]  # (batch, H)
    cols = offsets[:, 1:] + tf.range(width)[None, :]  # (batch, W)
    out = tf.gather(padded, rows, axis=1, batch_dims=1)  # (batch, H, W + 2p, C)
    out = tf.gather(out, cols, axis=2, batch_dims=1)  # (batch, H, W, C)
    return out, labels


def random_rotation(images, labels, seed, max_degrees=15.0):
    """Rotate each image about its centre by a uniform angle in [-max_degrees, max_degrees]."""
    images = _check_images(images)
    if max_degrees == 0:
        return images, labels
    shape = tf.shape(images)
    batch, height, width = shape[0], shape[1], shape[2]
    angle = tf.random.stateless_uniform([batch], _seed(seed), -max_degrees, max_degrees) * (math.pi / 180)
    cos, sin = tf.cos(angle), tf.sin(angle)
    cx = (tf.cast(width, tf.float32) - 1) / 2
    cy = (tf.cast(height, tf.float32) - 1) / 2
    # Output pixel (x, y) samples the input at R(angle) @ (x - cx, y - cy) + (cx, cy).
    zeros = tf.zeros_like(cos)
    transforms = tf.stack(
        [cos, -sin, cx - cos * cx + sin * cy, sin, cos, cy - sin * cx - cos * cy, zeros, zeros], axis=1
    )
    out = tf.raw_ops.ImageProjectiveTransformV3(
        images=images, transforms=transforms, output_shape=tf.stack([height, width]),
        fill_value=0.0, interpolation="BILINEAR", fill_mode="REFLECT",
    )
    return tf.clip_by_value(out, 0.0, 1.0), labels


def random_zoom(images, labels, seed, max_zoom=0.1):
    """Zoom each image in or out about its centre by a uniform factor in [1 - max_zoom, 1 + max_zoom]."""
    from dlcourse.layers.random_zoom import zoom_images  # One resampling for the layer and the pipeline.

    images = _check_images(images)
    if max_zoom == 0:
        return images, labels
    zoom = tf.random.stateless_uniform([tf.shape(images)[0], 1], _seed(seed), 1 - max_zoom, 1 + max_zoom)
    return tf.clip_by_value(zoom_images(images, zoom, zoom, fill_mode="reflect"), 0.0, 1.0), labels


def color_jitter(images, labels, seed, brightness=0.2, contrast=0.2):
    """Random brightness shift and contrast scaling per image, clipped to [0, 1]."""
    images = _check_images(images)
    seed = _seed(seed)
    batch = tf.shape(images)[0]
    if brightness:
        delta = tf.random.stateless_uniform([batch, 1, 1, 1], _fold(seed, 0), -brightness, brightness)
        images = images + delta
    if contrast:
        factor = tf.random.stateless_uniform([batch, 1, 1, 1], _fold(seed, 1), 1 - contrast, 1 + contrast)
        mean = tf.reduce_mean(images, axis=[1, 2], keepdims=True)  # per image and channel
        images = (images - mean) * factor + mean
    return tf.clip_by_value(images, 0.0, 1.0), labels


def mixup(images, labels, num_classes, alpha=0.2, seed=0):
    """Blend each example with a random partner; soft labels by the same `lam`."""
    images = _check_images(images)
    labels = _soft_labels(labels, num_classes)
    seed = _seed(seed)
    lam = _beta(tf.shape(images)[0], alpha, seed)  # (batch,)
    partner = _permutation(tf.shape(images)[0], _fold(seed, 2))
    lam_x = lam[:, None, None, None]
    mixed = lam_x * images + (1 - lam_x) * tf.gather(images, partner)
    soft = lam[:, None] * labels + (1 - lam[:, None]) * tf.gather(labels, partner)
    return tf.clip_by_value(mixed, 0.0, 1.0), soft


def cutmix(images, labels, num_classes, alpha=1.0, seed=0):
    """Paste a random box from a partner image; soft labels by the pasted area."""
    images = _check_images(images)
    labels = _soft_labels(labels, num_classes)
    seed = _seed(seed)
    shape = tf.shape(images)
    batch, height, width = shape[0], shape[1], shape[2]
    lam = _beta(batch, alpha, seed)
    partner = _permutation(batch, _fold(seed, 2))
    ratio = tf.sqrt(1.0 - lam)  # box side / image side
    cut_h = tf.cast(tf.round(ratio * tf.cast(height, tf.float32)), tf.int32)
    cut_w = tf.cast(tf.round(ratio * tf.cast(width, tf.float32)), tf.int32)
    centre = tf.random.stateless_uniform([batch, 2], _fold(seed, 3), 0, tf.int32.max, dtype=tf.int32)
    cy, cx = centre[:, 0] % height, centre[:, 1] % width
    y1, y2 = tf.clip_by_value(cy - cut_h // 2, 0, height), tf.clip_by_value(cy + cut_h // 2, 0, height)
    x1, x2 = tf.clip_by_value(cx - cut_w // 2, 0, width), tf.clip_by_value(cx + cut_w // 2, 0, width)
    rows, cols = tf.range(height)[None, :], tf.range(width)[None, :]
    in_rows = (rows >= y1[:, None]) & (rows < y2[:, None])  # (batch, H)
    in_cols = (cols >= x1[:, None]) & (cols < x2[:, None])  # (batch, W)
    box = in_rows[:, :, None, None] & in_cols[:, None, :, None]  # (batch, H, W, 1)
    mixed = tf.where(box, tf.gather(images, partner), images)
    area = tf.cast((y2 - y1) * (x2 - x1), tf.float32) / tf.cast(height * width, tf.float32)
    kept = (1.0 - area)[:, None]
    return mixed, kept * labels + (1.0 - kept) * tf.gather(labels, partner)


def make_augmenter(names, num_classes=None, seed=0, alpha=None):
    """One batch function applying `names` in the order flip, crop, rotation, zoom, color_jitter, mixup/cutmix.

    Args:
        names: list (or comma-separated string) from `NAMES`; at most one of mixup, cutmix.
        num_classes: needed by mixup and cutmix (their labels become one-hot).
        seed: int seed; a batch's draws depend on `(seed, counter)` only.
        alpha: Beta(alpha, alpha) for mixup/cutmix (default 0.2 and 1.0).

    Returns:
        `fn(images, labels, counter=None) -> (images, labels)` for
        `dataset.map(fn, num_parallel_calls=tf.data.AUTOTUNE)`. `counter` (e.g. the
        batch index from `Dataset.enumerate()`) defaults to a fingerprint of the
        batch's pixels: reproducible, and different for every batch of a shuffled
        epoch; pass a counter if batches repeat exactly (no shuffling).
    """
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    unknown = sorted(set(names) - set(NAMES))
    if unknown:
        raise DLCourseError(f"Unknown augmentation {unknown}. Choose from {', '.join(NAMES)}.")
    if "mixup" in names and "cutmix" in names:
        raise DLCourseError("Use at most one of `mixup` and `cutmix`. Received: names=" + str(list(names)))
    if ("mixup" in names or "cutmix" in names) and not num_classes:
        raise DLCourseError("`num_classes` is needed for mixup/cutmix soft labels. Received: num_classes=None")
    steps = [name for name in NAMES if name in names]  # canonical order: mixing last

    def augment(images, labels, counter=None):
        if counter is None:
            counter = _fingerprint(images)
        base = tf.stack([tf.constant(seed, tf.int64), tf.cast(counter, tf.int64)])
        for k, name in enumerate(steps):
            s = _fold(base, k)
            if name == "mixup":
                images, labels = mixup(images, labels, num_classes, 0.2 if alpha is None else alpha, s)
            elif name == "cutmix":
                images, labels = cutmix(images, labels, num_classes, 1.0 if alpha is None else alpha, s)
            else:
                images, labels = _SIMPLE[name](images, labels, s)
        return images, labels

    return augment


def augmentation_layers(flip=True, crop=0.1, rotation=15.0, contrast=0.0, zoom=0.0, seed=None):
    """The same ideas as Keras preprocessing layers, active only when `training=True`.

    Args:
        flip: add `RandomFlip("horizontal")`.
        crop: shift up to this fraction of height/width (`RandomTranslation`, zero
            fill: a pad-and-crop); 0 disables.
        rotation: maximum angle in degrees (`RandomRotation`); 0 disables.
        contrast: `RandomContrast` factor on [0, 1] images; 0 disables.
        zoom: zoom in or out by up to this fraction (`dlcourse.layers.RandomZoom`, the
            twin of Keras's); 0 disables.
        seed: optional int seed.

    Returns:
        A `keras.Sequential` to put at the front of a model; identity at inference.
    """
    layers = []
    if flip:
        layers.append(keras.layers.RandomFlip("horizontal", seed=seed))
    if crop:
        layers.append(keras.layers.RandomTranslation(crop, crop, fill_mode="constant", seed=seed))
    if rotation:
        layers.append(keras.layers.RandomRotation(rotation / 360.0, seed=seed))
    if contrast:
        layers.append(keras.layers.RandomContrast(contrast, value_range=(0, 1), seed=seed))
    if zoom:
        from dlcourse.layers import RandomZoom

        layers.append(RandomZoom(zoom, fill_mode="reflect", seed=seed))
    return keras.Sequential(layers or [keras.layers.Identity()], name="augmentation")


_SIMPLE = {"flip": random_flip, "crop": random_crop, "rotation": random_rotation, "zoom": random_zoom,
           "color_jitter": color_jitter}


def _check_images(images):
    images = tf.convert_to_tensor(images)
    if images.shape.rank != 4 or not images.dtype.is_floating:
        raise DLCourseError(
            "Augmentation needs a float batch (batch, height, width, channels) in [0, 1]. "
            f"Received: shape={images.shape}, dtype={images.dtype.name}"
        )
    return images


def _soft_labels(labels, num_classes):
    """Int class indices (batch,) to one-hot float32; soft labels pass through."""
    labels = tf.convert_to_tensor(labels)
    if labels.shape.rank == 1:
        return tf.one_hot(tf.cast(labels, tf.int32), num_classes, dtype=tf.float32)
    if labels.shape.rank == 2 and labels.shape[-1] == num_classes:
        return tf.cast(labels, tf.float32)
    raise DLCourseError(
        f"Labels must be class indices (batch,) or one-hot (batch, {num_classes}). Received: shape={labels.shape}"
    )


def _seed(seed):
    """An int, a pair or a shape-[2] tensor as a stateless seed (int64, shape [2])."""
    if isinstance(seed, int):
        seed = [seed, 0]
    return tf.cast(tf.convert_to_tensor(seed), tf.int64)


def _fold(seed, k):
    """An independent seed for the k-th draw from `seed`."""
    return tf.random.experimental.stateless_fold_in(_seed(seed), k)


def _beta(n, alpha, seed):
    """n samples of Beta(alpha, alpha) as float32, via two Gamma(alpha) draws."""
    if alpha <= 0:
        raise DLCourseError(f"`alpha` must be positive. Received: alpha={alpha}")
    g1 = tf.random.stateless_gamma([n], _fold(seed, 0), alpha, dtype=tf.float64)
    g2 = tf.random.stateless_gamma([n], _fold(seed, 1), alpha, dtype=tf.float64)
    # Both draws can underflow to 0 for tiny alpha: call it an even mix.
    lam = tf.where(g1 + g2 > 0, g1 / tf.maximum(g1 + g2, 1e-300), 0.5)
    return tf.cast(lam, tf.float32)


def _permutation(n, seed):
    return tf.argsort(tf.random.stateless_uniform([n], seed))


def _fingerprint(images):
    """A stable int64 from the batch's bytes (farmhash), for per-batch seeds."""
    digest = tf.fingerprint(tf.reshape(images, [1, -1]))  # (1, 8) uint8
    return tf.bitcast(digest[0], tf.int64)
