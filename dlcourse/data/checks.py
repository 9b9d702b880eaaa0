"""Bad data refused at the door: every array a source returns is checked here first.

A file that cannot be used is a `DLCourseError` with one line naming the file, what is
wrong and the fix; nothing is silently cast, cut or padded:

    images      integers in [0, 255] (uint8 after the check), (N, H, W) or (N, H, W, C)
                of the dataset's shape; float, negative, > 255 or NaN images are refused
                (casting 0.5 to uint8 gives 0: a run that trains on black images)
    labels      integers in [0, num_classes), shape (N,) or (N, 1), one per image
    series      a 1-D run of finite numbers
    .npz        read with `allow_pickle=False`: object arrays and pickles are refused
                (loading a pickle runs code), and so are missing keys and damaged zips
    pickles     read only from the Keras cache by `restricted_unpickle`, which rebuilds
                dicts, lists and numpy arrays and refuses any other class

Example:

    x = checks.images(x, "train.npz: x_train", (28, 28, 1))
"""

import io
import pickle
import zipfile
import zlib

import numpy as np

from dlcourse.errors import DLCourseError

_REDOWNLOAD = "Re-download or re-create the file, or remove it to use another source."
# Just what numpy arrays are rebuilt from (numpy 1 and 2 module names).
_PICKLE_CLASSES = {
    ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
    ("numpy", "ndarray"), ("numpy", "dtype"),
}


def images(x, where, input_shape):
    """`x` as uint8 (N, *input_shape), or a `DLCourseError` saying what is wrong with it."""
    x = np.asarray(x)
    if x.dtype == object or not (np.issubdtype(x.dtype, np.integer) or np.issubdtype(x.dtype, np.floating)):
        raise DLCourseError(f"{where}: images have dtype {x.dtype}, expected uint8 pixels 0-255. {_REDOWNLOAD}")
    if np.issubdtype(x.dtype, np.floating):
        values = "with NaN values" if np.isnan(x).any() else f"in [{x.min():.3g}, {x.max():.3g}]" if x.size else ""
        raise DLCourseError(
            f"{where}: images are {x.dtype} {values}, expected uint8 pixels 0-255 (never cast silently). "
            "Store them as uint8, e.g. np.round(x * 255).astype('uint8') for values in [0, 1]."
        )
    shape = x.shape[1:]
    if x.ndim == len(input_shape) and input_shape[-1] == 1:
        x = x[..., np.newaxis]  # (N, H, W) grey images: one channel.
    if x.ndim < 3 or x.shape[1:] != tuple(input_shape):
        raise DLCourseError(f"{where}: images have shape {shape}, expected {tuple(input_shape)}. {_REDOWNLOAD}")
    if x.size and (x.min() < 0 or x.max() > 255):
        raise DLCourseError(
            f"{where}: pixel values span [{x.min()}, {x.max()}], expected 0-255. {_REDOWNLOAD}"
        )
    return x.astype(np.uint8, copy=False)


def labels(y, where, num_classes, count):
    """`y` as int32 (N,) with `N == count`, every value a class index."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]  # Keras's own CIFAR layout: one label per row.
    if y.ndim != 1:
        raise DLCourseError(
            f"{where}: labels have shape {y.shape}, expected one label per image ({count},). {_REDOWNLOAD}")
    if not np.issubdtype(y.dtype, np.integer):
        raise DLCourseError(f"{where}: labels have dtype {y.dtype}, expected integer class indices. {_REDOWNLOAD}")
    if len(y) != count:
        raise DLCourseError(f"{where}: {len(y)} labels for {count} images; the counts must match. {_REDOWNLOAD}")
    if len(y) and (y.min() < 0 or y.max() >= num_classes):
        raise DLCourseError(
            f"{where}: labels span [{y.min()}, {y.max()}], expected class indices in [0, {num_classes}). {_REDOWNLOAD}"
        )
    return y.astype(np.int32, copy=False)


def series(values, where):
    """A finite float32 1-D series with at least 3 values."""
    values = np.asarray(values)
    if values.ndim == 2 and 1 in values.shape:
        values = values.reshape(-1)
    if values.ndim != 1 or not np.issubdtype(values.dtype, np.number) or values.dtype == object:
        raise DLCourseError(
            f"{where}: expected a 1-D run of numbers, got {values.dtype} of shape {values.shape}. {_REDOWNLOAD}")
    if len(values) < 3:
        raise DLCourseError(f"{where}: only {len(values)} values; a series needs at least 3. {_REDOWNLOAD}")
    bad = np.flatnonzero(~np.isfinite(values))
    if len(bad):
        raise DLCourseError(
            f"{where}: {len(bad)} of {len(values)} values are NaN or infinite (first at index {bad[0]}). "
            "Fill or drop them."
        )
    return values.astype(np.float32)


def load_npz(path, keys):
    """The arrays `keys` of the `.npz` file `path`, read without pickles."""
    _check_npz_magic(path)
    try:
        with np.load(path, allow_pickle=False) as f:
            missing = [k for k in keys if k not in f.files]
            if missing:
                raise DLCourseError(
                    f"{path} lacks {', '.join(missing)} (has: {', '.join(f.files) or 'nothing'}). "
                    f"Save it with np.savez(path, {', '.join(k + '=...' for k in keys)})."
                )
            return [f[k] for k in keys]
    except DLCourseError:
        raise
    except ValueError as err:
        if "allow_pickle" in str(err):  # numpy's refusal of object arrays.
            raise DLCourseError(f"{path} holds Python objects ({_first_line(err)}); refused because loading "
                                "them could run code. Save plain numeric arrays with np.savez.") from None
        raise DLCourseError(f"{path} is not a readable .npz file ({_first_line(err)}). {_REDOWNLOAD}") from None
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error, KeyError) as err:
        raise DLCourseError(f"{path} is not a readable .npz file ({_first_line(err)}). {_REDOWNLOAD}") from None


def _check_npz_magic(path):
    with open(path, "rb") as f:
        head = f.read(6)
    if head.startswith(b"PK"):
        return
    if head.startswith(b"\x93NUMPY"):
        raise DLCourseError(f"{path} is a single .npy array, expected an .npz archive with x_train, y_train, "
                            "x_test, y_test. Save it with np.savez.")
    if head.startswith(b"\x80"):
        raise DLCourseError(f"{path} is a pickle, refused because loading it could run code. "
                            "Save plain numeric arrays with np.savez.")
    raise DLCourseError(f"{path} is not an .npz file (it starts with {head!r}). {_REDOWNLOAD}")


class _RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) not in _PICKLE_CLASSES:
            raise pickle.UnpicklingError(f"refused class {module}.{name}")
        return super().find_class(module, name)


def restricted_unpickle(path):
    """Unpickle `path` allowing only plain containers and numpy arrays (no code runs)."""
    try:
        return _RestrictedUnpickler(io.BytesIO(path.read_bytes()), encoding="bytes").load()
    except Exception as err:  # noqa: BLE001  # Unpickling garbage raises many kinds.
        raise DLCourseError(f"{path} is not a plain CIFAR batch ({_first_line(err)}). {_REDOWNLOAD}") from None


def _first_line(err):
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__
