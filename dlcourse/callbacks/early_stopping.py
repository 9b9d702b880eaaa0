"""Early stopping, written from scratch: stop when the monitored value stops improving."""

import keras

from dlcourse.callbacks._monitor import check_mode, improves, maximise, monitored
from dlcourse.errors import DLCourseError


@keras.saving.register_keras_serializable(package="dlcourse")
class EarlyStopping(keras.callbacks.Callback):
    """Early stopping as a regulariser. Mirrors `keras.callbacks.EarlyStopping`.

    At the end of each epoch `e = 0, 1, ...` whose logs hold `v = logs[monitor]`:

        if e < start_from_epoch: skip the epoch
        wait = wait + 1
        if best is None or v improves on best by more than min_delta:
            best, best_epoch = v, e
            keep a copy of the weights              # if restore_best_weights
            if baseline is None or v also improves on baseline: wait = 0
        elif wait >= patience and e > 0:
            stopped_epoch = e; stop training
    at the end of training:
        if restore_best_weights: weights = the copy kept at best_epoch

    "Improves by more than min_delta" is `v < best - min_delta` in min mode and
    `v > best + min_delta` in max mode. `mode="auto"` minimises names ending in
    `loss` (and `val_` versions), maximises accuracy-like names (accuracy, auc,
    precision, recall, ...), then asks the model's compiled metrics for their
    direction, and raises if it still cannot tell. The two quirks of Keras are kept
    on purpose, so both callbacks stop on the same epoch for the same history: the
    first monitored epoch is always an improvement and never stops training
    (`e > 0`), and weights are restored at the end of training even when training
    did not stop early. Unlike Keras, an unknown `mode` raises instead of falling
    back to `auto`.

    Args:
        monitor: the logged quantity to watch, e.g. `"val_loss"`, `"val_accuracy"`.
        min_delta: a change of `min_delta` or less (absolute) is no improvement.
        patience: epochs without improvement tolerated before stopping.
        mode: `"min"`, `"max"` or `"auto"` (see above).
        restore_best_weights: load the best epoch's weights at the end of training.
        start_from_epoch: epochs ignored at the start (a warm-up with no stopping).
        baseline: optional value to beat; while it is not beaten, `wait` keeps growing.

    Attributes (after training): `stopped_epoch` (0 if it never stopped), `best`,
    `best_epoch`, `wait`.

    Example:

        model.fit(x, y, validation_split=0.2, epochs=100,
                  callbacks=[EarlyStopping(patience=5, restore_best_weights=True)])
    """

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, mode="auto",
                 restore_best_weights=False, start_from_epoch=0, baseline=None):
        super().__init__()
        check_mode(mode)
        if patience < 0 or start_from_epoch < 0:
            raise DLCourseError(
                "`patience` and `start_from_epoch` must be >= 0. "
                f"Received: patience={patience}, start_from_epoch={start_from_epoch}"
            )
        self.monitor = monitor
        self.min_delta = abs(min_delta)
        self.patience = patience
        self.mode = mode
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.baseline = baseline
        self._maximise = None
        self._reset()

    def _reset(self):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_epoch = 0
        self.best_weights = None

    def on_train_begin(self, logs=None):
        # Instances can be reused across `fit` calls.
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        current = monitored(logs or {}, self.monitor, "EarlyStopping")
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights, self.best_epoch = self.model.get_weights(), epoch
        self.wait += 1
        if self._improves(current, self.best):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._improves(current, self.baseline):
                self.wait = 0
        elif self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.restore_best_weights and self.best_weights is not None:
            self.model.set_weights(self.best_weights)

    def _improves(self, value, reference):
        if reference is not None and self._maximise is None:
            self._maximise = maximise(self.monitor, self.mode, self.model, "EarlyStopping")
        return improves(value, reference, self._maximise, self.min_delta)

    def get_config(self):
        return {
            "monitor": self.monitor, "min_delta": self.min_delta, "patience": self.patience,
            "mode": self.mode, "restore_best_weights": self.restore_best_weights,
            "start_from_epoch": self.start_from_epoch, "baseline": self.baseline,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)
