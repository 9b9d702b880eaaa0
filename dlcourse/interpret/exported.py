"""Attacks on an exported classifier (what `dlcourse attack MODEL_DIR` runs).

    classifier = interpret.load_classifier("saved_models/cnn")    # highest version
    summary = interpret.attack_saved_model("saved_models/cnn", "pgd", eps=0.1, n=100,
                                           out="runs/attack_cnn")

What goes in: a classifier export (`saved_models/NAME/<version>/`) whose `serve_float`
endpoint maps float32 images in [0, 1] to probabilities, differentiably; the test split
of the dataset recorded in its `dlcourse.json`. What comes out, in `out/`:

    000_trouser_as_dress.png ...   each adversarial image as the uint8 PNG a user could send
    summary.json                   accuracies, success rate, timing, settings

The PNGs round pixels to 1/255, which can undo part of an attack: the summary gives
the accuracy on the float images and again on the saved uint8 images, through `serve`.
"""

import re
import time
from pathlib import Path

import numpy as np
import tensorflow as tf

from dlcourse._io import write_json_atomic
from dlcourse.errors import DLCourseError
from dlcourse.interpret import _common, attacks


class ExportedClassifier:
    """A classifier export as a callable: float images in [0, 1] -> probabilities."""

    def __init__(self, model_dir, version=None):
        from dlcourse import export

        self.model_dir = export.resolve_version(model_dir, version)
        self.metadata = export.read_metadata(self.model_dir)
        self.class_names = list(self.metadata["class_names"])
        self.input_shape = (None, *self.metadata["input"]["shape"][1:])
        self._saved = export.load_saved_model(self.model_dir, "serve_float")

    def __call__(self, images):
        return self._saved.serve_float(tf.cast(images, tf.float32))

    def predict_uint8(self, images):
        """Probabilities for uint8 images, through the `serve` endpoint users call."""
        return self._saved.serve(tf.constant(images, tf.uint8)).numpy()


def load_classifier(model_dir, version=None):
    """An `ExportedClassifier` for `model_dir` (highest version unless `version`)."""
    return ExportedClassifier(model_dir, version)


def attack_saved_model(model_dir, method, eps, n, out=None, seed=0, version=None, steps=10):
    """Attack the first `n` test images of the export's dataset; write PNGs and a summary.

    Args:
        model_dir: the export folder (`saved_models/NAME`, or one version's folder).
        method: "fgsm", "pgd" or "one-pixel".
        eps: the L-infinity budget for FGSM and PGD (ignored by one-pixel).
        n: how many test images to attack.
        out: the folder for the PNGs and `summary.json`; None: write nothing.
        seed: seeds PGD's start and the one-pixel search.
        version: the export version (None: the highest).
        steps: PGD steps.

    Returns:
        The summary dict (also written to `out/summary.json`).
    """
    from dlcourse import data

    _check(method, eps, n)
    classifier = load_classifier(model_dir, version)
    dataset = classifier.metadata.get("dataset")
    if dataset not in data.DATASETS:
        raise DLCourseError(f"{classifier.model_dir}: its dataset {dataset!r} is not one of ours; cannot pick test images.")
    images, labels = data.split_arrays(dataset, "test")
    images, labels = images[:n].astype(np.float32) / 255.0, labels[:n].astype(np.int32)
    start = time.perf_counter()
    options = {"steps": steps} if method == "pgd" else {}
    adversarial = attacks.attack(classifier, images, labels, method, eps, seed=seed, **options)
    seconds = time.perf_counter() - start
    as_png = np.round(adversarial * 255.0).astype(np.uint8)
    predicted = np.argmax(classifier.predict_uint8(as_png), axis=-1)
    summary = _summary(classifier, method, eps, labels, images, adversarial, predicted, seconds, seed)
    if out is not None:
        summary["images"] = _write_pngs(Path(out), as_png, labels, predicted, classifier.class_names)
        write_json_atomic(Path(out) / "summary.json", summary)
    return summary


def _summary(classifier, method, eps, labels, images, adversarial, predicted, seconds, seed):
    clean = np.argmax(_common.predict(classifier, images), axis=-1) == labels
    fooled = np.argmax(_common.predict(classifier, adversarial), axis=-1) != labels
    return {
        "model": str(classifier.model_dir), "dataset": classifier.metadata.get("dataset"),
        "method": method, "eps": None if method == "one-pixel" else eps, "n": int(len(labels)), "seed": seed,
        "clean_accuracy": float(clean.mean()),
        "adversarial_accuracy": float(1.0 - fooled.mean()),
        "adversarial_accuracy_uint8": float(np.mean(predicted == labels)),
        # Among the images the model got right, the share the attack turned wrong.
        "success_rate": float(np.mean(fooled[clean])) if clean.any() else None,
        "max_abs_change": float(np.max(np.abs(adversarial - images))),
        "seconds_per_image": round(seconds / len(labels), 5),
    }


def _write_pngs(out, as_png, labels, predicted, class_names):
    from PIL import Image

    out.mkdir(parents=True, exist_ok=True)
    names = []
    for i, (image, label, guess) in enumerate(zip(as_png, labels, predicted)):
        name = f"{i:03d}_{_slug(class_names[label])}_as_{_slug(class_names[guess])}.png"
        tmp = out / f".{name}.tmp"
        Image.fromarray(image[..., 0] if image.shape[-1] == 1 else image).save(tmp, format="PNG")
        tmp.replace(out / name)  # Atomic: a reader never sees half a PNG.
        names.append(name)
    return names


def _slug(name):
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _check(method, eps, n):
    if method not in attacks.METHODS:
        raise DLCourseError(f"Unknown attack {method!r}. Use one of: {', '.join(attacks.METHODS)}.")
    if method != "one-pixel" and not 0 < eps <= 1:
        raise DLCourseError(f"`--eps` must be in (0, 1] (images are in [0, 1]). Received: eps={eps}")
    if n < 1:
        raise DLCourseError(f"`--n` must be at least 1. Received: n={n}")
