"""The tf.data input pipeline: in-memory arrays to shuffled, batched, prefetched batches.

    order(seed, epoch) --gather + prepare (uint8 -> [0, 1])--> batches (row slices) --> augment --> prefetch

The arrays stay in memory as tensors (the cache: 47 MB of uint8 for Fashion-MNIST). Each
epoch starts with one vectorised gather in its shuffled order and one preparation (for
images, scaling to float32); batches are then row slices, so no Python and almost no
per-batch work stands between the data and the training step (benchmarks/spine.py
measures it). Images, series windows, text windows and seq2seq pairs all use it.

Shuffling is stateless: epoch `e`'s order is a pure function of `(seed, e)`. The epoch
counter is a `tf.Variable` that advances each time the dataset is iterated (reshuffled
each epoch) and that the training runner sets at the start of every epoch, so a run
resumed after a kill sees exactly the batches an uninterrupted run would have seen.
"""

import tensorflow as tf

from dlcourse.errors import DLCourseError


def make_pipeline(images, labels, batch_size, shuffle=False, seed=0, augment=None,
                  drop_remainder=False, epoch_counter=None):
    """Batches of `(images, labels)`: float32 images in [0, 1], int32 labels.

    Args:
        images: uint8 array (N, H, W, C).
        labels: int array (N,).
        batch_size: examples per batch.
        shuffle: reshuffle every epoch (the order of epoch `e` depends on `seed` and `e` only).
        seed: the shuffle seed.
        augment: optional function `(images, labels) -> (images, labels)` on batches.
        drop_remainder: drop the last incomplete batch (useful under a distribution strategy).
        epoch_counter: an int64 `tf.Variable` holding the next epoch's index; one is
            created if not given and is available as `dataset.epoch_counter`.

    Returns:
        A `tf.data.Dataset` with a known number of batches.
    """
    if len(images) != len(labels):
        raise DLCourseError(f"images and labels differ in length: {len(images)} vs {len(labels)}.")
    arrays = (tf.convert_to_tensor(images, dtype=tf.uint8), tf.convert_to_tensor(labels, dtype=tf.int32))
    return make_batches(arrays, batch_size, shuffle=shuffle, seed=seed, drop_remainder=drop_remainder,
                        epoch_counter=epoch_counter, prepare=_scale_images, augment=augment)


def _scale_images(images, labels):
    return tf.cast(images, tf.float32) / 255.0, labels


def make_batches(arrays, batch_size, shuffle=False, seed=0, drop_remainder=False, epoch_counter=None,
                 prepare=None, augment=None):
    """Batches of a tuple (or nested tuple) of equally long arrays, shuffled statelessly.

    Args:
        arrays: a structure of arrays or tensors with the same first dimension N.
        batch_size, shuffle, seed, drop_remainder, epoch_counter, augment: as in `make_pipeline`.
        prepare: optional function applied once per epoch to the whole (gathered) structure.

    Returns:
        A `tf.data.Dataset` of batches with a known cardinality and an `epoch_counter`.
    """
    if batch_size < 1:
        raise DLCourseError(f"`batch_size` must be at least 1. Received: batch_size={batch_size}")
    arrays = tf.nest.map_structure(tf.convert_to_tensor, arrays)
    n = int(tf.nest.flatten(arrays)[0].shape[0])
    if any(int(a.shape[0]) != n for a in tf.nest.flatten(arrays)):
        raise DLCourseError(f"arrays differ in length: {[int(a.shape[0]) for a in tf.nest.flatten(arrays)]}.")
    if n == 0:
        raise DLCourseError("no examples to batch. Use a larger dataset or a smaller validation/test share.")
    if shuffle and epoch_counter is None:
        epoch_counter = tf.Variable(0, dtype=tf.int64, trainable=False, name="epoch_counter")
    full = n // batch_size * batch_size

    def one_epoch(_):
        parts = arrays
        if shuffle:
            # assign_add returns the new value: the epoch being started is one less.
            epoch = epoch_counter.assign_add(1) - 1
            seed_pair = tf.stack([tf.constant(seed, tf.int64), epoch])
            order = tf.random.experimental.stateless_shuffle(tf.range(n, dtype=tf.int64), seed=seed_pair)
            # One vectorised gather per epoch; each batch is then a row slice.
            parts = tf.nest.map_structure(lambda a: tf.gather(a, order), parts)
        if prepare is not None:
            parts = prepare(*parts) if isinstance(parts, tuple) else prepare(parts)
        batches = tf.data.Dataset.from_tensor_slices(tf.nest.map_structure(
            lambda a: tf.reshape(a[:full], [-1, batch_size, *a.shape[1:]]), parts))  # (batches, batch, ...)
        if full < n and not drop_remainder:
            batches = batches.concatenate(tf.data.Dataset.from_tensors(
                tf.nest.map_structure(lambda a: a[full:], parts)))
        return batches

    num_batches = n // batch_size if drop_remainder else -(-n // batch_size)
    if num_batches == 0:
        raise DLCourseError(f"{n} examples make no full batch of {batch_size}. Use a smaller batch_size.")
    ds = tf.data.Dataset.from_tensors(0).flat_map(one_epoch)
    ds = ds.apply(tf.data.experimental.assert_cardinality(num_batches))
    if augment is not None:
        ds = ds.map(augment, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    ds = ds.prefetch(tf.data.AUTOTUNE)
    ds.epoch_counter = epoch_counter
    return ds
