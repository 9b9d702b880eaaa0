"""Capacity: under- and overfitting against width and depth; test loss against data and
model size, with a fitted power law (the scaling rules of the lecture).

    capacity_sweep   MLPs of each (depth, width) on one fixed training subset, trained
                     for a fixed number of epochs: small models underfit (training loss
                     stays high), large ones overfit (training loss near 0, test loss
                     rising again: the train/test gap grows with capacity).
    scaling_law      for each width, test loss against the training-set size n (nested
                     random subsets, early stopping on the validation split), fitted by

                         test_loss(n) = a * n ** (-alpha)        (least squares in log-log)

                     and the same law in the parameter count at the largest n.

Both train with Adam 1e-3 through `model.fit` on subsets of the training split (the
runner trains whole splits; these experiments are about the subset's size).

Measured here on Fashion-MNIST (CPU time on this 2-core machine):
- `capacity_sweep()` (2,000 examples, 60 epochs, 61 s): at depth 1, width 4 underfits
  (train / test loss 0.52 / 0.71), width 16 is best (0.19 / 0.60), widths 64 and 256
  overfit (0.08 / 0.63, 0.02 / 0.73); deeper overfits more (depth 3, width 256: 0.007 / 1.04).
- `scaling_law()` (n = 500 ... 16,000, widths 16, 64, 256, 112 s): alpha = 0.11, 0.13,
  0.15 (r2 0.97-0.98; wider networks gain more from data); test loss at n = 16,000 falls
  from 0.46 to 0.40 with 16x the parameters (alpha 0.05 in the parameter count).

Reference: Hestness et al., "Deep Learning Scaling is Predictable, Empirically", 2017;
Kaplan et al., "Scaling Laws for Neural Language Models", 2020, Sec. 3.
"""

import math

import keras
import numpy as np

from dlcourse.errors import DLCourseError
from dlcourse.studies._subsets import passes, split_arrays, subset


