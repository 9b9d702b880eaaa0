"""Callbacks that make a run survive `kill -9` and end exactly like an uninterrupted one.

Keras's `BackupAndRestore` restores weights, optimizer state and the epoch, but a resumed
run differs from an uninterrupted one in three ways (see shared KERAS3-NOTES): the data
order restarts, `SeedGenerator` states (Dropout masks) are not saved, and a NaN epoch is
backed up. The callbacks here close those gaps:

- `EpochState` makes epoch `e`'s data order and random numbers a function of `(seed, e)`:
  at each epoch start it points the pipeline's epoch counter at `e` and re-seeds every
  seed generator in the model.
- `Backup` writes each epoch's weights and optimizer state as one folder, atomically
  (temp folder, then rename), never saves non-finite weights, and restores on start.
- `StopOnNaN` stops training at the first non-finite loss and remembers where.
- `HistoryLog` keeps the per-epoch logs on disk, so the history survives a resume.
"""

import json
import math
import os
import shutil
import tempfile
from pathlib import Path

import keras
import numpy as np

from dlcourse._io import write_json_atomic


class EpochState(keras.callbacks.Callback):
    """At each epoch start, sets the data's epoch counter and re-seeds the model's noise.

    Args:
        seed: the run's seed.
        epoch_counter: the training pipeline's `tf.Variable` epoch counter (or None).
    """

    def __init__(self, seed, epoch_counter=None):
        super().__init__()
        self.seed = int(seed)
        self.epoch_counter = epoch_counter

    def on_epoch_begin(self, epoch, logs=None):
        if self.epoch_counter is not None:
            self.epoch_counter.assign(epoch)
        for i, state in enumerate(seed_states(self.model)):
            # Distinct per generator and per epoch; the second word is the step counter.
            value = np.array([(self.seed * 1_000_003 + epoch * 7919 + i) % 2**31, 0])
            state.assign(keras.ops.convert_to_tensor(value, dtype=state.dtype))


def seed_states(model):
    """The `SeedGenerator` state variables of `model` (in `variables`, not in `weights`)."""
    weights = {id(w) for w in model.weights}
    return [v for v in model.variables if id(v) not in weights and "seed_generator_state" in v.path]


class StopOnNaN(keras.callbacks.Callback):
    """Stops training at the first NaN or infinite loss; `nan_at` says where."""

    def __init__(self):
        super().__init__()
        self.nan_at = None
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)) and self.nan_at is None:
            self.nan_at = {"epoch": self._epoch + 1, "batch": batch + 1, "loss": float(loss)}
            self.model.stop_training = True


class Backup(keras.callbacks.Callback):
    """Atomic per-epoch backups of weights and optimizer state; restores on `fit` start.

    Each epoch's state is one folder `epoch-NNNN/` (weights + `state.json`) written under a
    temp name and renamed into place, so a kill at any instant leaves the previous
    complete backup. Non-finite weights are never saved. The folder is removed when
    training ends normally and kept when it stopped on NaN.

    Args:
        backup_dir: where backups live (created on demand).
        nan_guard: the run's `StopOnNaN`, consulted before each save.
    """

    def __init__(self, backup_dir, nan_guard=None):
        super().__init__()
        self.backup_dir = Path(backup_dir)
        self.nan_guard = nan_guard
        self.restored_epoch = 0

    def latest(self):
        """The newest complete backup folder, or None."""
        if not self.backup_dir.is_dir():
            return None
        done = sorted(p for p in self.backup_dir.glob("epoch-*") if (p / "state.json").is_file())
        return done[-1] if done else None

    def on_train_begin(self, logs=None):
        latest = self.latest()
        if latest is None:
            return
        if self.model.optimizer is not None and not self.model.optimizer.built:
            self.model.optimizer.build(self.model.trainable_variables)
        self.model.load_weights(latest / "model.weights.h5")
        self.restored_epoch = json.loads((latest / "state.json").read_text())["epoch"]
        self.model._initial_epoch = self.restored_epoch  # Read by `fit` after this hook.

    def on_epoch_end(self, epoch, logs=None):
        if self.nan_guard is not None and self.nan_guard.nan_at is not None:
            return
        if not all(np.all(np.isfinite(keras.ops.convert_to_numpy(w))) for w in self.model.weights):
            return
        self.backup_dir.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=self.backup_dir, prefix=".tmp-"))
        self.model.save_weights(tmp / "model.weights.h5")
        (tmp / "state.json").write_text(json.dumps({"epoch": epoch + 1}))
        final = self.backup_dir / f"epoch-{epoch + 1:04d}"
        if final.exists():
            shutil.rmtree(final)
        os.replace(tmp, final)
        for old in self.backup_dir.iterdir():
            if old != final:
                shutil.rmtree(old, ignore_errors=True)

    def on_train_end(self, logs=None):
        stopped_on_nan = self.nan_guard is not None and self.nan_guard.nan_at is not None
        if not stopped_on_nan and self.backup_dir.exists():
            shutil.rmtree(self.backup_dir)


class HistoryLog(keras.callbacks.Callback):
    """Writes the per-epoch logs to a JSON file after every epoch (atomically).

    On a resumed run the epochs before the restart are kept, so `history()` is the
    whole run's history, as an uninterrupted run would have it.
    """

    def __init__(self, path, resume=False):
        super().__init__()
        self.path = Path(path)
        self.epochs = self._read() if resume else []

    def _read(self):
        if not self.path.is_file():
            return []
        return json.loads(self.path.read_text())["epochs"]

    def on_epoch_end(self, epoch, logs=None):
        row = {"epoch": epoch + 1, **{k: float(v) for k, v in (logs or {}).items()}}
        self.epochs = [r for r in self.epochs if r["epoch"] <= epoch] + [row]
        write_json_atomic(self.path, {"epochs": self.epochs})

    def history(self):
        """`{metric: [value per epoch]}` like `keras.callbacks.History.history`."""
        keys = [k for k in (self.epochs[0] if self.epochs else {}) if k != "epoch"]
        return {k: [r.get(k) for r in self.epochs] for k in keys}
