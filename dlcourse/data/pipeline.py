"""The tf.data input pipeline: in-memory arrays to shuffled, batched, prefetched batches.

    indices --shuffle(seed, epoch)--> batch --gather + scale to [0, 1]--> augment --> prefetch

The images stay in memory as one uint8 tensor (the cache: 47 MB for Fashion-MNIST) and each
batch is a single vectorised `tf.gather`, so the pipeline costs far less than a training step.

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
    if shuffle:
        if epoch_counter is None:
            epoch_counter = tf.Variable(0, dtype=tf.int64, trainable=False, name="epoch_counter")
        indices = _shuffled_indices(n, seed, epoch_counter)
    else:
        indices = tf.data.Dataset.range(n)
    num_batches = n // batch_size if drop_remainder else -(-n // batch_size)

    def gather(idx):
        batch = tf.cast(tf.gather(images, idx), tf.float32) / 255.0
        return batch, tf.gather(labels, idx)

    ds = indices.batch(batch_size, drop_remainder=drop_remainder)
    ds = ds.apply(tf.data.experimental.assert_cardinality(num_batches))
    ds = ds.map(gather, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    if augment is not None:
        ds = ds.map(augment, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    ds = ds.prefetch(tf.data.AUTOTUNE)
    ds.epoch_counter = epoch_counter
    return ds


def _shuffled_indices(n, seed, epoch_counter):
    """Indices 0..n-1 in the order of the epoch the counter points at; advances it."""

    def one_epoch(_):
        # assign_add returns the new value: the epoch being started is one less.
        epoch = epoch_counter.assign_add(1) - 1
        order = tf.random.experimental.stateless_shuffle(
            tf.range(n, dtype=tf.int64), seed=tf.stack([tf.constant(seed, tf.int64), epoch])
        )
        return tf.data.Dataset.from_tensor_slices(order)

    return tf.data.Dataset.from_tensors(0).flat_map(one_epoch)
