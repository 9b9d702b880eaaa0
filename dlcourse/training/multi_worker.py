"""Data-parallel training on several machines: `MultiWorkerMirroredStrategy` and `TF_CONFIG`.

    dlcourse train mlp --multi-worker        # the same command on every worker
    result = train_multi_worker(make_config("mlp", "fashion_mnist"))

Keras 3's `fit` does not run under `MultiWorkerMirroredStrategy` (keras-team/keras#20585),
so this is the supported path: the recipe's model and optimizer, built and compiled by
its task as `training.train` does, stepped by a custom loop. With W workers and global
batch B (`config.batch_size`), for each epoch e from the last checkpoint:

    order = shuffle(seed, e)                         # the same on every worker
    for each global batch b of B rows:
        rows_w = b[w * B/W : (w + 1) * B/W]          # worker w's shard of the batch
        loss_w = sum(cross_entropy(rows_w)) / B + sum(model.losses) / W
        grads = sum over workers of d loss_w / d weights     # all-reduce in the optimizer
        weights = optimizer step(weights, grads)             # identical on every worker
    checkpoint(model, optimizer, epoch)               # every worker saves, the chief keeps it

so each step is the one-device step on the same global batch: the weights equal those of
`training.train` on one device (0.0 apart with one worker, within 1e-5 with two, digits,
3 epochs). Steps run `config.steps_per_execution` at a time inside one `tf.function`, as
`fit` runs them. Caveat: Keras clips (`clipnorm`) each worker's share of the gradient
before the sum, as under any strategy.

TF_CONFIG on worker 0 of two (worker 1 says "index": 1):

    {"cluster": {"worker": ["host1:12345", "host2:12345"]}, "task": {"type": "worker", "index": 0}}

Worker 0, the chief, writes `config.run_dir` (config, history, metrics, curves,
`checkpoint/`) and the export; the others write nothing there, so the run dir need not
be shared. A restarted cluster resumes from the chief's checkpoint: the chief restores
it and broadcasts every variable to the others. When a worker dies, the others stop
within seconds (TensorFlow's heartbeats) with a one-line error: restart every worker
with the same command. Workers wait for one another at start-up.
"""

import json
import math
import os
import shutil
import tempfile
import time
from pathlib import Path

import keras
import tensorflow as tf

from dlcourse._environment import library_versions
from dlcourse._io import write_json_atomic
from dlcourse.errors import DLCourseError
from dlcourse.training import _multi_worker_ops as ops, resume
from dlcourse.training.recipes import get_recipe
from dlcourse.training.run_dir import open_run_dir
from dlcourse.training.runner import RunResult, build_model
from dlcourse.training.tasks import get_task

# What TensorFlow raises on the survivors when a peer dies or hangs mid-collective.
_PEER_ERRORS = (tf.errors.UnavailableError, tf.errors.CancelledError, tf.errors.DeadlineExceededError,
                tf.errors.AbortedError)


def make_strategy():
    """A `MultiWorkerMirroredStrategy` for the cluster in `TF_CONFIG` (checked first)."""
    raw = os.environ.get("TF_CONFIG")
    if not raw:
        raise DLCourseError(
            'Multi-worker training reads TF_CONFIG. Set it on every worker, e.g. TF_CONFIG=\'{"cluster": '
            '{"worker": ["host1:12345", "host2:12345"]}, "task": {"type": "worker", "index": 0}}\'.'
        )
    try:
        spec = json.loads(raw)
        workers, index = spec["cluster"]["worker"], int(spec["task"]["index"])
    except (ValueError, KeyError, TypeError):
        raise DLCourseError(f"TF_CONFIG must hold cluster.worker and task.index. Received: {raw[:200]}") from None
    if not 0 <= index < len(workers):
        raise DLCourseError(f"TF_CONFIG task.index must be in [0, {len(workers)}). Received: index={index}")
    return tf.distribute.MultiWorkerMirroredStrategy()


