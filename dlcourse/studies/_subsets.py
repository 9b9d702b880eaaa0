"""Splits as float arrays, and nested random subsets of the training split.

Studies about the amount of data (capacity, scaling laws, a learning-rate trial on a
small subset) train on part of the training split with `model.fit`; the runner always
trains whole splits.
"""

import numpy as np

from dlcourse.errors import DLCourseError


def split_arrays(dataset, splits=("train", "validation", "test")):
    """{split: (images float32 in [0, 1], labels int32)} of an image dataset."""
    from dlcourse import data

    out = {}
    for split in splits:
        x, y = data.split_arrays(dataset, split)
        out[split] = (x.astype("float32") / 255.0, y.astype("int32"))
    return out


def subset(x, y, n, seed):
    """The first `n` examples of one seeded permutation: smaller subsets sit inside larger ones."""
    if not 1 <= int(n) <= len(y):
        raise DLCourseError(f"The subset size must be in [1, {len(y)}]. Received: {n}")
    order = np.random.default_rng(seed).permutation(len(y))[: int(n)]
    return x[order], y[order]


def passes(x, y, batch_size, epochs, seed):
    """`epochs` passes over (x, y), each in a new seeded order, as one `tf.data` stream of
    batches: `fit` then pays its per-epoch cost (about 80 ms of CPU here) once, not per pass."""
    import tensorflow as tf

    dataset = tf.data.Dataset.from_tensor_slices((x, y))
    dataset = dataset.shuffle(len(y), seed=seed, reshuffle_each_iteration=True).repeat(int(epochs))
    return dataset.batch(int(batch_size)).prefetch(tf.data.AUTOTUNE)
