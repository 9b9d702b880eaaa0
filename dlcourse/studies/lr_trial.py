"""The lecture's learning-rate trial: log-spaced rates on a small subset, then the full run.

Before a long run, train the recipe's model for a few epochs on a small subset with each
of a few log-spaced rates,

    rates = 1e-1, 10 ** -1.5, 1e-2, 10 ** -2.5, 1e-3          (np.logspace(-1, -3, 5))

and keep the rate with the lowest validation loss (a diverged run, loss not finite,
is out). Minutes instead of hours, and the trial's curves show both failure modes: a
rate too large diverges or stalls high, one too small crawls. `lr_trial(...,
full_run=True)` then trains the recipe on the whole data with the chosen rate through
the runner (`dlcourse.training.train`).

Example:

    trial = studies.lr_trial("mlp", "digits", subset=500, trial_epochs=3)
    trial["best"]                     # e.g. 0.1 for SGD on digits
    studies.lr_trial("mlp", "digits", full_run=True, epochs=40, run_dir="runs/mlp_best")

Reference: Bengio, "Practical recommendations for gradient-based training of deep
architectures", 2012, Sec. 3.1 (the learning rate first, on a log scale).
"""

import keras
import numpy as np

from dlcourse.errors import DLCourseError
from dlcourse.studies._subsets import split_arrays, subset

DEFAULT_TRIAL_RATES = tuple(float(r) for r in np.logspace(-1, -3, 5))


def _trial_run(recipe, config, splits, rate, n, epochs, seed):
    """The recipe's model with its optimizer at `rate`, `epochs` on n examples: losses."""
    from dlcourse import optimizers

    x, y = subset(*splits["train"], n, seed)
    keras.utils.set_random_seed(seed)
    model = recipe.build(x.shape[1:], int(splits["train"][1].max()) + 1)
    model.compile(optimizers.get(config.optimizer, learning_rate=rate), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, batch_size=config.batch_size, epochs=int(epochs),
                        validation_data=splits["validation"], verbose=0).history
    val_loss = history["val_loss"][-1]
    return {"learning_rate": float(rate), "loss": [float(v) for v in history["loss"]],
            "val_loss": float(val_loss), "val_accuracy": float(history["val_accuracy"][-1]),
            "diverged": bool(not np.isfinite(val_loss))}


def lr_trial(recipe="mlp", dataset="fashion_mnist", rates=DEFAULT_TRIAL_RATES, subset=2000, trial_epochs=3,
             seed=0, full_run=False, path=None, **overrides):
    """Try each rate on `subset` examples for `trial_epochs`; pick the best; optionally train.

    Args:
        recipe, dataset: what to train, on what (the recipe's optimizer and batch size).
        rates: learning rates to try (default `DEFAULT_TRIAL_RATES`, 1e-1 to 1e-3).
        subset: training examples for the trial (validation: the whole validation split).
        trial_epochs: epochs per trial run.
        full_run: then train the recipe on the full data with the best rate (runner).
        path: a .png for the trial's curves and validation losses.
        **overrides: `RunConfig` fields for the full run (epochs, run_dir, ...).

    Returns:
        dict: "trials" (one per rate: learning_rate, loss per epoch, val_loss,
        val_accuracy, diverged), "best" (the chosen rate), "at_edge" (the best is the
        largest or smallest rate tried), "optimizer", "subset", and with `full_run`
        "full_metrics" (the runner's metrics.json); "figure" with `path`.
    """
    from dlcourse.training import get_recipe, make_config

    if not rates or any(not r > 0 for r in rates):
        raise DLCourseError(f"`rates` must be positive learning rates. Received: rates={rates}")
    config = make_config(recipe, dataset)
    splits = split_arrays(dataset)
    trials = [_trial_run(get_recipe(recipe), config, splits, r, subset, trial_epochs, seed) for r in rates]
    finite = [t for t in trials if not t["diverged"]]
    if not finite:
        raise DLCourseError(f"Every trial rate diverged: try smaller rates than {min(rates):g}.")
    best = min(finite, key=lambda t: t["val_loss"])["learning_rate"]
    # The best rate at an end of the range: the best may lie beyond it (widen the range).
    numbers = {"trials": trials, "best": best, "at_edge": best in (max(rates), min(rates)),
               "optimizer": config.optimizer, "subset": int(subset)}
    if full_run:
        from dlcourse.training import train

        result = train(make_config(recipe, dataset, learning_rate=best, seed=seed, **overrides), verbose=0)
        numbers["full_metrics"] = result.metrics
    if path is not None:
        numbers["figure"] = str(_plot(numbers, path))
    return numbers


def _plot(numbers, path):
    from dlcourse import plots

    fig, (ax, ax_val) = plots.figure(ncols=2, size=(4.6, 3.6))
    for trial in numbers["trials"]:
        loss = np.asarray(trial["loss"], dtype=float)
        ax.semilogy(np.arange(1, len(loss) + 1), np.where(np.isfinite(loss), loss, np.nan), "o-",
                    label=f"{trial['learning_rate']:.2g}")
    ax.set_xlabel("epoch (trial)")
    ax.set_ylabel("training loss")
    ax.legend(title="learning rate", fontsize=7)
    rates = [t["learning_rate"] for t in numbers["trials"]]
    values = [t["val_loss"] if not t["diverged"] else np.nan for t in numbers["trials"]]
    ax_val.semilogx(rates, values, "o-")
    ax_val.axvline(numbers["best"], color="k", linestyle=":", label=f"best {numbers['best']:.2g}")
    ax_val.set_xlabel("learning rate")
    ax_val.set_ylabel("validation loss after the trial")
    ax_val.legend()
    for a in (ax, ax_val):
        a.grid(alpha=0.3)
    return plots.save_figure(fig, path)