def train_multi_worker(config, strategy=None, callbacks=(), verbose=1):
    """Train `config` data-parallel on every worker of `strategy`; resume from its checkpoint.

    Args:
        config: a `RunConfig`; `batch_size` is the global batch and must divide by the
            number of replicas.
        strategy: a `MultiWorkerMirroredStrategy` (default: `make_strategy()`).
        callbacks: Keras callbacks; their epoch hooks are called with the epoch's logs.
        verbose: 1 prints one line per epoch on the chief.

    Returns:
        A `RunResult` whose `model` is an ordinary (undistributed) copy of the weights.

    Raises:
        DLCourseError: bad settings, a NaN loss (nothing non-finite is saved), or a
            worker that stopped (restart all of them to resume).
    """
    strategy = strategy or make_strategy()
    if strategy.extended.should_checkpoint:  # The chief.
        if config.export_dir:
            from dlcourse.export.versions import check_target

            check_target(config.export_dir)  # Before training: never train, then refuse.
        with open_run_dir(config.run_dir) as run_dir:
            return _Run(config, strategy, run_dir, callbacks, verbose).train()
    private = Path(tempfile.mkdtemp(prefix="dlcourse-worker-"))
    try:
        return _Run(config, strategy, private, callbacks, verbose=0).train()
    finally:
        shutil.rmtree(private, ignore_errors=True)


