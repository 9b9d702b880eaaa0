"""Lecture 4's CIFAR-10 study: fully connected vs small CNN vs wide CNN, and what BatchNorm,
dropout and the optimiser change.

    from dlcourse import studies
    result = studies.cnn_study(epochs=10, out_dir="runs/cnn_study")   # CIFAR-10 if present
    print(result.to_text())            # the table; result.figure_path: the curves

    run                 recipe                     what changes
    fc_adam             cifar_fc                   3072-1024-256-64-10, Adam 1e-3
    fc_sgd              cifar_fc                   the same with plain SGD 0.01
    small_cnn           cifar_cnn                  LeNet-5 layout with ReLU and max-pool, Adam
    wide_cnn            cifar_wide_cnn             six convs, BatchNorm, dropout 0.05, Adam
    wide_cnn_no_bn      cifar_wide_cnn_no_bn       without BatchNorm
    wide_cnn_no_dropout cifar_wide_cnn_no_dropout  without dropout
    wide_cnn_plain      cifar_wide_cnn_plain       without either

Every run is one `dlcourse.training.train` with the same dataset, seed and epochs (each
in `out_dir/<run>/`), so the rows differ only in what the table says. The dataset is
CIFAR-10 when this machine has it or TFDS can download it, and Fashion-MNIST otherwise
(the same code: every model builds on 28x28x1 too); `dataset=` picks another. Written
in `out_dir`: `cnn_study.json` (rows, per-epoch histories, settings) and `cnn_study.png`
(training and validation accuracy per epoch, one panel per run).
"""

import dataclasses
from pathlib import Path

from dlcourse import data
from dlcourse._io import write_json_atomic
from dlcourse.errors import DLCourseError
from dlcourse.studies._table import format_table
from dlcourse.training import make_config, train, versions

RUNS = {  # run: (recipe, overrides, description)
    "fc_adam": ("cifar_fc", {}, "fully connected, Adam"),
    "fc_sgd": ("cifar_fc", {"optimizer": "sgd", "learning_rate": 0.01}, "fully connected, SGD 0.01"),
    "small_cnn": ("cifar_cnn", {}, "small CNN (LeNet layout)"),
    "wide_cnn": ("cifar_wide_cnn", {}, "wide CNN, BatchNorm + dropout"),
    "wide_cnn_no_bn": ("cifar_wide_cnn_no_bn", {}, "wide CNN, dropout only"),
    "wide_cnn_no_dropout": ("cifar_wide_cnn_no_dropout", {}, "wide CNN, BatchNorm only"),
    "wide_cnn_plain": ("cifar_wide_cnn_plain", {}, "wide CNN, neither"),
}
COLUMNS = (  # (row key, header, format)
    ("run", "run", "{}"), ("parameters", "params", "{:,}"), ("optimizer", "optimizer", "{}"),
    ("train_accuracy", "train acc", "{:.4f}"), ("val_accuracy", "val acc", "{:.4f}"),
    ("test_accuracy", "test acc", "{:.4f}"), ("seconds_per_epoch", "s/epoch", "{:.1f}"),
)


@dataclasses.dataclass
class CNNStudy:
    """What `cnn_study` returns: `rows` (one dict per run, keys of `COLUMNS` and more),
    `histories` (`{run: {metric: [per epoch]}}`), `settings`, and the files written."""

    rows: list
    histories: dict
    settings: dict
    figure_path: Path
    json_path: Path

    def to_text(self):
        """The rows as an aligned plain-text table."""
        return format_table(COLUMNS, self.rows, left=1)


def default_dataset():
    """`cifar10` when this machine has it or TFDS can download it, else `fashion_mnist`."""
    from dlcourse.data.sources_tfds import network_available  # TFDS's download host.

    available = {row["name"] for row in data.list_datasets() if row["available"]}
    return "cifar10" if "cifar10" in available or network_available() else "fashion_mnist"


def cnn_study(dataset=None, runs=None, epochs=None, seed=0, out_dir="runs/cnn_study", **overrides):
    """Train each run of `RUNS` once with the same data, seed and epochs; tabulate.

    Args:
        dataset: a dataset name; default `default_dataset()`.
        runs: names from `RUNS` (a subset keeps the study short); None: all of them.
        epochs: epochs per run; default: each recipe's for the dataset.
        seed: the seed shared by every run (weights, data order, dropout).
        out_dir: the study's folder; each run gets a subfolder.
        **overrides: other `RunConfig` fields shared by every run (`batch_size`, ...).

    Returns:
        A `CNNStudy`: `rows` with `parameters`, `train_accuracy`, `val_accuracy` (last
        epoch), `test_accuracy` and `seconds_per_epoch` per run; `to_text()`.
    """
    runs = list(RUNS if runs is None else runs)
    unknown = [r for r in runs if r not in RUNS]
    if unknown or not runs:
        raise DLCourseError(f"Unknown runs {unknown or runs}. Use names from: {', '.join(RUNS)}.")
    dataset = dataset or default_dataset()
    out_dir = Path(out_dir)
    rows, histories = [], {}
    for run in runs:
        recipe, run_overrides, description = RUNS[run]
        config = make_config(recipe, dataset, epochs=epochs, seed=seed, run_dir=str(out_dir / run),
                             **{**overrides, **run_overrides})
        result = train(config, verbose=0)
        histories[run] = result.history
        rows.append(_row(run, description, config, result))
    settings = {"dataset": dataset, "epochs": rows[0]["epochs"], "seed": seed, "overrides": overrides}
    figure_path = plot_cnn_study(histories, out_dir / "cnn_study.png", title=f"{dataset}, seed {seed}")
    json_path = write_json_atomic(out_dir / "cnn_study.json", {
        "settings": settings, "rows": rows, "histories": histories, "versions": versions()})
    return CNNStudy(rows, histories, settings, figure_path, json_path)


def _row(run, description, config, result):
    m = result.metrics
    return {
        "run": run, "description": description, "recipe": config.recipe, "optimizer": config.optimizer,
        "learning_rate": config.learning_rate, "parameters": m["parameters"], "epochs": m["epochs_run"],
        "train_accuracy": m["final_accuracy"], "val_accuracy": m["final_val_accuracy"],
        "test_accuracy": m["test_accuracy"],
        # wall_seconds includes each epoch's validation pass, and compiling once.
        "seconds_per_epoch": m["wall_seconds"] / max(1, m["epochs_run"]),
    }


def plot_cnn_study(histories, path, title=None):
    """Training (dashed) and validation (solid) accuracy per epoch, one panel per run."""
    from dlcourse import plots

    fig, axes = plots.figure(ncols=len(histories), size=(3.2, 3.0), sharey=True)
    axes = [axes] if len(histories) == 1 else list(axes)
    for ax, (run, history) in zip(axes, histories.items()):
        epochs = range(1, len(history["accuracy"]) + 1)
        ax.plot(epochs, history["accuracy"], "--", label="train")
        ax.plot(epochs, history["val_accuracy"], "-", label="validation")
        ax.set_title(run, fontsize=9)
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("accuracy")
    axes[0].legend()
    if title:
        fig.suptitle(title)
    return plots.save_figure(fig, path)
