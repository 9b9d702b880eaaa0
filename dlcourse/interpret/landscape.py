"""The loss landscape around trained weights, along filter-normalised random directions.

    line = interpret.loss_landscape(model, images, labels, alphas=np.linspace(-1, 1, 21))
    surface = interpret.loss_landscape(model, images, labels, alphas, betas=alphas)
    interpret.plot_landscape({"with skips": surface, "without": plain}, "landscape.png")
"""

import dataclasses

import keras
import numpy as np
import tensorflow as tf

from dlcourse.errors import DLCourseError
from dlcourse.interpret import _common


@dataclasses.dataclass
class Landscape:
    """Losses (and accuracies) on a line, `(len(alphas),)`, or a grid, `(len(betas), len(alphas))`."""

    alphas: np.ndarray
    betas: np.ndarray
    losses: np.ndarray
    accuracies: np.ndarray

    def to_dict(self):
        return {k: None if v is None else np.asarray(v).tolist() for k, v in dataclasses.asdict(self).items()}


def filter_normalized_direction(model, seed=0):
    """A random direction in weight space with each filter scaled like the weights (Li et al.).

    For every trainable weight `w` of the model:

        d = normal(0, 1) of w's shape
        kernels (2-D or more): for each filter k (last axis, the output channel)
            d[..., k] = d[..., k] * norm(w[..., k]) / norm(d[..., k])
        biases and BatchNorm scales/offsets (1-D): d = 0

    Scaling per filter makes a step of 1 change every filter by its own size, so the
    picture does not depend on the weights' scale (which BatchNorm and ReLU leave free)
    and landscapes of different networks can be compared.

    Returns:
        A list of float32 arrays aligned with `model.trainable_variables`.
    """
    rng = np.random.default_rng(seed)
    direction = []
    for variable in model.trainable_variables:
        w = np.asarray(keras.ops.convert_to_numpy(variable), dtype=np.float64)
        if w.ndim <= 1:
            direction.append(np.zeros_like(w, dtype=np.float32))
            continue
        d = rng.standard_normal(w.shape)
        scale = _filter_norms(w) / np.maximum(_filter_norms(d), 1e-12)
        direction.append((d * scale).astype(np.float32))
    return direction


def _filter_norms(w):
    """The L2 norm of each filter (last axis), shaped to broadcast against `w`."""
    return np.sqrt(np.sum(np.square(w), axis=tuple(range(w.ndim - 1)), keepdims=True))


def loss_landscape(model, images, labels, alphas, betas=None, seed=0, batch_size=512):
    """The loss along one (1-D) or two (2-D) filter-normalised directions. No Keras twin.

        d1, d2 = filter_normalized_direction(model, seed), ...(model, seed + 1)
        losses[alpha]       = L(w + alpha * d1)                  # betas None
        losses[beta, alpha] = L(w + alpha * d1 + beta * d2)      # a grid

    `L` is the mean sparse categorical cross-entropy on `(images, labels)` plus the
    model's own penalties (`model.losses`), computed in inference mode: what
    `model.evaluate` reports at (0, 0). The weights are restored afterwards.

    Args:
        model: a Keras classifier (float images in [0, 1] -> probabilities).
        images, labels: the examples the loss is measured on (a few hundred suffice).
        alphas: steps along the first direction; betas: along the second (None: 1-D).
        seed: seeds the directions.
        batch_size: examples per forward pass.

    Returns:
        A `Landscape`.

    Reference: Li, Xu, Taylor, Studer & Goldstein, "Visualizing the Loss Landscape of
    Neural Nets", NeurIPS 2018, Sec. 4 (filter normalisation) and Sec. 5 (skip connections).
    """
    batch, _ = _common.as_batch(images, model)
    labels = _common.as_labels(labels, len(batch))
    network = _common.unwrap(model)
    alphas = np.asarray(alphas, dtype=np.float64).reshape(-1)
    two_d = betas is not None
    betas_array = np.asarray(betas if two_d else [0.0], dtype=np.float64).reshape(-1)
    if alphas.size == 0 or betas_array.size == 0:
        raise DLCourseError("`alphas` (and `betas`, if given) must hold at least one step.")
    variables = network.trainable_variables
    origin = [np.asarray(keras.ops.convert_to_numpy(v)) for v in variables]
    d1 = filter_normalized_direction(network, seed)
    d2 = filter_normalized_direction(network, seed + 1) if two_d else [np.zeros_like(w) for w in origin]
    evaluate = _evaluator(network, batch, labels, batch_size)
    losses = np.zeros((len(betas_array), len(alphas)))
    accuracies = np.zeros_like(losses)
    try:
        for i, beta in enumerate(betas_array):
            for j, alpha in enumerate(alphas):
                for v, w, a, b in zip(variables, origin, d1, d2):
                    v.assign((w + alpha * a + beta * b).astype(w.dtype))
                losses[i, j], accuracies[i, j] = evaluate()
    finally:
        for v, w in zip(variables, origin):
            v.assign(w)
    if not two_d:
        return Landscape(alphas, None, losses[0], accuracies[0])
    return Landscape(alphas, betas_array, losses, accuracies)


def _evaluator(model, images, labels, batch_size):
    """`evaluate() -> (loss, accuracy)` at the model's current weights."""
    chunks = [(tf.constant(images[i:i + batch_size], tf.float32), tf.constant(labels[i:i + batch_size]))
              for i in range(0, len(images), batch_size)]

    @tf.function(reduce_retracing=True)
    def sums(x, y):
        probabilities = model(x, training=False)
        loss = keras.ops.sum(keras.ops.sparse_categorical_crossentropy(y, probabilities))
        hits = keras.ops.equal(keras.ops.cast(keras.ops.argmax(probabilities, axis=-1), "int32"), y)
        correct = keras.ops.sum(keras.ops.cast(hits, "float32"))
        return loss, correct

    def evaluate():
        totals = np.sum([[float(t) for t in sums(x, y)] for x, y in chunks], axis=0)
        penalty = float(sum(keras.ops.convert_to_numpy(l) for l in model.losses)) if model.losses else 0.0
        return totals[0] / len(images) + penalty, totals[1] / len(images)

    return evaluate


def plot_landscape(landscapes, path, title=None):
    """Each named `Landscape`: a loss curve (1-D) or a contour plot (2-D), side by side."""
    from dlcourse import plots

    fig, axes = plots.figure(ncols=len(landscapes), size=(4.2, 3.6))
    axes = np.atleast_1d(axes)
    for ax, (name, land) in zip(axes, landscapes.items()):
        if land.betas is None:
            ax.plot(land.alphas, land.losses, "o-", ms=3)
            ax.set_xlabel("alpha (filter-normalised direction)")
            ax.set_ylabel("loss")
        else:
            levels = np.linspace(land.losses.min(), min(land.losses.max(), land.losses.min() + 10), 25)
            contour = ax.contour(land.alphas, land.betas, land.losses, levels=levels, cmap="viridis")
            ax.clabel(contour, fontsize=6, fmt="%.1f")
            ax.plot(0, 0, "r+", ms=10)
            ax.set_xlabel("alpha")
            ax.set_ylabel("beta")
        ax.set_title(name, fontsize=9)
        ax.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    return plots.save_figure(fig, path)
