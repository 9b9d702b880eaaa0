"""dlcourse.data.augment: shapes, dtypes, range, soft labels, determinism, exact cases."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from dlcourse.data import augment
from dlcourse.errors import DLCourseError

RNG = np.random.default_rng(0)
IMAGES = RNG.random((8, 12, 10, 3)).astype("float32")  # distinct pixels: no accidental ties
LABELS = np.arange(8, dtype="int32")  # every example its own class
NUM_CLASSES = 10


@pytest.mark.parametrize("name", augment.NAMES)
def test_augmenter_keeps_shape_dtype_and_range(name):
    fn = augment.make_augmenter([name], NUM_CLASSES, seed=1)
    images, labels = fn(IMAGES, LABELS)
    assert images.shape == IMAGES.shape and images.dtype == tf.float32
    assert 0.0 <= float(tf.reduce_min(images)) and float(tf.reduce_max(images)) <= 1.0
    assert np.abs(images.numpy() - IMAGES).max() > 0.01  # it did something
    if name in ("mixup", "cutmix"):
        assert labels.shape == (8, NUM_CLASSES) and labels.dtype == tf.float32
        np.testing.assert_allclose(labels.numpy().sum(axis=1), 1.0, atol=1e-6)
    else:
        np.testing.assert_array_equal(labels, LABELS)


@pytest.mark.parametrize("names", [["flip", "crop", "rotation", "zoom", "color_jitter", "mixup"], "crop,cutmix"])
def test_augmenter_same_seed_same_output_different_seed_different(names):
    a = augment.make_augmenter(names, NUM_CLASSES, seed=3)(IMAGES, LABELS)
    b = augment.make_augmenter(names, NUM_CLASSES, seed=3)(IMAGES, LABELS)
    c = augment.make_augmenter(names, NUM_CLASSES, seed=4)(IMAGES, LABELS)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert np.abs(a[0].numpy() - c[0].numpy()).max() > 0.01


def test_augmenter_counter_gives_fresh_draws_per_batch():
    fn = augment.make_augmenter(["flip", "crop"], seed=0)
    first, _ = fn(IMAGES, LABELS, counter=0)
    again, _ = fn(IMAGES, LABELS, counter=0)
    second, _ = fn(IMAGES, LABELS, counter=1)
    np.testing.assert_array_equal(first, again)
    assert np.abs(first.numpy() - second.numpy()).max() > 0.01


def test_augmenter_in_a_parallel_tf_data_pipeline_is_reproducible():
    def run():
        ds = tf.data.Dataset.from_tensor_slices((IMAGES, LABELS)).batch(4)
        ds = ds.map(augment.make_augmenter(["flip", "crop", "mixup"], NUM_CLASSES, seed=5),
                    num_parallel_calls=tf.data.AUTOTUNE)
        return [(x.numpy(), y.numpy()) for x, y in ds]

    first, second = run(), run()
    assert [x.shape for x, _ in first] == [(4, 12, 10, 3)] * 2
    for (x1, y1), (x2, y2) in zip(first, second):
        np.testing.assert_array_equal(x1, x2)
        np.testing.assert_array_equal(y1, y2)
        np.testing.assert_allclose(y1.sum(axis=1), 1.0, atol=1e-6)


def test_flip_is_an_exact_mirror_or_untouched():
    out, _ = augment.random_flip(IMAGES, LABELS, seed=(1, 2))
    out = out.numpy()
    flipped = [np.array_equal(o, x[:, ::-1]) for o, x in zip(out, IMAGES)]
    kept = [np.array_equal(o, x) for o, x in zip(out, IMAGES)]
    assert all(f or k for f, k in zip(flipped, kept))
    assert any(flipped) and any(kept)
    np.testing.assert_array_equal(augment.random_flip(IMAGES, LABELS, (1, 2), rate=1.0)[0], IMAGES[:, :, ::-1])


@pytest.mark.parametrize(
    "fn",
    [
        lambda x, y: augment.random_flip(x, y, (0, 1), rate=0.0),
        lambda x, y: augment.random_crop(x, y, (0, 1), padding=0),
        lambda x, y: augment.random_rotation(x, y, (0, 1), max_degrees=0.0),
        lambda x, y: augment.random_zoom(x, y, (0, 1), max_zoom=0.0),
        lambda x, y: augment.color_jitter(x, y, (0, 1), brightness=0.0, contrast=0.0),
    ],
)
def test_identity_at_zero_strength(fn):
    out, labels = fn(IMAGES, LABELS)
    np.testing.assert_array_equal(out, IMAGES)
    np.testing.assert_array_equal(labels, LABELS)


def test_crop_is_a_shifted_window_of_the_zero_padded_image():
    out = augment.random_crop(IMAGES, LABELS, (2, 3), padding=2)[0].numpy()
    padded = np.pad(IMAGES, [(0, 0), (2, 2), (2, 2), (0, 0)])
    for o, p in zip(out, padded):
        windows = [(dy, dx) for dy in range(5) for dx in range(5) if np.array_equal(o, p[dy:dy + 12, dx:dx + 10])]
        assert windows, "every output must be one window of the padded image"


def test_mixup_images_and_labels_are_the_same_lambda_mixture():
    images, labels = augment.mixup(IMAGES, LABELS, NUM_CLASSES, alpha=0.4, seed=(7, 0))
    images, labels = images.numpy(), labels.numpy()
    np.testing.assert_allclose(labels.sum(axis=1), 1.0, atol=1e-6)
    mixed = 0
    for i in range(8):
        lam = labels[i, i]  # example i has class i
        others = np.delete(np.arange(NUM_CLASSES), i)
        j = others[np.argmax(labels[i, others])]
        partner = IMAGES[j] if labels[i, j] > 0 else IMAGES[i]
        np.testing.assert_allclose(images[i], lam * IMAGES[i] + (1 - lam) * partner, atol=1e-5)
        mixed += 0.0 < lam < 1.0 and j < 8
    assert mixed >= 4


def test_cutmix_label_weight_equals_pasted_area():
    images, labels = augment.cutmix(IMAGES, LABELS, NUM_CLASSES, alpha=1.0, seed=(8, 0))
    images, labels = images.numpy(), labels.numpy()
    np.testing.assert_allclose(labels.sum(axis=1), 1.0, atol=1e-6)
    for i in range(8):
        own = np.all(images[i] == IMAGES[i], axis=-1)  # (H, W) pixels kept from image i
        j = np.argmax(np.where(np.arange(NUM_CLASSES) == i, -1, labels[i]))
        if labels[i, i] < 1.0:
            pasted = np.all(images[i] == IMAGES[j], axis=-1)
            assert np.all(own | pasted)
        np.testing.assert_allclose(labels[i, i], own.mean(), atol=1e-6)
    assert np.sum(np.diag(labels[:, :8]) < 1.0) >= 3  # most examples got a non-empty box


def test_mixup_accepts_soft_labels_and_keeps_them_summing_to_one():
    soft = tf.one_hot(LABELS, NUM_CLASSES) * 0.9 + 0.01
    _, labels = augment.mixup(IMAGES, soft, NUM_CLASSES, seed=1)
    np.testing.assert_allclose(labels.numpy().sum(axis=1), 1.0, atol=1e-5)


def test_augmentation_layers_active_only_in_training():
    keras.utils.set_random_seed(0)
    model = augment.augmentation_layers(flip=True, crop=0.1, rotation=20.0, contrast=0.2, zoom=0.2, seed=1)
    x = tf.constant(IMAGES)
    np.testing.assert_array_equal(model(x, training=False), IMAGES)
    y = model(x, training=True).numpy()
    assert y.shape == IMAGES.shape and y.dtype == np.float32
    assert np.abs(y - IMAGES).max() > 0.01
    assert -1e-6 <= y.min() and y.max() <= 1 + 1e-6


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"names": ["blur"]}, "Unknown augmentation"),
        ({"names": ["mixup", "cutmix"], "num_classes": 10}, "at most one"),
        ({"names": ["mixup"]}, "num_classes"),
    ],
)
def test_make_augmenter_bad_arguments_raise(kwargs, match):
    with pytest.raises(DLCourseError, match=match):
        augment.make_augmenter(**kwargs)


def test_augment_rejects_non_image_batches():
    with pytest.raises(DLCourseError, match="batch"):
        augment.random_flip(np.zeros((4, 4), "float32"), LABELS[:4], seed=0)


def test_zoom_by_one_is_identity_and_zoom_in_magnifies_the_centre():
    from dlcourse.layers.random_zoom import zoom_images

    same = zoom_images(tf.constant(IMAGES), tf.ones((8, 1)), tf.ones((8, 1)))
    np.testing.assert_allclose(same, IMAGES, atol=1e-6)
    # A bright centre pixel on black: zooming in (factor < 1 reads a smaller window) spreads it.
    image = np.zeros((1, 9, 9, 1), "float32")
    image[0, 4, 4, 0] = 1.0
    zoomed = zoom_images(tf.constant(image), tf.fill((1, 1), 0.5), tf.fill((1, 1), 0.5)).numpy()
    assert (zoomed > 0.1).sum() > 1 and abs(zoomed[0, 4, 4, 0] - 1.0) < 1e-6
