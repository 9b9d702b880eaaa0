"""The collective pieces of `multi_worker.train_multi_worker`: sharding, the step, the broadcast.

    shard_rows(dataset, context, global_batch)   this worker's rows of every global batch
    make_train_step(strategy, model, global_batch)  n synchronous steps on every replica
    broadcast_from_chief(strategy, variables)   every worker takes replica 0's values
"""

import keras
import tensorflow as tf

def shard_rows(dataset, context, global_batch):
    """This worker's rows of every global batch, as one per-replica batch per local replica.

    Global batch rows [start, start + local) go to this worker, `local = B / W`; its
    replicas take consecutive per-replica batches, so replica r of the cluster always
    holds rows [r * B/R, (r + 1) * B/R) of the global batch.
    """
    per_replica = context.get_per_replica_batch_size(global_batch)
    local_replicas = context.num_replicas_in_sync // context.num_input_pipelines
    local = per_replica * local_replicas
    start = context.input_pipeline_id * local

    def rows(x, y):
        x = tf.reshape(x[start:start + local], [local_replicas, per_replica, *x.shape[1:]])
        return x, tf.reshape(y[start:start + local], [local_replicas, per_replica, *y.shape[1:]])

    return dataset.map(rows).unbatch()


def make_train_step(strategy, model, global_batch):
    """`steps(iterator, n)`: n synchronous steps on every replica; returns the sum of
    their global mean losses and the number of correct predictions."""
    loss_fn, optimizer = keras.losses.get(model.loss), model.optimizer

    def replica_step(x, y):
        with tf.GradientTape() as tape:
            probabilities = model(x, training=True)
            per_example = loss_fn(y, probabilities)
            loss = tf.nn.compute_average_loss(per_example, global_batch_size=global_batch)
            if model.losses:
                loss += tf.nn.scale_regularization_loss(tf.add_n(model.losses))
            scaled = optimizer.scale_loss(loss)  # Identity unless a LossScaleOptimizer (float16).
        grads = tape.gradient(scaled, model.trainable_variables)
        optimizer.apply(grads, model.trainable_variables)
        labels = tf.argmax(y, axis=-1) if y.shape.rank == 2 else y  # One-hot after mixup/cutmix.
        hits = tf.reduce_sum(tf.cast(tf.equal(tf.argmax(probabilities, -1), tf.cast(labels, tf.int64)), tf.float32))
        return loss, hits

    @tf.function
    def steps(iterator, n):
        # `n` steps per call, like `fit`'s steps_per_execution: one Python dispatch for many steps.
        total, correct = tf.constant(0.0), tf.constant(0.0)
        for _ in tf.range(n):
            loss, hits = strategy.run(replica_step, args=next(iterator))
            total += strategy.reduce(tf.distribute.ReduceOp.SUM, loss, axis=None)
            correct += strategy.reduce(tf.distribute.ReduceOp.SUM, hits, axis=None)
        return total, correct

    return steps


def broadcast_from_chief(strategy, variables):
    """Give every worker the chief's values (replica 0's) of `variables`, by one all-reduce."""
    @tf.function
    def gather():
        def replica_fn():
            context = tf.distribute.get_replica_context()
            keep = tf.cast(tf.equal(context.replica_id_in_sync_group, 0), tf.float64)
            return context.all_reduce(tf.distribute.ReduceOp.SUM, [tf.cast(v, tf.float64) * keep for v in variables])
        return strategy.run(replica_fn)

    values = strategy.experimental_local_results(gather())[0]
    for variable, value in zip(variables, values):
        # float64 holds every float32 weight and every integer counter below 2**53 exactly.
        variable.assign(tf.cast(value, variable.dtype))


def peer_reason(err):
    """The line of TensorFlow's long collective error that names the worker, if any."""
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    for i, line in enumerate(lines[:-1]):
        if "unhealthy" in line:  # "The following tasks are unhealthy (stopped sending heartbeats):"
            return f"{lines[i + 1]} stopped sending heartbeats"
    return f"{type(err).__name__}: {lines[-1][:200] if lines else ''}"


def num_workers(strategy):
    resolver = getattr(strategy, "cluster_resolver", None)
    spec = resolver.cluster_spec() if resolver is not None else None
    return len(spec.as_dict().get("worker", [])) if spec and spec.as_dict() else 1
