"""The one training runner: a `RunConfig` becomes `model.fit`, metrics, plots and an export.

    result = training.train(training.make_config("mlp", "fashion_mnist", epochs=12))
    result.metrics["test_accuracy"]

Everything that trains in the course goes through `train`: the CLI, the practicals, the
tuner, the benchmarks. It seeds everything, runs under an optional `tf.distribute`
strategy, resumes after a kill (re-run the same config), stops on NaN before anything
non-finite is saved, and writes into `config.run_dir`:

    config.json  history.json  metrics.json  curves.png  logs/ (TensorBoard)  backup/
"""

import contextlib
import dataclasses
import platform
import time
from pathlib import Path

import keras
import tensorflow as tf

from dlcourse import __version__, data
from dlcourse._io import write_json_atomic
from dlcourse.errors import DLCourseError
from dlcourse.plots import plot_history
from dlcourse.training import resume
from dlcourse.training.recipes import get_recipe

SOFT_LABEL_AUGMENTATIONS = ("mixup", "cutmix")


@dataclasses.dataclass
class RunResult:
    """What `train` returns: the trained model, its history and metrics, and the files."""

    model: keras.Model
    history: dict
    metrics: dict
    run_dir: Path
    export_dir: Path = None


def train(config, strategy=None, callbacks=(), verbose="auto"):
    """Train `config.recipe` on `config.dataset`, evaluate on test, export if asked.

    Args:
        config: a `RunConfig` (see `make_config`).
        strategy: an optional `tf.distribute.Strategy` (e.g. `MirroredStrategy`).
        callbacks: extra Keras callbacks.
        verbose: passed to `fit` (1 for a progress bar, 0 for silence).

    Returns:
        A `RunResult`.

    Raises:
        DLCourseError: the loss became NaN or infinite (nothing non-finite is saved).
    """
    keras.utils.set_random_seed(config.seed)
    if config.deterministic:
        tf.config.experimental.enable_op_determinism()
    run_dir = Path(config.run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    write_json_atomic(run_dir / "config.json", config.to_dict())

    info = data.info(config.dataset, config.validation_size)
    splits = _datasets(config, info, strategy)
    with strategy.scope() if strategy else contextlib.nullcontext():
        model = build_model(config, info, splits["train"].cardinality().numpy(), distributed=strategy is not None)

    nan_guard = resume.StopOnNaN()
    backup = resume.Backup(run_dir / "backup", nan_guard=nan_guard)
    history_log = resume.HistoryLog(run_dir / "history.json", resume=backup.latest() is not None)
    run_callbacks = [
        resume.EpochState(config.seed, splits["train"].epoch_counter),
        nan_guard,
        backup,
        history_log,
        keras.callbacks.TensorBoard(run_dir / "logs", write_graph=False, profile_batch=0),
        *callbacks,
    ]
    start = time.perf_counter()
    model.fit(splits["train"], validation_data=splits["validation"], epochs=config.epochs,
              callbacks=run_callbacks, verbose=verbose, shuffle=False)  # The pipeline shuffles.
    seconds = time.perf_counter() - start
    if nan_guard.nan_at is not None:
        at = nan_guard.nan_at
        raise DLCourseError(
            f"Training stopped: the loss became {at['loss']} at epoch {at['epoch']}, batch {at['batch']}; "
            f"nothing non-finite was saved (last good backup: {backup.backup_dir}). "
            f"Lower --learning-rate (now {config.learning_rate}) or add --clipnorm 1.0."
        )

    history = history_log.history()
    metrics = _metrics(config, info, model, splits["test"], history, seconds, backup.restored_epoch)
    write_json_atomic(run_dir / "metrics.json", metrics)
    if history:
        plot_history(history, run_dir / "curves.png", title=f"{config.recipe} on {config.dataset}")

    export_dir = None
    if config.export_dir:
        from dlcourse.export import export_model  # Export pulls in more of TF: only when asked.

        export_dir = export_model(model, config.export_dir, info, metrics=metrics, config=config.to_dict())
    return RunResult(model=model, history=history, metrics=metrics, run_dir=run_dir, export_dir=export_dir)


def _metrics(config, info, model, test_data, history, seconds, resumed_from_epoch):
    """The run's `metrics.json`: test results, size, speed, data source and versions."""
    # A dict, not a tuple: models with their own train_step (SAM) log extra metrics.
    test = model.evaluate(test_data, verbose=0, return_dict=True)
    epochs_now = config.epochs - resumed_from_epoch
    return {
        "recipe": config.recipe,
        "dataset": config.dataset,
        "source": info.source,
        "test_loss": float(test["loss"]),
        "test_accuracy": float(test.get("accuracy", test.get("categorical_accuracy"))),
        "parameters": int(model.count_params()),
        "epochs_run": len(history.get("loss", [])),
        "resumed_from_epoch": resumed_from_epoch,
        "wall_seconds": round(seconds, 3),
        "examples_per_second": round(info.num_examples["train"] * epochs_now / max(seconds, 1e-9), 1),
        "num_examples": info.num_examples,
        "dtype_policy": model.dtype_policy.name,
        "versions": versions(),
        **{f"final_{k}": v[-1] for k, v in history.items() if v},
    }


def build_model(config, info, steps_per_epoch, distributed=False):
    """The recipe's model, compiled with the config's optimizer, schedule and speed settings."""
    from dlcourse import optimizers, schedules

    with _dtype_policy(config.mixed_precision):
        model = get_recipe(config.recipe).build(info.input_shape, info.num_classes)
    total_steps = max(1, int(steps_per_epoch) * config.epochs)
    learning_rate = config.learning_rate
    if config.schedule != "constant" or config.warmup_steps:
        learning_rate = schedules.get(config.schedule, config.learning_rate, decay_steps=total_steps,
                                      warmup_steps=config.warmup_steps)
    clip = {"global_clipnorm": config.clipnorm} if config.clipnorm else {}
    optimizer = optimizers.get(config.optimizer, learning_rate=learning_rate, **clip)
    soft = any(a in SOFT_LABEL_AUGMENTATIONS for a in config.augment)
    # Under a strategy, Keras 3.15 crashes with steps_per_execution > 1 or XLA (KERAS3-NOTES).
    model.compile(
        optimizer=optimizer,
        loss="categorical_crossentropy" if soft else "sparse_categorical_crossentropy",
        metrics=["categorical_accuracy" if soft else "accuracy"],
        steps_per_execution=1 if distributed else config.steps_per_execution,
        jit_compile=False if distributed else config.jit_compile,
    )
    return model


def _datasets(config, info, strategy):
    replicas = strategy.num_replicas_in_sync if strategy else 1
    if config.batch_size % replicas:
        raise DLCourseError(
            f"`batch_size` must divide by the {replicas} replicas. Received: batch_size={config.batch_size}"
        )
    augment, soft = None, any(a in SOFT_LABEL_AUGMENTATIONS for a in config.augment)
    if config.augment:
        from dlcourse.data.augment import make_augmenter

        augment = make_augmenter(config.augment, info.num_classes, seed=config.seed)
    common = dict(batch_size=config.batch_size, validation_size=config.validation_size,
                  drop_remainder=strategy is not None)
    splits = {
        "train": data.load(config.dataset, "train", shuffle=True, seed=config.seed, augment=augment, **common),
        "validation": data.load(config.dataset, "validation", **common),
        "test": data.load(config.dataset, "test", **common),
    }
    if soft:
        one_hot = lambda x, y: (x, tf.one_hot(y, info.num_classes))  # noqa: E731
        for name in ("validation", "test"):
            splits[name] = splits[name].map(one_hot)
    return splits


def versions():
    """The versions a run depends on, for its metrics file."""
    return {"dlcourse": __version__, "python": platform.python_version(),
            "tensorflow": tf.__version__, "keras": keras.__version__}


@contextlib.contextmanager
def _dtype_policy(name):
    """Build under `name` (e.g. "mixed_float16"), then restore the global policy.

    Layers keep the policy they were built with; the restore keeps one run's setting
    from leaking into the next model built in the same process.
    """
    if not name:
        yield
        return
    saved = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(saved)
