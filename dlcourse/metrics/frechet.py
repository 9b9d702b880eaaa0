"""The Frechet distance between feature distributions, and FID on a course classifier's features.

    features = classifier_features(classifier, images)        # (n, 128)
    frechet_distance(features_real, features_generated)       # 0 for identical Gaussians
    fid(real_images, generated_images, classifier)            # both steps at once
    class_histogram(classifier, generated_images)             # how often each class is drawn

Inception-v3, whose features define the published FID, cannot be downloaded here; the
features come from a Fashion-MNIST classifier the package trains itself (the `cnn`
recipe, its 128-unit `hidden` layer), cached by `load_fid_classifier`. Values are
comparable with each other, not with published FIDs.
"""

import os
from pathlib import Path

import numpy as np

from dlcourse.errors import DLCourseError

FEATURE_LAYER = "hidden"      # build_cnn's 128-unit ReLU layer, before dropout and logits.


def frechet_distance(features_a, features_b):
    """The Frechet distance between Gaussians fitted to two sets of feature vectors.

        mu_a, sigma_a = mean and covariance of features_a (rows are examples)
        d = ||mu_a - mu_b||**2 + trace(sigma_a) + trace(sigma_b) - 2 * trace(sqrtm(sigma_a @ sigma_b))

    The last trace is computed as sum(sqrt(eigenvalues of root_a @ sigma_b @ root_a)),
    root_a = sqrtm(sigma_a): the same number (the two matrices are similar), from a
    symmetric matrix, so it stays exact when covariances are singular (dead ReLU
    features, fewer examples than features), in float64.

    Args:
        features_a, features_b: arrays (n_a, d) and (n_b, d), n >= 2 each.

    Returns:
        A float >= 0 (0 for identical sets).

    Reference: Dowson & Landau, "The Frechet distance between multivariate normal
    distributions", 1982; Heusel et al., "GANs Trained by a Two Time-Scale Update Rule
    Converge to a Local Nash Equilibrium", NeurIPS 2017, Sec. 3 (FID).
    """
    a, b = _features(features_a, "features_a"), _features(features_b, "features_b")
    if a.shape[1] != b.shape[1]:
        raise DLCourseError(f"The two feature sets differ in width: {a.shape[1]} vs {b.shape[1]}.")
    sigma_a, sigma_b = np.atleast_2d(np.cov(a, rowvar=False)), np.atleast_2d(np.cov(b, rowvar=False))
    values, vectors = np.linalg.eigh(sigma_a)
    root_a = (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T
    trace_root = np.sum(np.sqrt(np.clip(np.linalg.eigvalsh(root_a @ sigma_b @ root_a), 0.0, None)))
    distance = np.sum((a.mean(axis=0) - b.mean(axis=0)) ** 2) + np.trace(sigma_a) + np.trace(sigma_b) - 2 * trace_root
    return float(max(distance, 0.0))


def _features(x, name):
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or len(x) < 2 or not np.all(np.isfinite(x)):
        raise DLCourseError(f"`{name}` must be a finite (examples, features) array with at least 2 rows. "
                            f"Received shape {x.shape}.")
    return x


def classifier_features(classifier, images, layer=FEATURE_LAYER, batch_size=500):
    """The activations of `layer` of `classifier` for float images in [0, 1], (n, d) float64."""
    import keras

    try:
        features = keras.Model(classifier.input, classifier.get_layer(layer).output)
    except ValueError:
        names = ", ".join(l.name for l in classifier.layers)
        raise DLCourseError(f"The classifier has no layer {layer!r}. Layers: {names}.") from None
    images = np.asarray(images, dtype=np.float32)
    # Called directly, batch by batch: `predict` would trace a new function for each new
    # feature model (one per call), and TensorFlow warns about retracing after five.
    batches = [keras.ops.convert_to_numpy(features(images[i:i + batch_size], training=False))
               for i in range(0, len(images), batch_size)]
    return np.concatenate(batches).astype(np.float64).reshape(len(images), -1)


def fid(real_images, generated_images, classifier, layer=FEATURE_LAYER):
    """`frechet_distance` of the classifier features of real and generated images."""
    return frechet_distance(classifier_features(classifier, real_images, layer),
                            classifier_features(classifier, generated_images, layer))


def class_histogram(classifier, images, num_classes=None, batch_size=500):
    """How many of `images` the classifier assigns to each class (an int array)."""
    probabilities = classifier.predict(np.asarray(images, np.float32), batch_size=batch_size, verbose=0)
    num_classes = num_classes or probabilities.shape[-1]
    return np.bincount(np.argmax(probabilities, axis=-1), minlength=num_classes)


def cache_dir():
    """Where trained helper models are kept: `$DLCOURSE_CACHE_DIR`, else `~/.cache/dlcourse`."""
    return Path(os.environ.get("DLCOURSE_CACHE_DIR") or Path.home() / ".cache" / "dlcourse")


def load_fid_classifier(dataset="fashion_mnist", epochs=None, seed=0, verbose=0):
    """The classifier whose features FID uses: `cache_dir()/fid_classifier_<dataset>.keras`.

    The first call trains the `cnn` recipe on `dataset` through the runner, for `epochs`
    (default: the recipe's, 5 on Fashion-MNIST, 15 on digits: its BatchNorm moving
    averages need a few hundred steps before inference is right), and saves it there;
    later calls load the file. The run's `metrics.json` (test accuracy) stays beside it.
    """
    import keras

    path = cache_dir() / f"fid_classifier_{dataset}.keras"
    if not path.is_file():
        from dlcourse import training

        config = training.make_config("cnn", dataset, epochs=epochs, seed=seed,
                                      run_dir=str(cache_dir() / f"fid_classifier_{dataset}_run"))
        model = training.train(config, verbose=verbose).model
        tmp = path.with_name(f".{path.stem}.tmp.keras")
        model.save(tmp)
        os.replace(tmp, path)  # Atomic: a kill never leaves half a classifier.
    return keras.models.load_model(path, compile=False)  # Predictions only: no optimizer to rebuild.
