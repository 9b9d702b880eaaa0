"""Learning-rate range test ("LR finder"): sweep the rate up exponentially, watch the loss."""

import dataclasses
import math

import keras
import numpy as np
import tensorflow as tf

from dlcourse import _compat
from dlcourse.errors import DLCourseError


class LearningRateRangeTest(keras.callbacks.Callback):
    """Set the learning rate for each batch from an exponential sweep; record the loss.

    For batch `i = 0, 1, ..., steps - 1`:

        learning_rate_i = min_lr * (max_lr / min_lr) ** (i / (steps - 1))
        loss_i          = the loss of batch i (the metrics are reset before each batch)
        avg             = smoothing * avg + (1 - smoothing) * loss_i      # avg_{-1} = 0
        smoothed_i      = avg / (1 - smoothing ** (i + 1))               # bias-corrected
        stop if smoothed_i > 4 * min(smoothed_0, ..., smoothed_i) or loss_i is not finite

    The rate is assigned to `model.optimizer.learning_rate` (a float variable), so the
    model must be compiled with a float learning rate and `steps_per_execution=1`.

    Args:
        min_lr, max_lr: the first and last learning rates of the sweep, 0 < min_lr < max_lr.
        steps: number of batches in the sweep (>= 10).
        smoothing: `smoothing` above, in [0, 1); 0 means no smoothing.

    Attributes: `learning_rates`, `losses`, `smoothed_losses` (lists, one per batch run).
    """

    def __init__(self, min_lr=1e-6, max_lr=1.0, steps=200, smoothing=0.98):
        super().__init__()
        if not 0 < min_lr < max_lr:
            raise DLCourseError(
                f"Need 0 < min_lr < max_lr. Received: min_lr={min_lr}, max_lr={max_lr}"
            )
        if not isinstance(steps, int) or steps < 10:
            raise DLCourseError(f"`steps` must be an integer >= 10. Received: steps={steps!r}")
        if not 0 <= smoothing < 1:
            raise DLCourseError(f"`smoothing` must be in [0, 1). Received: smoothing={smoothing}")
        self.min_lr, self.max_lr, self.steps, self.smoothing = min_lr, max_lr, steps, smoothing
        self.learning_rates, self.losses, self.smoothed_losses = [], [], []
        self._avg, self._best = 0.0, math.inf

    def rate(self, i):
        return self.min_lr * (self.max_lr / self.min_lr) ** (i / (self.steps - 1))

    def on_train_batch_begin(self, batch, logs=None):
        i = len(self.learning_rates)
        self.model.reset_metrics()  # so that logs["loss"] is this batch's loss alone
        self.model.optimizer.learning_rate = self.rate(i)
        self.learning_rates.append(self.rate(i))

    def on_train_batch_end(self, batch, logs=None):
        loss = float(logs["loss"])
        self.losses.append(loss)
        i = len(self.losses) - 1
        self._avg = self.smoothing * self._avg + (1 - self.smoothing) * loss
        smoothed = self._avg / (1 - self.smoothing ** (i + 1))
        self.smoothed_losses.append(smoothed)
        self._best = min(self._best, smoothed)
        if not math.isfinite(loss) or smoothed > 4 * self._best or i + 1 >= self.steps:
            self.model.stop_training = True


@dataclasses.dataclass(frozen=True)
class LRFinderResult:
    """What `find_learning_rate` measured; `suggestion` is explained there."""

    learning_rates: np.ndarray
    losses: np.ndarray
    smoothed_losses: np.ndarray
    suggestion: float
    method: str  # "steepest" or "min_loss/10"


