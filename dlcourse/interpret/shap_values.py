"""SHAP values of a classifier, through the `shap` package (optional: `pip install shap`).

    maps = interpret.shap_values(model, test_images[:4])      # (4, H, W)

The `shap` package does what we would otherwise write by hand: its Partition explainer
is model-agnostic (it only calls our predict function) and hierarchically masks image
regions, so a 28x28 image needs hundreds of model calls, not 2^784.
"""

import numpy as np

from dlcourse.errors import DLCourseError
from dlcourse.interpret import _common


def shap_values(model, images, class_index=None, background=None, max_evals=500, batch_size=100, seed=0):
    """Shapley-value attributions per pixel, from `shap.Explainer`. No Keras twin.

    A pixel's Shapley value is its average contribution to the class probability over
    orders of revealing the pixels; "hidden" pixels take the value of `background`. The
    Partition explainer estimates them over a hierarchy of pixel groups (Owen values),
    and they add up exactly:

        map.sum() = model(image)[c] - model(background)[c]

    Args:
        model: a classifier taking float images in [0, 1] (any callable returning probabilities).
        images: one image (H, W, C) or a batch, floats in [0, 1].
        class_index: the class to explain: an int, one per image, or None (predicted).
        background: the image standing for "pixel hidden"; None: black (zeros).
        max_evals: model evaluations per image (more: finer attributions).
        batch_size: images per call of the model.
        seed: seeds the explainer.

    Returns:
        Signed float32 maps, (H, W) or (batch, H, W) (channels summed).

    Raises:
        DLCourseError: the optional `shap` package is not installed.

    Reference: Lundberg & Lee, "A Unified Approach to Interpreting Model Predictions",
    NeurIPS 2017; the `shap` package's Partition explainer and Image masker.
    """
    shap = _import_shap()
    batch, single = _common.as_batch(images, model)
    classes = _common.classes_for(model, batch, class_index)
    hidden = np.zeros(batch.shape[1:]) if background is None else np.asarray(background, dtype=np.float64)
    if hidden.shape != batch.shape[1:]:
        raise DLCourseError(f"`background` must be one image of shape {batch.shape[1:]}. Received shape {hidden.shape}")

    def predict(masked):
        return _common.predict(model, np.asarray(masked, dtype=np.float32).reshape(-1, *batch.shape[1:]))

    masker = shap.maskers.Image(hidden, batch.shape[1:])
    explainer = shap.Explainer(predict, masker, seed=seed)
    values = explainer(batch, max_evals=max_evals, batch_size=batch_size, silent=True).values
    # values: (batch, H, W, C, num_classes); keep each image's class, sum the channels.
    maps = values[np.arange(len(batch)), ..., classes].sum(axis=-1).astype(np.float32)
    return maps[0] if single else maps


def _import_shap():
    try:
        import shap
    except ImportError:
        raise DLCourseError("SHAP values need the optional `shap` package: pip install shap") from None
    return shap