def fit_power_law(x, y):
    """Least-squares fit of log y = log a - alpha * log x.

    Returns:
        dict: "a", "alpha", "r2" (of the log-log fit).
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if len(x) < 2 or len(x) != len(y) or np.any(x <= 0) or np.any(y <= 0):
        raise DLCourseError(
            f"A power law needs at least 2 positive (x, y) pairs. Received: x={x.tolist()}, y={y.tolist()}")
    slope, intercept = np.polyfit(np.log(x), np.log(y), 1)
    residual = np.log(y) - (intercept + slope * np.log(x))
    total = np.sum((np.log(y) - np.log(y).mean()) ** 2)
    r2 = 1.0 - np.sum(residual**2) / total if total > 0 else 1.0
    return {"a": float(np.exp(intercept)), "alpha": float(-slope), "r2": float(r2)}


ROUND_STEPS = 200  # with early stopping: updates between two looks at the validation loss


def _train(splits, n, hidden_units, epochs, batch_size, seed, early_stopping):
    """One MLP on n training examples for `epochs` passes (fewer if stopped early, best
    weights then restored); its train and test losses and accuracies."""
    from dlcourse.models import build_mlp

    x, y = subset(*splits["train"], n, seed)
    keras.utils.set_random_seed(seed)
    model = build_mlp(x.shape[1:], int(splits["train"][1].max()) + 1, hidden_units=tuple(hidden_units))
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy", metrics=["accuracy"],
                  steps_per_execution=32)
    per_round, callbacks, validation = int(epochs), [], None
    if early_stopping:  # Rounds of about ROUND_STEPS updates, the validation loss after each.
        per_round = max(1, min(int(epochs), ROUND_STEPS // math.ceil(n / batch_size)))
        callbacks = [keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True)]
        validation = splits["validation"]
    history = model.fit(passes(x, y, batch_size, per_round, seed), epochs=math.ceil(epochs / per_round),
                        validation_data=validation, callbacks=callbacks, shuffle=False, verbose=0)
    train_loss, train_accuracy = model.evaluate(x, y, batch_size=1024, verbose=0)
    test_loss, test_accuracy = model.evaluate(*splits["test"], batch_size=1024, verbose=0)
    return {"train_loss": float(train_loss), "test_loss": float(test_loss), "train_accuracy": float(train_accuracy),
            "test_accuracy": float(test_accuracy), "epochs": len(history.history["loss"]) * per_round,
            "parameters": int(model.count_params())}


def capacity_sweep(dataset="fashion_mnist", train_size=2000, widths=(4, 16, 64, 256), depths=(1, 2, 3),
                   epochs=60, batch_size=64, seed=0, path=None):
    """Train an MLP of each depth x width on the same `train_size` examples.

    Returns:
        dict: "train_size", "rows" (one per model: depth, width, parameters, train/test
        loss and accuracy, "gap" = test loss - train loss), and "figure" with `path`.
    """
    splits = split_arrays(dataset)
    rows = []
    for depth in depths:
        for width in widths:
            row = _train(splits, train_size, (width,) * depth, epochs, batch_size, seed, early_stopping=False)
            rows.append({"depth": int(depth), "width": int(width), **row, "gap": row["test_loss"] - row["train_loss"]})
    numbers = {"train_size": int(train_size), "rows": rows}
    if path is not None:
        numbers["figure"] = str(_plot_capacity(rows, path))
    return numbers


def _plot_capacity(rows, path):
    from dlcourse import plots

    fig, ax = plots.figure(size=(5.5, 4.0))
    for depth in sorted({r["depth"] for r in rows}):
        mine = [r for r in rows if r["depth"] == depth]
        line = ax.semilogx([r["width"] for r in mine], [r["test_loss"] for r in mine], "o-", label=f"test, depth {depth}")
        ax.semilogx([r["width"] for r in mine], [r["train_loss"] for r in mine], "s--",
                    color=line[0].get_color(), alpha=0.6, label=f"train, depth {depth}")
    ax.set_xlabel("hidden units per layer (width)")
    ax.set_ylabel("cross-entropy")
    ax.set_title("underfit (left) to overfit (right)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    return plots.save_figure(fig, path)


def scaling_law(dataset="fashion_mnist", sizes=(500, 1000, 2000, 4000, 8000, 16000), widths=(16, 64, 256),
                steps=2000, batch_size=128, seed=0, path=None):
    """Test loss against training-set size for each width, and a power law fitted to each.

    Each run trains for up to about `steps` updates (at most 200 epochs), stopping early
    on the validation loss (checked every ROUND_STEPS updates, patience 3, best weights
    restored).

    Returns:
        dict: "sizes", "widths", "parameters" (per width), "test_loss" {width: [per
        size]}, "fits" {width: fit_power_law(sizes, test_loss)}, "model_fit" (the law
        in the parameter count at the largest size), and "figure" with `path`.
    """
    splits = split_arrays(dataset)
    losses, parameters = {}, {}
    for width in widths:
        losses[str(width)] = []
        for n in sizes:
            epochs = min(200, max(5, math.ceil(steps / math.ceil(n / batch_size))))
            row = _train(splits, n, (width,), epochs, batch_size, seed, early_stopping=True)
            losses[str(width)].append(row["test_loss"])
            parameters[str(width)] = row["parameters"]
    numbers = {
        "sizes": [int(n) for n in sizes], "widths": [int(w) for w in widths], "parameters": parameters,
        "test_loss": losses, "fits": {w: fit_power_law(sizes, v) for w, v in losses.items()},
        "model_fit": fit_power_law(list(parameters.values()), [v[-1] for v in losses.values()])
        if len(widths) > 1 else None,
    }
    if path is not None:
        numbers["figure"] = str(_plot_scaling(numbers, path))
    return numbers


def _plot_scaling(numbers, path):
    from dlcourse import plots

    fig, (ax, ax_model) = plots.figure(ncols=2, size=(4.8, 3.8))
    sizes = np.asarray(numbers["sizes"], dtype=float)
    for width, values in numbers["test_loss"].items():
        fit = numbers["fits"][width]
        line = ax.loglog(sizes, values, "o", label=f"width {width}: alpha = {fit['alpha']:.2f}")
        ax.loglog(sizes, fit["a"] * sizes ** -fit["alpha"], "-", color=line[0].get_color(), linewidth=1)
    ax.set_xlabel("training examples n")
    ax.set_ylabel("test loss")
    ax.legend(fontsize=7)
    counts = list(numbers["parameters"].values())
    ax_model.loglog(counts, [v[-1] for v in numbers["test_loss"].values()], "o-")
    ax_model.set_xlabel(f"parameters (n = {numbers['sizes'][-1]})")
    ax_model.minorticks_off()  # A short log range: the minor labels would overlap.
    for a in (ax, ax_model):
        a.grid(alpha=0.3, which="both")
    return plots.save_figure(fig, path)
