"""The one road for data: a name, its spec, the first source present, checked arrays.

    name --SPECS--> DatasetSpec --first present source--> checked arrays --split--> tf.data

Every kind of dataset takes this road: `resolve` finds the source (images, series and
text alike), the kind's functions split and batch (`load` here for images, `series.py`
and `text.py` for the others). Splits are `train`, `validation` (carved deterministically
from train: `validation_size` examples, or a fraction) and `test`. A source that is
present but unusable is reported, never silently replaced by the next one.
"""

import functools

import numpy as np

from dlcourse.data.catalog import SPECS, DatasetInfo
from dlcourse.errors import DLCourseError

SPLITS = ("train", "validation", "test")
DEFAULT_VALIDATION_SIZE = 0.1
_VALIDATION_SEED = 1234  # Fixed: the validation set never depends on the training seed.
_READERS = {"images": "data.load", "series": "data.series_windows",
            "text": "data.char_lm_windows or data.text_classification"}


def _get_spec(name, kind=None):
    """The `DatasetSpec` of `name`; a one-line error for an unknown name or the wrong kind."""
    if name not in SPECS:
        raise DLCourseError(f"Unknown dataset {name!r}. Use one of: {', '.join(SPECS)}.")
    spec = SPECS[name]
    if kind is not None and spec.kind != kind:
        raise DLCourseError(f"{name!r} holds {spec.kind}, not {kind}. Read it with {_READERS[spec.kind]}.")
    return spec


def _resolve(name, kind=None):
    """`(spec, source)`: the first of the spec's sources that is present on this machine."""
    spec = _get_spec(name, kind)
    for source in spec.sources:
        if source.present(spec):
            return spec, source
    raise DLCourseError(f"Dataset {name!r} is not available on this machine. To get it: {spec.install_hint}.")


def load(name, split="train", batch_size=64, shuffle=None, seed=0, augment=None,
         validation_size=DEFAULT_VALIDATION_SIZE, drop_remainder=False, epoch_counter=None):
    """One split of an image dataset as a `tf.data.Dataset` of `(images, labels)` batches.

    Args:
        name: an image dataset (`fashion_mnist`, `mnist`, `digits`, `cifar10`).
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

    Example:

        train = data.load("digits", "train", batch_size=32, seed=0)
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
    _check_split(split)
    x_train, y_train, x_test, y_test = load_arrays(name)
    if split == "test":
        return x_test, y_test
    train_idx, val_idx = _validation_indices(len(x_train), validation_size)
    idx = train_idx if split == "train" else val_idx
    return x_train[idx], y_train[idx]


def _check_split(split):
    if split not in SPLITS:
        raise DLCourseError(f"Unknown split {split!r}. Use one of: {', '.join(SPLITS)}.")


def _validation_indices(n, validation_size):
    """Sorted `(train_indices, validation_indices)` of `n` training examples, fixed seed."""
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
    """`(x_train, y_train, x_test, y_test)` of image dataset `name`, with `.source`."""
    spec, source = _resolve(name, "images")
    return source.load(spec)


def info(name, validation_size=DEFAULT_VALIDATION_SIZE):
    """A `DatasetInfo`: classes, input shape, split sizes and the source in use (any kind)."""
    spec = _get_spec(name)
    if spec.kind == "series":
        from dlcourse.data.series import series_info

        return series_info(name, validation_size)
    if spec.kind == "text":
        from dlcourse.data.text import text_info

        return text_info(name, validation_size)
    arrays = load_arrays(name)
    train_idx, val_idx = _validation_indices(len(arrays[0]), validation_size)
    return DatasetInfo(
        name=name, description=spec.description, input_shape=spec.input_shape,
        class_names=spec.class_names, source=arrays.source,
        num_examples={"train": len(train_idx), "validation": len(val_idx), "test": len(arrays[2])},
    )


def list_datasets():
    """For each dataset: `{"name", "kind", "available", "source" or "install_hint", "description"}`.

    Looks only at files and installed packages (no TensorFlow, no dataset read), so it
    answers at once; a file found here can still be refused when loaded.
    """
    rows = []
    for name, spec in SPECS.items():
        row = {"name": name, "kind": spec.kind, "description": spec.description, "available": False,
               "install_hint": spec.install_hint}
        try:
            found = next((s for s in spec.sources if getattr(s, "on_disk", s.present)(spec)), None)
        except DLCourseError as err:
            row["install_hint"] = str(err)
            found = None
        if found is not None:
            del row["install_hint"]
            row.update(available=True, source=found.describe(spec))
        rows.append(row)
    return rows


def clear_cache():
    """Forget loaded datasets (after installing one, or changing `DLCOURSE_DATA_DIR`)."""
    from dlcourse.data import series, text

    load_arrays.cache_clear()
    series.load_series.cache_clear()
    text.text_splits.cache_clear()
