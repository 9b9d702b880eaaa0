"""Compare optimisers and schedules: the same model, data and seed, trained once per pair.

    from dlcourse import studies
    result = studies.compare("mlp", "fashion_mnist", optimizers=("sgd", "momentum", "adam"),
                              epochs=5, target=0.85, out_dir="runs/compare")
    print(result.to_text())          # the table; result.figure_path: the curves

Each (optimizer, schedule) pair is one `train` run in `out_dir/<optimizer>-<schedule>/`
with identical settings except the optimiser, its learning rate and the schedule. A run
whose loss becomes NaN is kept in the table as `diverged` (its row says why) instead of
stopping the comparison. Written in `out_dir`: `comparison.json` (rows, per-epoch
histories, the settings) and `comparison.png` (validation loss and accuracy per epoch).
Re-running with the same arguments resumes or repeats each run exactly (same seed).
"""

import dataclasses
import json
from pathlib import Path

import numpy as np

from dlcourse import data, optimizers as optimizer_lib, schedules as schedule_lib
from dlcourse._io import write_json_atomic
from dlcourse.errors import DLCourseError
from dlcourse.studies import _choices
from dlcourse.studies._table import format_table
from dlcourse.training import make_config, train, versions

# A step size each optimiser trains the course's models well with, used unless the
# caller gives one: plain SGD wants a larger step than SGD with momentum 0.9 (whose
# effective step is lr / (1 - 0.9)); Adagrad's accumulated denominator only grows,
# so it starts 10x higher than the other adaptive methods at Keras's 1e-3.
DEFAULT_LEARNING_RATES = {
    "sgd": 0.05, "momentum": 0.01, "nesterov": 0.01, "adagrad": 0.01, "rmsprop": 1e-3,
    "adam": 1e-3, "adamw": 1e-3, "radam": 1e-3, "lookahead": 1e-3, "ranger": 1e-3,
}

COLUMNS = (  # (row key, header, format)
    ("optimizer", "optimizer", "{}"), ("schedule", "schedule", "{}"),
    ("learning_rate", "lr", "{:g}"), ("train_loss", "train loss", "{:.4f}"),
    ("train_accuracy", "train acc", "{:.4f}"), ("val_loss", "val loss", "{:.4f}"),
    ("val_accuracy", "val acc", "{:.4f}"), ("test_accuracy", "test acc", "{:.4f}"),
    ("epochs_to_target", "epochs to target", "{}"), ("wall_seconds", "seconds", "{:.1f}"),
)


@dataclasses.dataclass
class Comparison:
    """What `compare` returns.

    Attributes:
        rows: one dict per run with the keys of `COLUMNS` and `status` ("ok" or
            "diverged: ...").
        histories: `{"<optimizer>/<schedule>": {metric: [value per epoch]}}`.
        settings: recipe, dataset, epochs, seed, target and the shared overrides.
        figure_path, json_path: the files written in `out_dir`.
    """

    rows: list
    histories: dict
    settings: dict
    figure_path: Path
    json_path: Path

    def to_text(self):
        """The rows as an aligned plain-text table (None and NaN shown as "-")."""
        lines = [format_table(COLUMNS, self.rows, left=2)]
        target = self.settings.get("target")
        if target is not None:
            lines.append(f"epochs to target: first epoch with validation accuracy >= {target}")
        return "\n".join(lines)


