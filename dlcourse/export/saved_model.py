"""Export a trained classifier as a versioned SavedModel that takes raw images.

What goes in: a Keras classifier mapping float images in [0, 1] to probabilities, and
the dataset's `DatasetInfo`. What comes out, in `export_dir/<version>/`
(see `dlcourse.export.versions` for the layout):

    serve(images: uint8 (batch, H, W, C)) -> probabilities float32 (batch, num_classes)
        also `serving_default`; what a camera or a PNG gives; the /255 is inside
    serve_float(images: float32 (batch, H, W, C) in [0, 1]) -> probabilities
        differentiable: attacks and saliency maps on an exported model use it
    dlcourse.json: class names, the input spec, test metrics, the run's settings, versions

`serve` refuses wrong shapes, but TensorFlow would silently cast float64 to float32 and
floats in [0, 1] to uint8 (all zeros): `dlcourse.export.Predictor` checks dtypes first.
"""

from pathlib import Path

import keras
import tensorflow as tf

from dlcourse._environment import library_versions
from dlcourse.export.versions import write_version


def write_classifier(model, path, info):
    """Write `model` as a SavedModel into the new folder `path`; return its metadata."""
    height, width, channels = info.input_shape
    archive = keras.export.ExportArchive()
    archive.track(model)

    @tf.function(input_signature=[tf.TensorSpec([None, height, width, channels], tf.uint8, name="images")])
    def serve(images):
        return model(tf.cast(images, tf.float32) / 255.0, training=False)

    @tf.function(input_signature=[tf.TensorSpec([None, height, width, channels], tf.float32, name="images")])
    def serve_float(images):
        return model(images, training=False)

    archive.add_endpoint("serve", serve)
    archive.add_endpoint("serve_float", serve_float)
    archive.write_out(str(path), verbose=False)
    return {
        "class_names": list(info.class_names),
        "input": {"shape": [None, height, width, channels], "dtype": "uint8",
                  "range": [0, 255], "scaling": "x / 255 inside the model"},
        "output": {"shape": [None, info.num_classes], "meaning": "class probabilities"},
        "signature": "serve",
        "endpoints": ["serve", "serve_float"],
    }


def export_model(model, export_dir, info, metrics=None, config=None):
    """Export `model` as the next version of `export_dir`; return the version's `Path`.

    Args:
        model: a Keras classifier mapping float images in [0, 1] to probabilities.
        export_dir: the model folder (`saved_models/NAME`); created if absent.
        info: the dataset's `DatasetInfo` (input shape, class names, source).
        metrics: test metrics to record (optional).
        config: the run's settings to record (optional).
    """
    metadata = {"task": "classify", "command": "predict", "dataset": info.name, "source": info.source,
                "metrics": metrics or {}, "config": config or {}, "versions": library_versions()}
    return write_version(Path(export_dir), lambda path: write_classifier(model, path, info), metadata)
