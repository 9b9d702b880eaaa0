"""Export a trained classifier as a SavedModel that takes raw images.

The exported `serve` signature (also `serving_default`) takes what a camera or a PNG
gives, uint8 images of the dataset's shape, and returns class probabilities; the scaling
to [0, 1] that training used travels inside the model:

    serve(images: uint8 (batch, H, W, C)) -> probabilities: float32 (batch, num_classes)

Beside it, `dlcourse.json` records the class names, the input spec, the test metrics and
the versions. The folder is written under a temp name and renamed into place, so a crash
never leaves a half-written model.
"""

import tempfile
from pathlib import Path

import keras
import tensorflow as tf

from dlcourse._io import replace_dir_atomic, write_json_atomic

METADATA_FILE = "dlcourse.json"


def export_model(model, export_dir, info, metrics=None, config=None):
    """Write `model` as a SavedModel with a uint8 `serve` signature, plus metadata.

    Args:
        model: a Keras classifier mapping float images in [0, 1] to probabilities.
        export_dir: the folder to create (replaced atomically if it exists).
        info: the dataset's `DatasetInfo` (input shape, class names, source).
        metrics: test metrics to record (optional).
        config: the run's settings to record (optional).

    Returns:
        The export folder as a `Path`.
    """
    export_dir = Path(export_dir)
    export_dir.parent.mkdir(parents=True, exist_ok=True)
    height, width, channels = info.input_shape

    archive = keras.export.ExportArchive()
    archive.track(model)

    @tf.function(input_signature=[tf.TensorSpec([None, height, width, channels], tf.uint8, name="images")])
    def serve(images):
        return model(tf.cast(images, tf.float32) / 255.0, training=False)

    archive.add_endpoint("serve", serve)
    tmp = Path(tempfile.mkdtemp(dir=export_dir.parent, prefix=f".{export_dir.name}.tmp-"))
    archive.write_out(str(tmp), verbose=False)
    write_json_atomic(tmp / METADATA_FILE, {
        "name": export_dir.name,
        "dataset": info.name,
        "source": info.source,
        "class_names": list(info.class_names),
        "input": {"shape": [None, height, width, channels], "dtype": "uint8",
                  "range": [0, 255], "scaling": "x / 255 inside the model"},
        "output": {"shape": [None, info.num_classes], "meaning": "class probabilities"},
        "signature": "serve",
        "metrics": metrics or {},
        "config": config or {},
    })
    return replace_dir_atomic(tmp, export_dir)
