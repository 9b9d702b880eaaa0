"""Saliency, SmoothGrad and integrated gradients on a tiny CNN trained on digits."""

import numpy as np
import pytest

from dlcourse import interpret
from dlcourse.errors import DLCourseError
from dlcourse.interpret import _common


def _scores(model, images, score="logit"):
    function, _ = _common.score_function(model, score)
    return np.asarray(function(images))


@pytest.mark.parametrize("method", ["saliency", "smoothgrad", "integrated_gradients", "grad_cam"])
def test_every_map_has_the_image_height_and_width_and_is_finite(cnn, digits, method):
    images = digits[2][:5]
    explain = getattr(interpret, method)
    maps = explain(cnn, images)
    assert maps.shape == (5, 8, 8) and maps.dtype == np.float32
    assert np.all(np.isfinite(maps)) and np.any(maps != 0)
    single = explain(cnn, images[0])
    assert single.shape == (8, 8)
    np.testing.assert_allclose(single, maps[0], rtol=1e-4, atol=1e-6)


def test_saliency_predicts_the_score_change_of_its_brightest_pixel(cnn, digits):
    image = digits[2][3]
    c = int(np.argmax(cnn.predict(image[None], verbose=0)))
    saliency = interpret.saliency(cnn, image, class_index=c)
    i, j = np.unravel_index(np.argmax(saliency), saliency.shape)
    h = 1e-3 * (1 if image[i, j, 0] < 0.5 else -1)  # Stay in [0, 1].
    moved = image.copy()
    moved[i, j, 0] += h
    change = _scores(cnn, moved[None])[0, c] - _scores(cnn, image[None])[0, c]
    # A float32 finite difference on a ReLU network: 3.6 % off was seen on one machine.
    assert abs(abs(change / h) - saliency[i, j]) < 0.05 * saliency[i, j]


def test_smoothgrad_without_noise_is_the_saliency_map(cnn, digits):
    images = digits[2][:3]
    np.testing.assert_allclose(interpret.smoothgrad(cnn, images, samples=2, noise=0.0),
                               interpret.saliency(cnn, images), rtol=1e-5, atol=1e-7)
    noisy = interpret.smoothgrad(cnn, images, samples=4, noise=0.2, seed=1)
    assert not np.allclose(noisy, interpret.saliency(cnn, images))
    np.testing.assert_array_equal(noisy, interpret.smoothgrad(cnn, images, samples=4, noise=0.2, seed=1))


@pytest.mark.parametrize("score", ["logit", "probability"])
def test_integrated_gradients_completeness(cnn, digits, score):
    # The map sums to f(x) - f(baseline) up to quadrature error. Measured on this ReLU CNN:
    # worst of 8 images 0.1-0.5 % at 128 steps; piecewise-linear nets have many kinks on the path.
    images = digits[2][:8]
    classes = np.argmax(cnn.predict(images, verbose=0), axis=-1)
    baseline = np.full((8, 8, 1), 0.1, np.float32)
    maps = interpret.integrated_gradients(cnn, images, baseline=baseline, steps=128, score=score)
    rows = np.arange(8)
    expected = _scores(cnn, images, score)[rows, classes] - _scores(cnn, np.broadcast_to(baseline, images.shape), score)[rows, classes]
    assert np.all(np.abs(expected) > 1e-3)  # A meaningful difference to attribute.
    np.testing.assert_allclose(maps.sum(axis=(1, 2)), expected, rtol=0.01)


def test_the_class_to_explain_can_be_chosen(cnn, digits):
    image = digits[2][0]
    per_class = [interpret.saliency(cnn, image, class_index=k) for k in (0, 1)]
    assert not np.allclose(*per_class)
    both = interpret.saliency(cnn, np.stack([image, image]), class_index=[0, 1])
    np.testing.assert_allclose(both, np.stack(per_class), rtol=1e-5)


@pytest.mark.parametrize("images, message", [
    (np.zeros((2, 8, 8, 1), np.uint8), "floats in"),
    (np.zeros((2, 7, 8, 1), np.float32), "8x8x1"),
    (np.full((2, 8, 8, 1), 2.0, np.float32), r"\[0, 1\]"),
    (np.zeros((0, 8, 8, 1), np.float32), "non-empty"),
])
def test_bad_images_raise_one_line(cnn, images, message):
    with pytest.raises(DLCourseError, match=message):
        interpret.saliency(cnn, images)


def test_bad_settings_raise_one_line(cnn, digits):
    images = digits[2][:2]
    with pytest.raises(DLCourseError, match="class_index"):
        interpret.saliency(cnn, images, class_index=[0, 1, 2])
    with pytest.raises(DLCourseError, match="steps"):
        interpret.integrated_gradients(cnn, images, steps=0)
    with pytest.raises(DLCourseError, match="baseline"):
        interpret.integrated_gradients(cnn, images, baseline=np.zeros((4, 4, 1)))
    with pytest.raises(DLCourseError, match="score"):
        interpret.saliency(cnn, images, score="softmax")
