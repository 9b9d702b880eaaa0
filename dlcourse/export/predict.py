"""Load an exported model with TensorFlow alone and classify image files.

    from dlcourse import export
    predictor = export.load("saved_models/mlp_fashion_mnist")
    for row in predictor.predict_files(["shoe.png", "digit.npy"]):
        print(row)    # {"file", "class", "label", "probability"}

Images: PNG or JPEG (read with Pillow) or `.npy` arrays, of the model's height and width;
grey images may have no channel axis. `.npy` arrays are uint8 0..255, or floats in [0, 1].
Anything else is a `DLCourseError` naming the file and the fix, never a silent cast.
"""

import json
from pathlib import Path

import numpy as np
import tensorflow as tf

from dlcourse.errors import DLCourseError

METADATA_FILE = "dlcourse.json"
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".npy")


class Predictor:
    """A loaded SavedModel and its metadata."""

    def __init__(self, model_dir):
        model_dir = Path(model_dir)
        meta_path = model_dir / METADATA_FILE
        if not (model_dir / "saved_model.pb").is_file() or not meta_path.is_file():
            raise DLCourseError(
                f"No exported model in {model_dir}: expected saved_model.pb and {METADATA_FILE}. "
                "Export one with `dlcourse train mlp --export-dir DIR`."
            )
        self.model_dir = model_dir
        self.metadata = json.loads(meta_path.read_text())
        self.class_names = self.metadata["class_names"]
        self.input_shape = tuple(self.metadata["input"]["shape"][1:])
        self._model = tf.saved_model.load(str(model_dir))

    def predict(self, images):
        """Probabilities (batch, num_classes) for uint8 images (batch, H, W, C)."""
        images = np.asarray(images)
        if images.dtype != np.uint8 or images.shape[1:] != self.input_shape:
            raise DLCourseError(
                f"Images must be uint8 of shape (batch, {', '.join(map(str, self.input_shape))}). "
                f"Received: {images.dtype} {images.shape}"
            )
        return self._model.serve(tf.constant(images)).numpy()

    def predict_files(self, files):
        """One dict per file: `file`, `class` (index), `label` (name), `probability`."""
        images = np.stack([read_image(f, self.input_shape) for f in files])
        rows = []
        for file, p in zip(files, self.predict(images)):
            k = int(np.argmax(p))
            rows.append({"file": str(file), "class": k, "label": self.class_names[k],
                         "probability": round(float(p[k]), 6)})
        return rows


def load(model_dir):
    """A `Predictor` for the exported model in `model_dir`."""
    return Predictor(model_dir)


def read_image(path, input_shape):
    """Read a PNG, JPEG or `.npy` image as uint8 of exactly `input_shape` (H, W, C)."""
    path = Path(path)
    if not path.is_file():
        raise DLCourseError(f"{path}: no such file.")
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        raise DLCourseError(f"{path}: not an image file. Use one of: {', '.join(IMAGE_SUFFIXES)}.")
    array = _read_npy(path) if path.suffix.lower() == ".npy" else _read_picture(path, input_shape[-1])
    if array.ndim == 2:
        array = array[..., np.newaxis]
    if array.shape != tuple(input_shape):
        raise DLCourseError(
            f"{path}: image is {'x'.join(map(str, array.shape))}, the model takes "
            f"{'x'.join(map(str, input_shape))} (height x width x channels). Resize it first."
        )
    return array


def _read_picture(path, channels):
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            img = img.convert("L" if channels == 1 else "RGB")
            return np.asarray(img, dtype=np.uint8)
    except (UnidentifiedImageError, OSError):
        raise DLCourseError(f"{path}: not a readable PNG or JPEG image.") from None


def _read_npy(path):
    try:
        array = np.load(path, allow_pickle=False)
    except (ValueError, OSError):
        raise DLCourseError(f"{path}: not a valid .npy array file.") from None
    if array.dtype == np.uint8:
        return array
    if np.issubdtype(array.dtype, np.integer) and array.size and array.min() >= 0 and array.max() <= 255:
        return array.astype(np.uint8)
    if np.issubdtype(array.dtype, np.floating) and array.size and array.min() >= 0 and array.max() <= 1:
        return np.round(array * 255.0).astype(np.uint8)
    raise DLCourseError(
        f"{path}: {array.dtype} values must be uint8 0..255 or floats in [0, 1]. Rescale and save again."
    )
