"""The tf.data input pipeline: in-memory arrays to shuffled, batched, prefetched batches.

    order(seed, epoch) --gather + scale to [0, 1]--> batches (row slices) --> augment --> prefetch

The images stay in memory as one uint8 tensor (the cache: 47 MB for Fashion-MNIST). Each
epoch starts with one vectorised gather in its shuffled order and one scaling to float32;
batches are then row slices of that tensor, so no Python and almost no per-batch work
stands between the data and the training step (benchmarks/spine.py measures it).

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
    if batch_size < 1:
        raise DLCourseError(f"`batch_size` must be at least 1. Received: batch_size={batch_size}")
    if len(images) != len(labels):
        raise DLCourseError(f"images and labels differ in length: {len(images)} vs {len(labels)}.")
    n = len(images)
    images = tf.convert_to_tensor(images, dtype=tf.uint8)
    labels = tf.convert_to_tensor(labels, dtype=tf.int32)
    if shuffle and epoch_counter is None:
        epoch_counter = tf.Variable(0, dtype=tf.int64, trainable=False, name="epoch_counter")
    full = n // batch_size * batch_size

    def one_epoch(_):
        if shuffle:
            # assign_add returns the new value: the epoch being started is one less.
            epoch = epoch_counter.assign_add(1) - 1
            seed_pair = tf.stack([tf.constant(seed, tf.int64), epoch])
            order = tf.random.experimental.stateless_shuffle(tf.range(n, dtype=tf.int64), seed=seed_pair)
            # One vectorised gather and scaling per epoch; each batch is then a row slice.
            x, y = tf.gather(images, order), tf.gather(labels, order)
        else:
            x, y = images, labels  # In order: nothing to gather.
        x = tf.cast(x, tf.float32) / 255.0
        batches = tf.data.Dataset.from_tensor_slices((
            tf.reshape(x[:full], [-1, batch_size, *images.shape[1:]]),  # (batches, batch, H, W, C)
            tf.reshape(y[:full], [-1, batch_size]),
        ))
        if full < n and not drop_remainder:
            batches = batches.concatenate(tf.data.Dataset.from_tensors((x[full:], y[full:])))
        return batches

    num_batches = n // batch_size if drop_remainder else -(-n // batch_size)
    ds = tf.data.Dataset.from_tensors(0).flat_map(one_epoch)
    ds = ds.apply(tf.data.experimental.assert_cardinality(num_batches))
    if augment is not None:
        ds = ds.map(augment, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    ds = ds.prefetch(tf.data.AUTOTUNE)
    ds.epoch_counter = epoch_counter
    return ds

