"""Cut the learning rate when the monitored quantity stops improving (lecture 3's rule)."""

import keras
import numpy as np

from dlcourse import _compat
from dlcourse.callbacks._monitor import check_mode, improves, maximise, monitored
from dlcourse.errors import DLCourseError

_Schedule = keras.optimizers.schedules.LearningRateSchedule


@keras.saving.register_keras_serializable(package="dlcourse")
class ReduceLROnPlateau(keras.callbacks.Callback):
    """Reduce the learning rate on a plateau. Mirrors `keras.callbacks.ReduceLROnPlateau`.

    At the end of each epoch `e`, with `v = logs[monitor]` and `lr` the optimizer's rate:

        logs["learning_rate"] = lr
        if cooldown_counter > 0:  cooldown_counter -= 1; wait = 0
        if v improves on best by more than min_delta:  best = v; wait = 0
        elif cooldown_counter == 0:
            wait += 1
            if wait >= patience and lr > min_lr:
                lr = max(lr * factor, min_lr)
                cooldown_counter = cooldown; wait = 0

    "Improves by more than min_delta" is `v < best - min_delta` in min mode and
    `v > best + min_delta` in max mode; the first value always improves.
    `mode="auto"` minimises names ending in `loss`, maximises accuracy-like names,
    then asks the model's compiled metric for its direction. While `lr <= min_lr` no
    cut happens and `wait` keeps growing, as in Keras. Unlike Keras, an unknown
    `mode` or a learning-rate schedule raises at once (a schedule cannot be cut).

    The lecture's rule "divide the rate by 10 when the validation error plateaus"
    is `ReduceLROnPlateau("val_loss", factor=0.1, patience=...)`.

    Args:
        monitor: the logged quantity to watch, e.g. `"val_loss"`.
        factor: float in [0, 1), what the rate is multiplied by at each cut.
        patience: int >= 0, epochs without improvement before a cut.
        verbose: 1 prints a line at each cut.
        mode: `"auto"`, `"min"` or `"max"` (see above).
        min_delta: float, a change of `min_delta` or less is no improvement.
        cooldown: int >= 0, epochs after a cut during which `wait` stays 0.
        min_lr: float >= 0, the rate is never cut below it.

    Example:

        model.fit(x, y, validation_split=0.2, epochs=50,
                  callbacks=[ReduceLROnPlateau(factor=0.5, patience=3, min_lr=1e-5)])
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto",
                 min_delta=1e-4, cooldown=0, min_lr=0.0):
        super().__init__()
        if not 0.0 <= factor < 1.0:
            raise DLCourseError(f"`factor` must be in [0, 1). Received: factor={factor}")
        if patience < 0 or cooldown < 0 or min_lr < 0:
            raise DLCourseError(
                "`patience`, `cooldown` and `min_lr` must be >= 0. "
                f"Received: patience={patience}, cooldown={cooldown}, min_lr={min_lr}"
            )
        self.monitor, self.mode = monitor, check_mode(mode)
        self.factor, self.patience, self.verbose = float(factor), patience, verbose
        self.min_delta, self.cooldown, self.min_lr = abs(min_delta), cooldown, float(min_lr)
        self._maximise = None
        self._reset()

    def _reset(self):
        self.best, self.wait, self.cooldown_counter = None, 0, 0

    def on_train_begin(self, logs=None):
        if isinstance(_compat.learning_rate_value(self.model.optimizer), _Schedule):
            raise DLCourseError(
                "ReduceLROnPlateau needs an optimizer with a float learning_rate, not a schedule. "
                "Compile with e.g. keras.optimizers.SGD(learning_rate=0.1)."
            )
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        optimizer = self.model.optimizer
        logs["learning_rate"] = float(keras.ops.convert_to_numpy(optimizer.learning_rate))
        current = monitored(logs, self.monitor, "ReduceLROnPlateau")
        if current is None:
            return
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self._improves(current):
            self.best, self.wait = current, 0
        elif self.cooldown_counter == 0:
            self.wait += 1
            if self.wait >= self.patience and self._cut(optimizer, epoch, logs["learning_rate"]):
                self.cooldown_counter, self.wait = self.cooldown, 0

    def _improves(self, value):
        if self.best is not None and self._maximise is None:
            self._maximise = maximise(self.monitor, self.mode, self.model, "ReduceLROnPlateau")
        return improves(value, self.best, self._maximise, self.min_delta)

    def _cut(self, optimizer, epoch, old_lr):
        # Compared in float32, as Keras does: the optimizer holds the rate in float32.
        if not old_lr > np.float32(self.min_lr):
            return False
        new_lr = max(old_lr * self.factor, self.min_lr)
        optimizer.learning_rate = new_lr
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new_lr}.")
        return True

    def get_config(self):
        return {
            "monitor": self.monitor, "factor": self.factor, "patience": self.patience,
            "verbose": self.verbose, "mode": self.mode, "min_delta": self.min_delta,
            "cooldown": self.cooldown, "min_lr": self.min_lr,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)
