"""Gradient attributions: which input pixels move the class score.

    maps = interpret.saliency(model, images)                 # (batch, H, W)
    maps = interpret.smoothgrad(model, images, samples=25)
    maps = interpret.integrated_gradients(model, images)     # sums to f(x) - f(baseline)

Each explains one class per image (the predicted one unless `class_index` is given) and
returns one map per image of the image's height and width (channels are reduced).
"""

import numpy as np

from dlcourse.errors import DLCourseError
from dlcourse.interpret import _common


def saliency(model, images, class_index=None, score="logit"):
    """Vanilla gradient saliency (Simonyan et al.). No Keras twin.

    For each image `x` and its class `c`:

        grad = d score(x)[c] / d x               # (H, W, C)
        map[i, j] = max over channels of |grad[i, j, :]|

    Args:
        model: a classifier taking float images in [0, 1].
        images: one image (H, W, C) or a batch (batch, H, W, C) of floats in [0, 1].
        class_index: the class to explain: an int, one per image, or None (predicted).
        score: "logit" (the input of the final softmax) or "probability".

    Returns:
        Non-negative float32 maps, (H, W) or (batch, H, W).

    Example:

        maps = interpret.saliency(model, test_images[:8])

    Reference: Simonyan, Vedaldi & Zisserman, "Deep Inside Convolutional Networks:
    Visualising Image Classification Models and Saliency Maps", ICLR workshop 2014, Sec. 3.
    """
    batch, single = _common.as_batch(images, model)
    function, _ = _common.score_function(model, score)
    grads, _ = _common.gradients(function, batch, _common.classes_for(model, batch, class_index))
    return _result(np.abs(grads).max(axis=-1), single)


def smoothgrad(model, images, class_index=None, samples=25, noise=0.15, seed=0, score="logit"):
    """SmoothGrad: the gradient averaged over noisy copies of the image. No Keras twin.

    For each image `x` and its class `c`, with `sigma = noise * (max(x) - min(x))`:

        grad = mean over n = 1..samples of d score(x + N(0, sigma^2))[c] / d x
        map[i, j] = max over channels of |grad[i, j, :]|

    Averaging removes the sharp, noisy fluctuations of the raw gradient; the paper
    finds noise 0.1-0.2 best.

    Args:
        model, images, class_index, score: as `saliency`.
        samples: noisy copies per image.
        noise: the noise's standard deviation as a fraction of the image's value range.
        seed: seeds the noise.

    Returns:
        Non-negative float32 maps, (H, W) or (batch, H, W).

    Reference: Smilkov, Thorat, Kim, Viegas & Wattenberg, "SmoothGrad: removing noise by
    adding noise", 2017, Sec. 3.
    """
    if samples < 1 or not noise >= 0:
        raise DLCourseError(f"`samples` must be >= 1 and `noise` >= 0. Received: samples={samples}, noise={noise}")
    batch, single = _common.as_batch(images, model)
    function, _ = _common.score_function(model, score)
    classes = _common.classes_for(model, batch, class_index)
    spread = noise * (batch.max(axis=(1, 2, 3), keepdims=True) - batch.min(axis=(1, 2, 3), keepdims=True))
    # The same noise for every image: an image's map does not depend on its batch.
    draws = np.random.default_rng(seed).standard_normal((samples, 1, *batch.shape[1:]))
    grads = _stacked_gradients(function, batch + spread * draws, classes)
    return _result(np.abs(grads.mean(axis=0)).max(axis=-1), single)


def integrated_gradients(model, images, class_index=None, baseline=None, steps=64, score="logit"):
    """Integrated gradients along the straight path from a baseline. No Keras twin.

    For each image `x`, its class `c`, and `baseline` `x0` (black by default):

        alphas = 0, 1/steps, ..., 1
        grads[k] = d score(x0 + alphas[k] * (x - x0))[c] / d x
        attribution = (x - x0) * trapezoid mean of grads over alphas     # (H, W, C)
        map[i, j] = sum over channels of attribution[i, j, :]

    Completeness: the map sums to `score(x)[c] - score(x0)[c]` (up to the quadrature
    error, which shrinks as `steps` grows; tested within 1 % at 64 steps). Attributions
    are signed: negative pixels argue against the class.

    Args:
        model, images, class_index, score: as `saliency`.
        baseline: an image (or one per image) meaning "no signal"; None: zeros.
        steps: intervals of the path integral.

    Returns:
        Signed float32 maps, (H, W) or (batch, H, W).

    Reference: Sundararajan, Taly & Yan, "Axiomatic Attribution for Deep Networks",
    ICML 2017, Sec. 3 and 5 (Eq. 3 with a Riemann sum; here the trapezoid rule).
    """
    if steps < 1:
        raise DLCourseError(f"`steps` must be at least 1. Received: steps={steps}")
    batch, single = _common.as_batch(images, model)
    start = np.zeros_like(batch) if baseline is None else _baseline(baseline, batch)
    function, _ = _common.score_function(model, score)
    classes = _common.classes_for(model, batch, class_index)
    weights = np.full(steps + 1, 1.0 / steps)
    weights[[0, -1]] /= 2  # Trapezoid rule.
    alphas = np.linspace(0.0, 1.0, steps + 1).reshape(-1, 1, 1, 1, 1)
    grads = _stacked_gradients(function, start + alphas * (batch - start), classes)
    total = np.tensordot(weights, grads, axes=1)
    return _result(((batch - start) * total).sum(axis=-1), single)


def _stacked_gradients(function, stacked, classes, chunk=2048):
    """Gradients for (copies, batch, H, W, C) images, a few thousand images per pass."""
    copies, batch = stacked.shape[:2]
    flat = stacked.reshape(copies * batch, *stacked.shape[2:])
    every = np.tile(classes, copies)
    grads = [_common.gradients(function, flat[i:i + chunk], every[i:i + chunk])[0]
             for i in range(0, len(flat), chunk)]
    return np.concatenate(grads).reshape(stacked.shape).astype(np.float64)


def _baseline(baseline, batch):
    array = np.asarray(baseline, dtype=batch.dtype)
    if array.shape not in (batch.shape[1:], batch.shape):
        raise DLCourseError(
            f"`baseline` must have one image's shape {batch.shape[1:]} or the batch's {batch.shape}. "
            f"Received shape {array.shape}"
        )
    return np.broadcast_to(array, batch.shape)


def _result(maps, single):
    maps = maps.astype(np.float32)
    return maps[0] if single else maps


def plot_attributions(images, maps, path, titles=None, cmap="inferno"):
    """Each image above each of its maps (`maps` is {method name: (batch, H, W)})."""
    from dlcourse.interpret import _draw

    batch, _ = _common.as_batch(images)
    rows = [("image", list(batch), "gray")]
    for name, values in maps.items():
        signed = np.min(values) < 0
        rows.append((name, list(np.asarray(values)), "RdBu_r" if signed else cmap))
    return _draw.image_rows(rows, path, column_titles=titles)
