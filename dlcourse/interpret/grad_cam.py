"""Grad-CAM: where in the image a convolutional layer saw evidence for the class.

    maps = interpret.grad_cam(model, images)                    # last conv layer
    maps = interpret.grad_cam(model, images, layer="conv_1")    # any 4-D layer
"""

import keras
import numpy as np
import tensorflow as tf

from dlcourse.errors import DLCourseError
from dlcourse.interpret import _common


def grad_cam(model, images, class_index=None, layer=None, score="logit"):
    """Gradient-weighted class activation maps (Selvaraju et al.). No Keras twin.

    For each image and its class `c`, with `A` the chosen layer's output (h, w, k):

        weights[k] = mean over (i, j) of d score[c] / d A[i, j, k]
        cam = relu(sum over k of weights[k] * A[:, :, k])         # (h, w)
        map = resize(cam, (H, W), bilinear) / max(cam)            # in [0, 1]

    The ReLU keeps only the regions that raise the score; a map that is zero
    everywhere means no location of that layer argues for the class.

    Args:
        model: a functional (or Sequential) Keras classifier on float images in [0, 1].
        images: one image (H, W, C) or a batch of them, floats in [0, 1].
        class_index: the class to explain: an int, one per image, or None (predicted).
        layer: a layer name or layer with a 4-D output; None: the last convolution.
        score: "logit" (the input of the final softmax, the paper's `y^c`) or "probability".

    Returns:
        float32 maps in [0, 1], (H, W) or (batch, H, W).

    Example:

        cams = interpret.grad_cam(model, test_images[:8], layer="conv_2")

    Reference: Selvaraju, Cogswell, Das, Vedantam, Parikh & Batra, "Grad-CAM: Visual
    Explanations from Deep Networks via Gradient-based Localization", ICCV 2017, Eq. 1-2.
    """
    batch, single = _common.as_batch(images, model)
    network = _common.unwrap(model)
    target = find_conv_layer(network, layer)
    classes = _common.classes_for(model, batch, class_index)
    scores = _scores_tensor(network, score)
    both = _common.probe(network, [target.output, scores])
    x = tf.constant(batch, tf.float32)
    with tf.GradientTape() as tape:
        activations, outputs = both(x, training=False)
        chosen = tf.gather(outputs, classes, axis=1, batch_dims=1)
    # (batch, h, w, k): a model that mirrors its batch at test time has 2 * batch rows.
    grads = _common.own_rows(tape.gradient(chosen, activations), len(batch))
    activations = _common.own_rows(activations, len(batch))
    weights = tf.reduce_mean(grads, axis=(1, 2), keepdims=True)  # (batch, 1, 1, k)
    cam = tf.nn.relu(tf.reduce_sum(weights * activations, axis=-1, keepdims=True))
    cam = keras.ops.image.resize(cam, batch.shape[1:3], interpolation="bilinear")[..., 0].numpy()
    peak = cam.max(axis=(1, 2), keepdims=True)
    maps = np.where(peak > 0, cam / np.where(peak > 0, peak, 1.0), 0.0).astype(np.float32)
    return maps[0] if single else maps


def find_conv_layer(model, layer=None):
    """The layer `layer` names (it must have a 4-D output), or the last convolution."""
    if not isinstance(model, keras.Model) or not hasattr(model, "inputs") or not model.inputs:
        raise DLCourseError("Grad-CAM needs a functional or Sequential Keras model; build it with keras.Model(inputs, outputs).")
    spatial = _spatial(model)
    if layer is not None:
        found = [l for l in spatial if l is layer or l.name == layer]
        if not found:
            raise DLCourseError(
                f"`layer` must name a layer with a 4-D (batch, h, w, channels) output. Received: layer={layer!r}; "
                f"4-D layers: {', '.join(l.name for l in spatial) or 'none'}"
            )
        return found[0]
    convs = [l for l in spatial if "conv" in type(l).__name__.lower()]
    if not convs:
        raise DLCourseError(f"Model {model.name!r} has no convolutional layer for Grad-CAM. Use interpret.saliency instead.")
    return convs[-1]


def _spatial(model):
    return [l for l in model.layers if not isinstance(l, keras.layers.InputLayer) and len(l.output.shape) == 4]


def _scores_tensor(model, score):
    if score not in ("logit", "probability"):
        raise DLCourseError(f"`score` must be 'logit' or 'probability'. Received: score={score!r}")
    return model.layers[-1].input if score == "logit" and _common.ends_with_softmax(model) else model.outputs[0]


def plot_grad_cam(images, maps, path, titles=None, alpha=0.5):
    """Each image, then the same image overlaid with its Grad-CAM map."""
    from dlcourse import plots

    batch, _ = _common.as_batch(images)
    maps = np.asarray(maps).reshape(len(batch), *batch.shape[1:3])
    fig, axes = plots.figure(ncols=len(batch), nrows=2, size=(1.6, 1.6))
    axes = np.asarray(axes).reshape(2, len(batch))
    for i, (image, cam) in enumerate(zip(batch, maps)):
        grey = image.mean(axis=-1)
        axes[0, i].imshow(grey, cmap="gray")
        axes[1, i].imshow(grey, cmap="gray")
        axes[1, i].imshow(cam, cmap="jet", alpha=alpha, vmin=0, vmax=1)
        if titles:
            axes[0, i].set_title(titles[i], fontsize=8)
        for ax in axes[:, i]:
            ax.set_xticks([])
            ax.set_yticks([])
    axes[0, 0].set_ylabel("image", fontsize=8)
    axes[1, 0].set_ylabel("Grad-CAM", fontsize=8)
    return plots.save_figure(fig, path)