class _Run:
    """One worker's side of a run: the same steps on every worker, files on the chief."""

    def __init__(self, config, strategy, run_dir, callbacks, verbose):
        self.config, self.strategy, self.run_dir = config, strategy, Path(run_dir)
        self.chief = strategy.extended.should_checkpoint
        self.callbacks, self.verbose = list(callbacks), verbose
        self.recipe = get_recipe(config.recipe)
        self.task = get_task(self.recipe.task)
        self.rows = []

    def train(self):
        config = self.config
        keras.utils.set_random_seed(config.seed)
        self.info, self.splits = self.task.data(config, self.strategy)
        self.steps = int(self.splits["train"].cardinality().numpy())
        self.model = build_model(config, self.info, self.steps, strategy=self.strategy, recipe=self.recipe,
                                 task=self.task)
        self.plain = build_model(config, self.info, self.steps, recipe=self.recipe, task=self.task)
        self.epoch = tf.Variable(0, dtype=tf.int64, trainable=False)
        checkpoint = tf.train.Checkpoint(model=self.model, optimizer=self.model.optimizer, epoch=self.epoch)
        start_epoch = self._restore(checkpoint)
        start = time.perf_counter()
        try:
            self._epochs(checkpoint, start_epoch)
        except _PEER_ERRORS as err:
            raise DLCourseError(
                f"A worker stopped during training ({ops.peer_reason(err)}). Restart every worker "
                f"with the same command: the run resumes from its last checkpoint in {config.run_dir}."
            ) from None
        return self._finish(start_epoch, time.perf_counter() - start)

    def _restore(self, checkpoint):
        """The chief restores its checkpoint (if any); every worker then takes the chief's values."""
        saved = self.run_dir / "config.json"
        if self.chief and tf.train.latest_checkpoint(self.run_dir / "checkpoint"):
            if saved.is_file() and json.loads(saved.read_text()) != json.loads(json.dumps(self._settings())):
                raise DLCourseError(f"{self.run_dir} holds a multi-worker run with other settings. "
                                    "Use another --run-dir.")
            checkpoint.restore(tf.train.latest_checkpoint(self.run_dir / "checkpoint")).expect_partial()
            history = self.run_dir / "history.json"
            self.rows = json.loads(history.read_text())["epochs"] if history.is_file() else []
        if self.chief:
            write_json_atomic(saved, self._settings())
        ops.broadcast_from_chief(self.strategy, [*self.model.variables, *self.model.optimizer.variables, self.epoch])
        start_epoch = int(self.epoch.numpy())
        self.rows = [r for r in self.rows if r["epoch"] <= start_epoch]
        if start_epoch and self.verbose:
            print(f"resuming from epoch {start_epoch} of {self.config.epochs}")
        return start_epoch

    def _settings(self):
        return {k: v for k, v in self.config.to_dict().items() if k not in resume.RESULT_NEUTRAL_SETTINGS}

    def _epochs(self, checkpoint, start_epoch):
        dataset = self.strategy.distribute_datasets_from_function(
            lambda context: ops.shard_rows(self.splits["train"], context, self.config.batch_size))
        step = ops.make_train_step(self.strategy, self.model, self.config.batch_size)
        epoch_state = resume.EpochState(self.config.seed, getattr(self.splits["train"], "epoch_counter", None))
        epoch_state.set_model(self.model)
        for cb in self.callbacks:
            cb.set_model(self.plain)
        for e in range(start_epoch, self.config.epochs):
            tic = time.perf_counter()
            epoch_state.on_epoch_begin(e)
            for cb in self.callbacks:
                cb.on_epoch_begin(e)
            logs = self._one_epoch(step, iter(dataset), e)
            self.rows.append({"epoch": e + 1, **logs})
            if self.chief:  # Before the checkpoint: a resume drops rows past it, never misses one.
                write_json_atomic(self.run_dir / "history.json", {"epochs": self.rows})
            self.epoch.assign(e + 1)
            self._save(checkpoint)
            for cb in self.callbacks:
                cb.on_epoch_end(e, logs)
            if self.verbose:
                shown = "  ".join(f"{k} {v:.4f}" for k, v in logs.items())
                print(f"epoch {e + 1}/{self.config.epochs}  {shown}  ({time.perf_counter() - tic:.1f} s)", flush=True)

    def _one_epoch(self, step, iterator, e):
        total, correct, done = 0.0, 0.0, 0
        while done < self.steps:
            n = min(self.config.steps_per_execution, self.steps - done)
            losses, hits = step(iterator, tf.constant(n))
            total, correct, done = total + float(losses), correct + float(hits), done + n
        loss = total / self.steps
        if not math.isfinite(loss):
            raise DLCourseError(
                f"Training stopped: the loss became {loss} in epoch {e + 1}; nothing non-finite was saved. "
                f"Lower --learning-rate (now {self.config.learning_rate}) or add --clipnorm 1.0.")
        self.plain.set_weights(self.model.get_weights())
        logs = {"loss": loss, "accuracy": correct / (self.steps * self.config.batch_size)}
        if self.splits.get("validation") is not None:
            val = self.plain.evaluate(self.splits["validation"], verbose=0, return_dict=True)
            logs.update({f"val_{k}": float(v) for k, v in val.items()})
        return logs

    def _save(self, checkpoint):
        """Every worker saves (the strategy may read variables collectively); the chief keeps it."""
        if self.chief:
            tf.train.CheckpointManager(checkpoint, self.run_dir / "checkpoint", max_to_keep=1).save()
            return
        scratch = Path(tempfile.mkdtemp(dir=self.run_dir))
        checkpoint.write(str(scratch / "ckpt"))
        shutil.rmtree(scratch, ignore_errors=True)

    def _finish(self, start_epoch, seconds):
        config, plain = self.config, self.plain
        plain.set_weights(self.model.get_weights())
        history = {k: [r.get(k) for r in self.rows] for k in (self.rows[0] if self.rows else {}) if k != "epoch"}
        epochs_now = config.epochs - start_epoch
        metrics = {
            "recipe": config.recipe, "dataset": config.dataset, "source": self.info.source,
            **self.task.metrics(config, self.info, plain, self.splits),
            "parameters": int(plain.count_params()), "epochs_run": len(self.rows),
            "resumed_from_epoch": start_epoch, "workers": ops.num_workers(self.strategy),
            "replicas": self.strategy.num_replicas_in_sync, "wall_seconds": round(seconds, 3),
            "examples_per_second": round(self.steps * config.batch_size * epochs_now / max(seconds, 1e-9), 1),
            "num_examples": self.info.num_examples, "versions": library_versions(),
            **{f"final_{k}": v[-1] for k, v in history.items() if v},
        }
        export_dir = None
        if self.chief:
            write_json_atomic(self.run_dir / "metrics.json", metrics)
            if history:
                from dlcourse.plots import plot_history  # Drawing loads matplotlib: only here.

                plot_history(history, self.run_dir / "curves.png", title=f"{config.recipe} on {config.dataset}")
            export_dir = self._export(metrics) if config.export_dir else None
        return RunResult(model=plain, history=history, metrics=metrics, run_dir=self.run_dir, export_dir=export_dir)

    def _export(self, metrics):
        from dlcourse.export.versions import write_version

        config, info = self.config, self.info
        metadata = {"task": self.task.name, "command": self.task.export_command, "dataset": config.dataset,
                    "source": info.source, "metrics": metrics, "config": config.to_dict(),
                    "versions": library_versions()}
        return write_version(config.export_dir, lambda path: self.task.export(self.plain, path, info, config),
                             metadata)