def find_learning_rate(model, dataset, min_lr=1e-6, max_lr=1.0, steps=200, smoothing=0.98):
    """Run the learning-rate range test on a compiled model, then undo it.

    Trains for up to `steps` batches with the rate growing exponentially from
    `min_lr` to `max_lr` (see `LearningRateRangeTest`), stopping early when the
    smoothed loss exceeds 4 times its best. Afterwards the model's weights and
    the optimizer's variables (iterations, moments, learning rate) are restored
    exactly, so the same model can then be trained for real.

    The suggestion ("steepest"): the learning rate where the smoothed loss falls
    fastest per unit of log(learning rate), i.e. the most negative slope of the
    smoothed loss against log10(lr), searched over the recorded points without the
    first 10 % (smoothing start-up) and the last point. Rates near it train fast
    yet stably (Smith 2017, "Cyclical learning rates", Sec. 3.3). If fewer than
    10 points were recorded, it falls back to "min_loss/10": a tenth of the rate
    at the lowest smoothed loss. Either way it lies strictly inside the swept range.

    Args:
        model: a compiled `keras.Model` whose optimizer's `learning_rate` is a float.
        dataset: a `tf.data.Dataset` of `(x, y)` batches; repeated as needed.
        min_lr, max_lr: the range swept.
        steps: the number of batches in the sweep.
        smoothing: weight of the exponential moving average of the loss.

    Returns:
        An `LRFinderResult` (`learning_rates`, `losses`, `smoothed_losses`,
        `suggestion`, `method`).

    Example:

        result = find_learning_rate(model, train_ds, steps=100)
        plot_lr_finder(result, "lr_finder.png"); print(result.suggestion)
    """
    optimizer = _check_model(model)
    if not isinstance(dataset, tf.data.Dataset):
        raise DLCourseError(
            "`dataset` must be a tf.data.Dataset of (x, y) batches. "
            f"Received: {type(dataset).__name__}"
        )
    sweep = LearningRateRangeTest(min_lr, max_lr, steps, smoothing)
    if not model.built or not model.trainable_variables:
        model(next(iter(dataset))[0])  # create the weights, so they can be saved
    if not optimizer.built:
        optimizer.build(model.trainable_variables)  # so its fresh state can be saved
    weights = model.get_weights()
    optimizer_state = [np.array(v.numpy()) for v in optimizer.variables]
    try:
        model.fit(dataset.repeat(), steps_per_epoch=steps, epochs=1, shuffle=False,
                  verbose=0, callbacks=[sweep])
    finally:
        model.set_weights(weights)
        for variable, value in zip(optimizer.variables, optimizer_state):
            variable.assign(value)
        model.stop_training = False
    rates, smoothed = np.array(sweep.learning_rates), np.array(sweep.smoothed_losses)
    suggestion, method = _suggest(rates[: len(smoothed)], smoothed)
    return LRFinderResult(rates[: len(smoothed)], np.array(sweep.losses), smoothed,
                          suggestion, method)


def _check_model(model):
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not getattr(model, "compiled", False):
        raise DLCourseError("The LR finder needs a compiled model. Call model.compile() first.")
    if isinstance(_compat.learning_rate_value(optimizer), keras.optimizers.schedules.LearningRateSchedule):
        raise DLCourseError(
            "The LR finder needs an optimizer with a float learning_rate, not a schedule. "
            "Compile with e.g. keras.optimizers.SGD(learning_rate=0.01)."
        )
    if getattr(model, "steps_per_execution", 1) != 1:
        raise DLCourseError(
            "The LR finder sets the rate every batch: compile with steps_per_execution=1. "
            f"Received: steps_per_execution={model.steps_per_execution}"
        )
    return optimizer


def _suggest(rates, smoothed):
    """(suggested rate, method) from the sweep; see `find_learning_rate`."""
    finite = np.isfinite(smoothed)
    rates, smoothed = rates[finite], smoothed[finite]
    if len(smoothed) >= 10:
        slopes = np.gradient(smoothed, np.log10(rates))
        start = max(1, len(smoothed) // 10)
        i = start + int(np.argmin(slopes[start:-1]))
        return float(rates[i]), "steepest"
    if len(smoothed) < 2:
        raise DLCourseError(
            "The LR finder stopped after fewer than 2 batches: the loss diverged at once. "
            "Lower min_lr."
        )
    return max(float(rates[int(np.argmin(smoothed))]) / 10, float(rates[1])), "min_loss/10"


def plot_lr_finder(result, path, title="Learning-rate range test"):
    """Loss against learning rate (log axis), raw and smoothed, the suggestion marked.

    Args:
        result: an `LRFinderResult` from `find_learning_rate`.
        path: where to write the PNG.
        title: the figure title.

    Returns:
        The `pathlib.Path` written.
    """
    from dlcourse import plots

    fig, ax = plots.figure(size=(6.0, 4.0))
    ax.plot(result.learning_rates, result.losses, alpha=0.3, label="loss (per batch)")
    ax.plot(result.learning_rates, result.smoothed_losses, label="smoothed loss")
    ax.axvline(result.suggestion, color="red", linestyle="--",
               label=f"suggestion {result.suggestion:.2e} ({result.method})")
    ax.set_xscale("log")
    finite = result.smoothed_losses[np.isfinite(result.smoothed_losses)]
    # Cut the y axis so the diverging tail does not flatten the interesting part.
    if len(finite) and np.max(finite) > 0:
        ax.set_ylim(top=float(np.max(finite[: max(1, len(finite) * 9 // 10)])) * 1.5)
    ax.set_xlabel("learning rate")
    ax.set_ylabel("loss")
    ax.set_title(title)
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    return plots.save_figure(fig, path)
