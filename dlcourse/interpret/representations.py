"""Representations by depth: the classes separate as the signal moves through the layers.

    rows = interpret.representations_by_depth(model, images, labels, method="pca")
    for row in rows:
        print(row["layer"], row["dimensions"], round(row["separation"], 3))
    interpret.plot_representations(rows, labels, "depth.png")
"""

import numpy as np

from dlcourse.errors import DLCourseError
from dlcourse.interpret import _common
from dlcourse.interpret.features import layer_activations

METHODS = ("pca", "tsne")


def project(features, method="pca", seed=0):
    """A 2-D projection of `features` (n, d): PCA, or t-SNE (scikit-learn).

    PCA keeps the two directions of largest variance (a linear view: distances are
    faithful, clusters may overlap); t-SNE keeps neighbourhoods (clusters show, but
    distances between clusters mean little).
    """
    if method not in METHODS:
        raise DLCourseError(f"Unknown projection {method!r}. Use one of: {', '.join(METHODS)}.")
    features = _flat(features)
    if method == "pca":
        from sklearn.decomposition import PCA

        return PCA(n_components=2, random_state=seed).fit_transform(features).astype(np.float32)
    from sklearn.manifold import TSNE

    perplexity = float(min(30.0, max(2.0, (len(features) - 1) / 3)))
    tsne = TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=seed)
    return tsne.fit_transform(features).astype(np.float32)


def separation_score(features, labels):
    """How well the classes separate in `features`: the silhouette score, in [-1, 1].

    For each example, with `a` its mean distance to its own class and `b` its mean
    distance to the nearest other class (Euclidean, in the layer's own units):

        s = (b - a) / max(a, b)          score = mean of s over the examples

    1: tight, far-apart classes; 0: overlapping classes; < 0: mixed up. It is computed on
    the layer's own features, not on the 2-D picture (t-SNE would flatter it).

    Reference: Rousseeuw, "Silhouettes: a graphical aid to the interpretation and
    validation of cluster analysis", J. Comput. Appl. Math. 20, 1987.
    """
    from sklearn.metrics import silhouette_score

    labels = np.asarray(labels)
    if len(np.unique(labels)) < 2 or len(labels) != len(features):
        raise DLCourseError(
            f"`labels` must give one class per example ({len(features)}) with at least two classes. "
            f"Received {len(labels)} labels, {len(np.unique(labels))} classes"
        )
    return float(silhouette_score(_flat(features), labels))


def representations_by_depth(model, images, labels, method="pca", layers=None, seed=0):
    """For the input and each layer: a 2-D projection and the separation score.

    Args:
        model: a Keras classifier (the course MLP gives input, hidden_1, hidden_2, logits).
        images: floats in [0, 1], (batch, H, W, C); a few hundred to a few thousand.
        labels: their classes.
        method: "pca" or "tsne".
        layers: layer names (and "input"); None: the input and every Dense/Conv layer.
        seed: seeds the projection.

    Returns:
        A list of dicts, input first: `layer`, `dimensions`, `separation`, `points` (n, 2).
    """
    batch, _ = _common.as_batch(images, model)
    labels = _common.as_labels(labels, len(batch))
    rows = []
    for name, features in layer_activations(model, batch, layers=layers).items():
        rows.append({"layer": name, "dimensions": int(features.shape[1]),
                     "separation": separation_score(features, labels),
                     "points": project(features, method, seed)})
    return rows


def _flat(features):
    return np.asarray(features, dtype=np.float64).reshape(len(features), -1)


def plot_representations(rows, labels, path, class_names=None, title=None):
    """One scatter plot per layer, points coloured by class, the score in each title."""
    from dlcourse import plots

    fig, axes = plots.figure(ncols=len(rows), size=(3.2, 3.2))
    axes = np.atleast_1d(axes)
    labels = np.asarray(labels)
    for ax, row in zip(axes, rows):
        points = row["points"]
        for k in np.unique(labels):
            chosen = labels == k
            name = class_names[k] if class_names else str(k)
            ax.scatter(points[chosen, 0], points[chosen, 1], s=4, alpha=0.7, label=name)
        ax.set_title(f"{row['layer']} ({row['dimensions']}-d)\nseparation {row['separation']:.3f}", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    axes[-1].legend(fontsize=6, markerscale=2, loc="center left", bbox_to_anchor=(1.0, 0.5))
    if title:
        fig.suptitle(title)
    return plots.save_figure(fig, path)
