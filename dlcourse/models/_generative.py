"""Helpers shared by the generative `train_step` models (GANs, VAE, diffusion).

Two facts every one of them relies on:

- Under a `tf.distribute` strategy each replica sees its share of the batch and the
  optimiser SUMS the replicas' gradients. A per-replica loss must therefore be divided
  by the replica count for the sum to be the global mean: Keras's loss reductions do it
  (`sum_over_batch_size`), a hand-written `ops.mean` does not, so `replica_mean` does.
- Replicas share one `SeedGenerator` state, so a draw inside a replica gives every
  replica the same numbers (duplicated fakes). `replica_slice` draws for the global
  batch and keeps this replica's rows: the same numbers as on one device.
- A tracker fed that divided loss would report loss / replicas: `track` multiplies
  back, and weights each batch by its size as the default `train_step` does.
"""

import keras
import tensorflow as tf
from keras import ops


def num_replicas():
    """Replicas of the strategy in scope (1 without one)."""
    return tf.distribute.get_strategy().num_replicas_in_sync


def replica_mean(values):
    """mean(values) / replicas: summed over the replicas, the mean over the global batch."""
    values = ops.convert_to_tensor(values)
    return ops.mean(values) / ops.cast(num_replicas(), values.dtype)


def replica_slice(draw, batch_size):
    """`draw(n)` returns n rows of random numbers; this replica's `batch_size` rows of
    one draw for the whole global batch (all rows on one device)."""
    replicas = num_replicas()
    if replicas == 1:
        return draw(batch_size)
    replica_id = tf.distribute.get_replica_context().replica_id_in_sync_group
    rows = draw(batch_size * replicas)
    return rows[replica_id * batch_size:(replica_id + 1) * batch_size]


def real_images(data):
    """The images of a batch that is `images`, `(images, labels)` or `(images, labels, w)`."""
    x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
    return x, y


def track(model, batch_size, **losses):
    """Update the trackers named in `losses` with the per-replica value, weighted by
    the batch size; return every metric's result (the logs of `fit`)."""
    replicas = num_replicas()
    trackers = {m.name: m for m in model.metrics}
    for name, value in losses.items():
        value = ops.cast(value, "float32")
        trackers[name].update_state(value * replicas, sample_weight=ops.cast(batch_size, "float32"))
    return {m.name: m.result() for m in model.metrics}


def loss_scaled_for(model, optimizer):
    """`optimizer`, wrapped in a `LossScaleOptimizer` if `model` computes in float16
    (what `Model.compile` does for its single optimizer)."""
    if optimizer is None:
        return None
    if model.dtype_policy.name == "mixed_float16" and not isinstance(
            optimizer, keras.optimizers.LossScaleOptimizer):
        return keras.optimizers.LossScaleOptimizer(optimizer)
    return optimizer


def apply_gradients(optimizer, tape, scaled_loss, variables):
    """One optimiser step on `variables` from `tape`'s `scaled_loss`, the value of
    `optimizer.scale_loss(loss)` computed INSIDE the tape (outside, the scaling would not
    be recorded); a `LossScaleOptimizer` divides the scale back out in `apply`."""
    gradients = tape.gradient(scaled_loss, variables)
    optimizer.apply(gradients, variables)
