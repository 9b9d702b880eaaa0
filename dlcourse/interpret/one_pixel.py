"""The one-pixel attack: change one pixel, chosen by differential evolution, to fool a model.

    adversarial, success = interpret.one_pixel_attack(model, image, label)

It needs no gradient, only the model's probabilities, so it works on any classifier,
including an exported one.
"""

import numpy as np

from dlcourse.errors import DLCourseError
from dlcourse.interpret import _common


def one_pixel_attack(model, image, label, pixels=1, max_iter=40, population=120, seed=0):
    """One-pixel attack by differential evolution (Su et al.). No Keras twin.

    A candidate is `(row, col, value_1, ..., value_C)` per changed pixel. Differential
    evolution searches them, one population at a time (one batched prediction each):

        minimise  model(image with those pixels set)[label]      # the true class's probability
        stop      as soon as some candidate is classified as another class

    Args:
        model: a classifier taking float images in [0, 1] (a Keras model or any callable).
        image: one image (H, W, C), floats in [0, 1].
        label: its true class.
        pixels: how many pixels the attack may change (the paper's 1, 3 or 5).
        max_iter: generations of differential evolution.
        population: candidates per generation (the paper: 400).
        seed: seeds the search.

    Returns:
        `(adversarial, success)`: the image with at most `pixels` pixels changed (the
        best candidate found, also when the attack fails), in the input's dtype, and
        whether the model now predicts another class. An image the model already
        misclassifies comes back unchanged with success True.

    Example:

        adversarial, fooled = interpret.one_pixel_attack(model, x_test[0], y_test[0])
        np.count_nonzero(np.any(adversarial != x_test[0], axis=-1))     # 1

    Reference: Su, Vargas & Sakurai, "One Pixel Attack for Fooling Deep Neural
    Networks", IEEE Trans. Evolutionary Computation 2019, Sec. III.
    """
    batch, single = _common.as_batch(image, model, name="image")
    if not single:
        raise DLCourseError(f"`image` must be one image (H, W, C). Received shape {np.shape(image)}; loop over a batch.")
    label = int(_common.as_labels(label, 1, name="label")[0])
    if pixels < 1 or max_iter < 1 or population < 4:
        raise DLCourseError(
            f"`pixels` and `max_iter` must be >= 1 and `population` >= 4. "
            f"Received: pixels={pixels}, max_iter={max_iter}, population={population}"
        )
    from scipy.optimize import differential_evolution  # scipy.optimize is slow to import: only here.

    if np.argmax(_common.predict(model, batch)[0]) != label:
        return np.array(image, copy=True), True
    height, width, channels = batch.shape[1:]
    bounds = [(0, height), (0, width)] + [(0.0, 1.0)] * channels
    bounds *= pixels
    found = {}

    def objective(candidates):  # (parameters, population) -> (population,)
        probabilities = _common.predict(model, _apply(batch[0], candidates.T, pixels))
        fooled = np.flatnonzero(np.argmax(probabilities, axis=-1) != label)
        if fooled.size and "x" not in found:
            found["x"] = candidates.T[fooled[np.argmin(probabilities[fooled, label])]]
        return probabilities[:, label]

    def stop(intermediate_result):
        return "x" in found

    result = differential_evolution(
        objective, bounds, maxiter=max_iter, popsize=max(1, population // len(bounds)), tol=0.0,
        mutation=0.5, recombination=1.0, polish=False, vectorized=True, updating="deferred",
        callback=stop, rng=np.random.default_rng(seed))
    best = found.get("x", result.x)
    adversarial = _apply(batch[0], best[np.newaxis], pixels)[0].astype(batch.dtype)
    return adversarial, "x" in found


def _apply(image, candidates, pixels):
    """Copies of `image`, one per candidate row, with the candidate's pixels set."""
    height, width, channels = image.shape
    images = np.repeat(image[np.newaxis], len(candidates), axis=0)
    index = np.arange(len(candidates))
    for p in range(pixels):
        part = candidates[:, p * (2 + channels):(p + 1) * (2 + channels)]
        rows = np.clip(part[:, 0].astype(int), 0, height - 1)
        cols = np.clip(part[:, 1].astype(int), 0, width - 1)
        images[index, rows, cols, :] = np.clip(part[:, 2:], 0.0, 1.0)
    return images


def changed_pixels(original, adversarial):
    """How many (row, col) positions differ in any channel."""
    return int(np.count_nonzero(np.any(np.asarray(original) != np.asarray(adversarial), axis=-1)))