def compare(recipe, dataset=None, optimizers=("sgd",), schedules=("constant",), epochs=None,
            target=None, seed=0, out_dir="runs/compare", learning_rates=None, **overrides):
    """Train `recipe` once per (optimizer, schedule) pair with the same seed; tabulate.

    Args:
        recipe: a recipe name (`mlp`, `cnn`, ...).
        dataset: a dataset name; default: the recipe's.
        optimizers: names from `dlcourse.optimizers.OPTIMIZER_NAMES` (a sequence, or
            one comma-separated string such as "sgd,momentum,adam").
        schedules: names from `dlcourse.schedules.SCHEDULE_NAMES` (likewise).
        epochs: epochs per run; default: the recipe's for this dataset.
        target: a validation accuracy in (0, 1]; each row reports the first epoch that
            reaches it (None: never). Default: no target.
        seed: the seed shared by every run (weights, data order).
        out_dir: the comparison's folder; each run gets a subfolder.
        learning_rates: None (`DEFAULT_LEARNING_RATES`), one float for every optimiser,
            or `{optimizer: rate}` overriding some defaults. `learning_rate=` among
            `overrides` is taken as one float for every optimiser.
        **overrides: other `RunConfig` fields shared by every run (`batch_size`,
            `warmup_steps`, `clipnorm`, `jit_compile`, ...).

    Returns:
        A `Comparison` (`rows`, `histories`, `to_text()`, `figure_path`, `json_path`).
    """
    optimizers = _choices.names(optimizers, optimizer_lib.OPTIMIZER_NAMES, "optimizers")
    schedules = _choices.names(schedules, schedule_lib.SCHEDULE_NAMES, "schedules")
    if target is not None and not 0 < target <= 1:
        raise DLCourseError(f"`target` must be a validation accuracy in (0, 1]. Received: target={target}")
    overrides = {k: v for k, v in overrides.items() if v is not None}
    for reserved in ("optimizer", "schedule", "run_dir"):
        if reserved in overrides:
            raise DLCourseError(f"`{reserved}` is set per run by compare: remove it from the settings.")
    single_rate = overrides.pop("learning_rate", None)
    rates = _choices.learning_rates(optimizers, single_rate if learning_rates is None else learning_rates,
                                    DEFAULT_LEARNING_RATES)
    out_dir = Path(out_dir)
    configs = [make_config(recipe, dataset, optimizer=opt, schedule=sched, learning_rate=rates[opt],
                           epochs=epochs, seed=seed, run_dir=str(out_dir / f"{opt}-{sched}"), **overrides)
               for opt in optimizers for sched in schedules]
    data.info(configs[0].dataset)  # Fail now, not after the first runs, if the data is missing.

    rows, histories = [], {}
    for config in configs:
        row, history = _run(config, target)
        rows.append(row)
        histories[f"{config.optimizer}/{config.schedule}"] = history
    first = configs[0]
    settings = {"recipe": first.recipe, "dataset": first.dataset, "epochs": first.epochs,
                "batch_size": first.batch_size, "seed": seed, "target": target, "overrides": overrides}
    figure_path = plot_comparison(histories, out_dir / "comparison.png",
                                  title=f"{first.recipe} on {first.dataset}, seed {seed}")
    json_path = write_json_atomic(out_dir / "comparison.json", {
        "settings": settings, "rows": rows, "histories": histories, "figure": str(figure_path),
        "versions": versions()})
    return Comparison(rows, histories, settings, figure_path, json_path)


def _run(config, target):
    """One row of the table and the run's history; a NaN loss becomes a `diverged` row."""
    row = {"optimizer": config.optimizer, "schedule": config.schedule,
           "learning_rate": config.learning_rate, "run_dir": config.run_dir}
    try:
        result = train(config, verbose=0)
    except DLCourseError as error:  # The runner's NaN stop: its message says where and what to do.
        history = _read_history(Path(config.run_dir) / "history.json")
        return {**row, **_empty_metrics(), "status": f"diverged: {error}"}, history
    history, metrics = result.history, result.metrics
    row.update({
        "train_loss": _last(history.get("loss")), "train_accuracy": _last(history.get("accuracy")),
        "val_loss": _last(history.get("val_loss")), "val_accuracy": _last(history.get("val_accuracy")),
        "test_accuracy": metrics["test_accuracy"],
        "epochs_to_target": epochs_to_target(history.get("val_accuracy", []), target),
        "wall_seconds": metrics["wall_seconds"], "status": "ok",
    })
    return row, history


def epochs_to_target(val_accuracy, target):
    """The first epoch (counting from 1) whose validation accuracy is >= `target`, else None."""
    if target is None:
        return None
    for epoch, value in enumerate(val_accuracy, start=1):
        if value is not None and value >= target:
            return epoch
    return None


def plot_comparison(histories, path, title=None):
    """Validation loss and accuracy per epoch of every run, two panels, one PNG."""
    from dlcourse import plots

    fig, (ax_loss, ax_acc) = plots.figure(ncols=2, size=(6.0, 4.5))
    styles = ("-", "--", ":", "-.")
    for i, (label, history) in enumerate(histories.items()):
        style = dict(linestyle=styles[(i // 10) % len(styles)], marker="o", markersize=3, label=label)
        for ax, key in ((ax_loss, "val_loss"), (ax_acc, "val_accuracy")):
            values = np.array(history.get(key) or [], dtype="float64")
            ax.plot(np.arange(1, len(values) + 1), values, **style)
    for ax, name in ((ax_loss, "validation loss"), (ax_acc, "validation accuracy")):
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.grid(alpha=0.3)
        ax.xaxis.get_major_locator().set_params(integer=True)
    ax_acc.legend(fontsize=7, ncol=2)
    if title:
        fig.suptitle(title)
    return plots.save_figure(fig, path)


def _read_history(path):
    if not path.is_file():
        return {}
    epochs = json.loads(path.read_text())["epochs"]
    keys = [k for k in (epochs[0] if epochs else {}) if k != "epoch"]
    return {k: [r.get(k) for r in epochs] for k in keys}


def _empty_metrics():
    keys = ("train_loss", "train_accuracy", "val_loss", "val_accuracy", "test_accuracy",
            "epochs_to_target", "wall_seconds")
    return dict.fromkeys(keys)


def _last(values):
    return float(values[-1]) if values else None
