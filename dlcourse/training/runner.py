"""The one training runner: a `RunConfig` becomes `model.fit`, metrics, plots and an export.

    result = training.train(training.make_config("mlp", "fashion_mnist", epochs=12))
    result.metrics["test_accuracy"]

Everything that trains in the course goes through `train`: the CLI, the practicals, the
tuner, the benchmarks. The road is the same for every kind of model; the recipe's task
(`dlcourse.training.tasks`) says how its data is loaded, how it is compiled, what is
measured and how it is exported:

    seed -> lock the run dir -> task.data -> task.build -> task.compile
         -> fit (resume, NaN guard, TensorBoard) -> task.metrics -> task.export

It seeds everything, runs under an optional `tf.distribute` strategy, resumes after a
kill (re-run the same config; other settings are refused), stops on NaN before anything
non-finite is saved, and writes into `config.run_dir`:

    config.json  history.json  metrics.json  curves.png  logs/ (TensorBoard)  backup/
"""

import contextlib
import dataclasses
from pathlib import Path

import keras
import tensorflow as tf

from dlcourse._environment import library_versions
from dlcourse._io import write_json_atomic
from dlcourse.errors import DLCourseError
from dlcourse.training import resume
from dlcourse.training.recipes import get_recipe
from dlcourse.training.run_dir import open_run_dir
from dlcourse.training.tasks import get_task


@dataclasses.dataclass
class RunResult:
    """What `train` returns: the trained model, its history and metrics, and the files."""

    model: keras.Model
    history: dict
    metrics: dict
    run_dir: Path
    export_dir: Path = None


def train(config, strategy=None, callbacks=(), verbose="auto", restart=False):
    """Train `config.recipe` on `config.dataset`, evaluate on test, export if asked.

    Args:
        config: a `RunConfig` (see `make_config`).
        strategy: an optional `tf.distribute.Strategy` (e.g. `MirroredStrategy`).
        callbacks: extra Keras callbacks.
        verbose: passed to `fit` (1 for a progress bar, 0 for silence).
        restart: discard a previous run in `config.run_dir` instead of resuming it.

    Returns:
        A `RunResult`; `export_dir` is the new version's folder when one was written.

    Raises:
        DLCourseError: bad settings, a run dir in use or holding another run, or a loss
            that became NaN or infinite (nothing non-finite is saved).
    """
    if config.export_dir:
        _check_export_target(config)  # Before training: never train, then refuse.
    with open_run_dir(config.run_dir) as run_dir:
        return _train(config, run_dir, strategy, callbacks, verbose, restart)


def _check_export_target(config):
    from dlcourse.export.versions import check_target

    run_dir, export_dir = Path(config.run_dir).resolve(), Path(config.export_dir).resolve()
    if export_dir == run_dir or run_dir in export_dir.parents or export_dir in run_dir.parents:
        raise DLCourseError(
            f"--export-dir {config.export_dir} and --run-dir {config.run_dir} overlap: the export would "
            "mix with the run's files. Export elsewhere, e.g. --export-dir saved_models/NAME."
        )
    check_target(config.export_dir)


def _train(config, run_dir, strategy, callbacks, verbose, restart):
    recipe = get_recipe(config.recipe)
    task = get_task(recipe.task)
    nan_guard = resume.StopOnNaN()
    backup = resume.Backup(run_dir / "backup", config.to_dict(), run_dir / "history.json", nan_guard)
    if restart:
        backup.discard()
    backup.check_settings()
    write_json_atomic(run_dir / "config.json", config.to_dict())

    keras.utils.set_random_seed(config.seed)
    if config.deterministic:
        tf.config.experimental.enable_op_determinism()
    info, splits = task.data(config, strategy)
    steps_per_epoch = int(splits["train"].cardinality().numpy())
    model = build_model(config, info, steps_per_epoch, strategy=strategy, recipe=recipe, task=task)
    if backup.restored_epoch:
        print(f"resuming from epoch {backup.restored_epoch} of {config.epochs} ({backup.latest()})")

    run_callbacks = [
        resume.EpochState(config.seed, getattr(splits["train"], "epoch_counter", None)),
        nan_guard,
        backup,
        keras.callbacks.TensorBoard(run_dir / "logs", write_graph=False, profile_batch=0),
        *callbacks,
    ]
    model.fit(splits["train"], validation_data=splits.get("validation"), epochs=config.epochs,
              callbacks=run_callbacks, verbose=verbose, shuffle=False)  # The pipeline shuffles.
    if nan_guard.nan_at is not None:
        raise _nan_error(config, nan_guard.nan_at, backup.latest())

    history = backup.history()
    metrics = _metrics(config, info, model, task.metrics(config, info, model, splits), history, backup)
    write_json_atomic(run_dir / "metrics.json", metrics)
    if history:
        from dlcourse.plots import plot_history  # Drawing loads matplotlib: only here.

        plot_history(history, run_dir / "curves.png", title=f"{config.recipe} on {config.dataset}")
    export_dir = _export(config, task, model, info, metrics) if config.export_dir else None
    return RunResult(model=model, history=history, metrics=metrics, run_dir=run_dir, export_dir=export_dir)


