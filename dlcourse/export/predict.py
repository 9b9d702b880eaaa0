"""Load an exported classifier with TensorFlow alone and classify image files.

    from dlcourse import export
    predictor = export.load("saved_models/mlp_fashion_mnist")   # highest version
    for row in predictor.predict_files(["shoe.png", "digit.npy"]):
        print(row)    # {"file", "class", "label", "probability"}

Images: PNG or JPEG (opened as those formats only, whatever the content claims) or
`.npy` arrays, of the model's height and width; grey images may have no channel axis.
`.npy` arrays are uint8 0..255, or floats in [0, 1]. Nothing read is trusted: a
damaged export, inconsistent metadata, a decompression bomb or a mislabelled file is a
`DLCourseError` naming the file and the fix, never a traceback or a silent cast.
"""

import json
import warnings
from pathlib import Path

import numpy as np
import tensorflow as tf

from dlcourse.errors import DLCourseError
from dlcourse.export.versions import METADATA_FILE, resolve_version

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".npy")
MAX_IMAGE_PIXELS = 64_000_000  # Larger images are refused before they are decoded.


class Predictor:
    """A loaded classifier export (one version) and its metadata."""

    def __init__(self, model_dir, version=None):
        self.model_dir = resolve_version(model_dir, version)
        self.metadata = read_metadata(self.model_dir)
        self.class_names = self.metadata["class_names"]
        self.input_shape = tuple(self.metadata["input"]["shape"][1:])
        self._model = load_saved_model(self.model_dir, "serve")

    def predict(self, images):
        """Probabilities (batch, num_classes) for uint8 images (batch, H, W, C)."""
        images = np.asarray(images)
        if images.dtype != np.uint8 or images.shape[1:] != self.input_shape:
            raise DLCourseError(
                f"Images must be uint8 of shape (batch, {', '.join(map(str, self.input_shape))}). "
                f"Received: {images.dtype} {images.shape}"
            )
        probabilities = self._model.serve(tf.constant(images)).numpy()
        if probabilities.shape[-1] != len(self.class_names):
            raise DLCourseError(
                f"{self.model_dir / METADATA_FILE}: {len(self.class_names)} class names but the model gives "
                f"{probabilities.shape[-1]} probabilities. Export the model again."
            )
        return probabilities

    def predict_files(self, files):
        """One dict per file: `file`, `class` (index), `label` (name), `probability`."""
        images = np.stack([read_image(f, self.input_shape) for f in files])
        rows = []
        for file, p in zip(files, self.predict(images)):
            k = int(np.argmax(p))
            rows.append({"file": str(file), "class": k, "label": self.class_names[k],
                         "probability": round(float(p[k]), 6)})
        return rows


def load(model_dir, version=None):
    """A `Predictor` for the exported model in `model_dir` (highest version by default)."""
    return Predictor(model_dir, version)


def read_metadata(version_dir, required=("class_names", "input")):
    """The export's `dlcourse.json`, checked: valid JSON with the fields readers need."""
    path = Path(version_dir) / METADATA_FILE
    fix = "Export the model again."
    try:
        meta = json.loads(path.read_text())
    except FileNotFoundError:
        raise DLCourseError(f"{path}: missing. {fix}") from None
    except (ValueError, UnicodeDecodeError):
        raise DLCourseError(f"{path}: not valid JSON. {fix}") from None
    if not isinstance(meta, dict) or any(k not in meta for k in required):
        raise DLCourseError(f"{path}: incomplete, needs {', '.join(required)}. {fix}")
    if "class_names" in required:
        names = meta["class_names"]
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            raise DLCourseError(f"{path}: `class_names` must be a non-empty list of names. {fix}")
    if "input" in required:
        shape = meta["input"].get("shape") if isinstance(meta["input"], dict) else None
        if not (isinstance(shape, list) and len(shape) >= 2 and all(isinstance(d, int) and d > 0 for d in shape[1:])):
            raise DLCourseError(f"{path}: `input.shape` must be [null, positive sizes...]. {fix}")
    return meta


def load_saved_model(version_dir, endpoint):
    """`tf.saved_model.load`, with a damaged or foreign folder reported in one line."""
    try:
        model = tf.saved_model.load(str(version_dir))
    except Exception as err:  # noqa: BLE001  # TensorFlow raises many kinds for a damaged folder.
        reason = str(err).strip().splitlines()[0][:160] if str(err).strip() else type(err).__name__
        raise DLCourseError(
            f"{version_dir}: the SavedModel cannot be loaded ({reason}). Export the model again."
        ) from None
    if not hasattr(model, endpoint):
        raise DLCourseError(f"{version_dir}: the SavedModel has no `{endpoint}` endpoint. Export it again with dlcourse.")
    return model


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
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path, formats=["PNG", "JPEG"]) as img:
                if img.width * img.height > MAX_IMAGE_PIXELS:
                    raise DLCourseError(f"{path}: {img.width}x{img.height} pixels is too large to read.")
                img = img.convert("L" if channels == 1 else "RGB")
                return np.asarray(img, dtype=np.uint8)
    except DLCourseError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise DLCourseError(f"{path}: refused, a decompression bomb (far too many pixels).") from None
    except Exception:  # noqa: BLE001  # Pillow raises many kinds for a damaged file.
        raise DLCourseError(f"{path}: not a readable PNG or JPEG image.") from None


def _read_npy(path):
    try:
        array = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError):
        raise DLCourseError(f"{path}: not a valid .npy array file (pickled objects are refused).") from None
    if not isinstance(array, np.ndarray):  # An .npz archive saved under a .npy name.
        array.close()
        raise DLCourseError(f"{path}: an .npz archive, not a .npy array. Save one image with np.save.")
    if array.dtype == np.uint8:
        return array
    if np.issubdtype(array.dtype, np.integer) and array.size and array.min() >= 0 and array.max() <= 255:
        return array.astype(np.uint8)
    if (np.issubdtype(array.dtype, np.floating) and array.size and np.isfinite(array).all()
            and array.min() >= 0 and array.max() <= 1):
        return np.round(array * 255.0).astype(np.uint8)
    raise DLCourseError(
        f"{path}: {array.dtype} values must be uint8 0..255 or floats in [0, 1]. Rescale and save again."
    )
