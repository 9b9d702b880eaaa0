"""Datasets for the course: one function, `load`, returns every dataset as `tf.data`.

    from dlcourse import data
    train = data.load("fashion_mnist", "train", batch_size=64, shuffle=True, seed=0)
    info = data.info("fashion_mnist")      # class names, input shape, sizes, source
    data.list_datasets()                   # what is available on this machine

Splits: `train`, `validation` (carved deterministically from train; `validation_size`
examples, or a fraction), `test`. Where the arrays come from, and in which order sources
are tried, is documented in `dlcourse.data.sources`.
"""

import functools

import numpy as np

from dlcourse.data import sources, toy
from dlcourse.data.catalog import SPECS, DatasetInfo
from dlcourse.data.idx import read_idx, write_idx
from dlcourse.errors import DLCourseError

SPLITS = ("train", "validation", "test")
DEFAULT_VALIDATION_SIZE = 0.1
_VALIDATION_SEED = 1234  # Fixed: the validation set never depends on the training seed.

__all__ = ["load", "load_arrays", "info", "list_datasets", "DatasetInfo", "read_idx",
           "write_idx", "toy", "SPLITS", "DATASETS"]

DATASETS = tuple(SPECS)


def load(name, split="train", batch_size=64, shuffle=None, seed=0, augment=None,
         validation_size=DEFAULT_VALIDATION_SIZE, drop_remainder=False, epoch_counter=None):
    """One split of a dataset as a `tf.data.Dataset` of `(images, labels)` batches.

    Args:
        name: one of `DATASETS` (`fashion_mnist`, `mnist`, `digits`, `cifar10`).
        split: `train`, `validation` or `test`.
        batch_size: examples per batch.
        shuffle: reshuffle each epoch; default True for `train`, False otherwise.
        seed: the shuffle seed (epoch e's order depends only on seed and e).
        augment: a batch function `(images, labels) -> (images, labels)`, applied to the
            `train` split only (e.g. from `dlcourse.data.augment.make_augmenter`).
        validation_size: examples (int) or fraction (float) of train held out as validation.
        drop_remainder: drop the last incomplete batch.
        epoch_counter: see `dlcourse.data.pipeline.make_pipeline`.

    Returns:
        Batches of float32 images in [0, 1] (batch, H, W, C) and int32 labels (batch,).
    """
    from dlcourse.data.pipeline import make_pipeline  # Keeps `import dlcourse.data` light.

    images, labels = split_arrays(name, split, validation_size)
    if shuffle is None:
        shuffle = split == "train"
    return make_pipeline(images, labels, batch_size, shuffle=shuffle, seed=seed,
                         augment=augment if split == "train" else None,
                         drop_remainder=drop_remainder, epoch_counter=epoch_counter)


def split_arrays(name, split, validation_size=DEFAULT_VALIDATION_SIZE):
    """The uint8 images and int32 labels of one split, as numpy arrays."""
    if split not in SPLITS:
        raise DLCourseError(f"Unknown split {split!r}. Use one of: {', '.join(SPLITS)}.")
    arrays = load_arrays(name)
    x_train, y_train, x_test, y_test = arrays
    if split == "test":
        return x_test, y_test
    train_idx, val_idx = _validation_indices(len(x_train), validation_size)
    idx = train_idx if split == "train" else val_idx
    return x_train[idx], y_train[idx]


def _validation_indices(n, validation_size):
    size = int(round(validation_size * n)) if isinstance(validation_size, float) else int(validation_size)
    if not 0 <= size < n:
        raise DLCourseError(
            f"`validation_size` must leave training examples: got {validation_size} of {n}. "
            "Use a fraction in [0, 1) or a smaller count."
        )
    order = np.random.default_rng(_VALIDATION_SEED).permutation(n)
    return np.sort(order[size:]), np.sort(order[:size])


@functools.lru_cache(maxsize=None)
def load_arrays(name):
    """`(x_train, y_train, x_test, y_test)` of `name` from the first source that has it."""
    spec = _spec(name)
    for _, loader in sources.candidates(name):
        arrays = loader()
        if arrays is not None:
            if arrays[0].shape[1:] != spec.input_shape:
                raise DLCourseError(
                    f"{name} from {arrays.source} has images of shape {arrays[0].shape[1:]}, "
                    f"expected {spec.input_shape}. Remove or fix those files."
                )
            return arrays
    raise DLCourseError(f"Dataset {name!r} is not available on this machine. To get it: {spec.install_hint}.")


def info(name, validation_size=DEFAULT_VALIDATION_SIZE):
    """A `DatasetInfo`: class names, input shape, split sizes, and the source in use."""
    spec = _spec(name)
    arrays = load_arrays(name)
    n_train = len(arrays[0])
    train_idx, val_idx = _validation_indices(n_train, validation_size)
    return DatasetInfo(
        name=name, description=spec.description, input_shape=spec.input_shape,
        class_names=spec.class_names, source=arrays.source,
        num_examples={"train": len(train_idx), "validation": len(val_idx), "test": len(arrays[2])},
    )


def list_datasets():
    """For each dataset: `{"name", "available", "source" or "install_hint"}`."""
    rows = []
    for name, spec in SPECS.items():
        try:
            rows.append({"name": name, "available": True, "source": load_arrays(name).source,
                         "description": spec.description})
        except DLCourseError:
            rows.append({"name": name, "available": False, "install_hint": spec.install_hint,
                         "description": spec.description})
    return rows


def _spec(name):
    if name not in SPECS:
        raise DLCourseError(f"Unknown dataset {name!r}. Use one of: {', '.join(SPECS)}.")
    return SPECS[name]