def _nan_error(config, at, latest):
    kept = f"the last good checkpoint is {latest}" if latest else "no epoch finished, so nothing was saved"
    return DLCourseError(
        f"Training stopped: the loss became {at['loss']} in epoch {at['epoch']} (by step {at['step']}); "
        f"nothing non-finite was saved ({kept}). "
        f"Lower --learning-rate (now {config.learning_rate}) or add --clipnorm 1.0."
    )


def _metrics(config, info, model, task_metrics, history, backup):
    """The run's `metrics.json`: the task's numbers, size, speed, data source and versions."""
    seconds = backup.training_seconds()
    epochs_run = len(next(iter(history.values()), []))  # GANs log d_loss and g_loss, no `loss`.
    return {
        "recipe": config.recipe,
        "dataset": config.dataset,
        "source": info.source,
        **task_metrics,
        "parameters": int(model.count_params()),
        "epochs_run": epochs_run,
        "resumed_from_epoch": backup.restored_epoch,
        "wall_seconds": round(seconds, 3),
        "examples_per_second": round(info.num_examples["train"] * epochs_run / max(seconds, 1e-9), 1),
        "num_examples": info.num_examples,
        "dtype_policy": model.dtype_policy.name,
        "versions": library_versions(),
        **{f"final_{k}": v[-1] for k, v in history.items() if v},
    }


def _export(config, task, model, info, metrics):
    from dlcourse.export.versions import write_version

    metadata = {"task": task.name, "command": task.export_command, "dataset": config.dataset,
                "source": info.source, "metrics": metrics, "config": config.to_dict(),
                "versions": library_versions()}
    return write_version(config.export_dir, lambda path: task.export(model, path, info, config), metadata)


def build_model(config, info, steps_per_epoch, strategy=None, recipe=None, task=None):
    """The recipe's model, built and compiled by its task with the config's optimizer,
    schedule and speed settings (under `strategy`'s scope when given)."""
    recipe = recipe or get_recipe(config.recipe)
    task = task or get_task(recipe.task)
    if strategy is not None:
        # Keras 3.15 crashes under a tf.distribute strategy with steps_per_execution > 1
        # or XLA (measured on MirroredStrategy with 2 logical CPUs): switch both off.
        config = dataclasses.replace(config, steps_per_execution=1, jit_compile=False)
    # More steps per execution than an epoch has would show "128/41" in the progress bar.
    config = dataclasses.replace(config, steps_per_execution=max(1, min(config.steps_per_execution, steps_per_epoch)))
    with strategy.scope() if strategy else contextlib.nullcontext():
        with _dtype_policy(config.mixed_precision):
            model = task.build(config, info, recipe)
        task.compile(model, config, lambda: make_optimizer(config, steps_per_epoch))
    return model


def make_optimizer(config, steps_per_epoch):
    """A new optimizer from the config: name, learning rate, schedule, warm-up, clipping,
    weight decay. Schedules decay over the whole run (`epochs * steps_per_epoch` steps)."""
    from dlcourse import optimizers, schedules

    learning_rate = config.learning_rate
    if config.schedule != "constant" or config.warmup_steps:
        learning_rate = schedules.get(config.schedule, config.learning_rate,
                                      decay_steps=max(1, steps_per_epoch * config.epochs),
                                      warmup_steps=config.warmup_steps, steps_per_epoch=steps_per_epoch)
    extra = {"global_clipnorm": config.clipnorm} if config.clipnorm else {}
    if config.weight_decay is not None:
        extra["weight_decay"] = config.weight_decay
    return optimizers.get(config.optimizer, learning_rate=learning_rate, **extra)


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
