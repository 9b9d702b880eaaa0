"""Callbacks that make a run survive `kill -9` and end exactly like an uninterrupted one.

Keras's `BackupAndRestore` restores weights, optimizer state and the epoch, but a resumed
run would differ from an uninterrupted one: the data order restarts, `SeedGenerator`
states (Dropout masks) are not saved by `save_weights`, a NaN epoch gets backed up, and
nothing checks that the re-run asks for the same training. The callbacks here close
those gaps:

- `EpochState` makes epoch `e`'s data order and random numbers a function of `(seed, e)`:
  at each epoch start it points the pipeline's epoch counter at `e` and re-seeds every
  seed generator in the model.
- `Backup` writes, after each epoch, one folder holding the weights, the optimizer
  state, the settings of the run, the history so far and the training time, atomically
  (temp folder, then rename). It never saves non-finite weights, restores on start,
  and refuses a backup made with other settings. The last one stays after training
  (`checkpoint`): re-running a finished run evaluates and exports without retraining.
- `StopOnNaN` stops training at the first non-finite loss and remembers where.
"""

import json
import math
import os
import shutil
import tempfile
import time
from pathlib import Path

import keras
import numpy as np

from dlcourse import _compat
from dlcourse._io import write_json_atomic
from dlcourse.errors import DLCourseError

# Settings that cannot change what is trained: a re-run may differ in these.
RESULT_NEUTRAL_SETTINGS = ("run_dir", "export_dir")


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
        for i, state in enumerate(_compat.seed_generator_states(self.model)):
            # Distinct per generator and per epoch; the second word is the step counter.
            value = np.array([(self.seed * 1_000_003 + epoch * 7919 + i) % 2**31, 0])
            state.assign(keras.ops.convert_to_tensor(value, dtype=state.dtype))


class StopOnNaN(keras.callbacks.Callback):
    """Stops training at the first NaN or infinite loss; `nan_at` says where.

    With several steps per execution Keras reports once per execution, so the step is
    known only to within that many steps: `nan_at["step"]` is the last step checked.
    """

    def __init__(self):
        super().__init__()
        self.nan_at = None
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        # Every loss the model logs: `loss`, and a GAN's `d_loss` and `g_loss`.
        losses = [float(v) for k, v in (logs or {}).items() if k == "loss" or k.endswith("_loss")]
        loss = next((v for v in losses if not math.isfinite(v)), None)
        if loss is not None and self.nan_at is None:
            self.nan_at = {"epoch": self._epoch + 1, "step": batch + 1, "loss": float(loss)}
            self.model.stop_training = True


class Backup(keras.callbacks.Callback):
    """Atomic per-epoch checkpoints of the whole run state; restores on `fit` start.

    Each epoch's state is one folder `epoch-NNNN/` (`model.weights.h5` with the
    optimizer state, and `state.json`: epoch, settings, history rows, training seconds)
    written under a temp name and renamed into place, so a kill at any instant leaves
    the previous complete checkpoint. `history.json` beside it is rewritten from the
    same rows after each checkpoint.

    Args:
        backup_dir: where checkpoints live (created on demand).
        settings: the run's settings (`RunConfig.to_dict()`), recorded and compared.
        history_path: the run's `history.json`.
        nan_guard: the run's `StopOnNaN`, consulted before each save.
    """

    def __init__(self, backup_dir, settings, history_path, nan_guard=None):
        super().__init__()
        self.backup_dir = Path(backup_dir)
        self.settings = json.loads(json.dumps(settings))  # As stored: tuples become lists.
        self.history_path = Path(history_path)
        self.nan_guard = nan_guard
        for stale in self.backup_dir.glob(".tmp-*"):  # Left by a kill during a save.
            shutil.rmtree(stale, ignore_errors=True)
        self.state = self._read_state()
        self.rows = list(self.state.get("history", []))
        self._start = None

    @property
    def restored_epoch(self):
        return int(self.state.get("epoch", 0))

    def latest(self):
        """The newest complete checkpoint folder, or None."""
        if not self.backup_dir.is_dir():
            return None
        done = sorted(p for p in self.backup_dir.glob("epoch-*") if (p / "state.json").is_file())
        return done[-1] if done else None

    def _read_state(self):
        latest = self.latest()
        return json.loads((latest / "state.json").read_text()) if latest else {}

    def check_settings(self):
        """Refuse to resume a checkpoint made with settings other than this run's."""
        saved = self.state.get("settings")
        if saved is None:
            return
        differ = sorted(k for k in set(saved) | set(self.settings)
                        if k not in RESULT_NEUTRAL_SETTINGS and saved.get(k) != self.settings.get(k))
        if differ:
            shown = ", ".join(f"{k}={saved.get(k)!r} -> {self.settings.get(k)!r}" for k in differ[:4])
            raise DLCourseError(
                f"{self.backup_dir.parent} holds a run with other settings ({shown}). "
                "Use another --run-dir, or --restart to discard that run."
            )

    def discard(self):
        """Forget every checkpoint (`--restart`)."""
        shutil.rmtree(self.backup_dir, ignore_errors=True)
        self.state, self.rows = {}, []

    def training_seconds(self):
        """Seconds spent in `fit` over every session of this run."""
        now = time.perf_counter() - self._start if self._start is not None else 0.0
        return float(self.state.get("train_seconds", 0.0)) + now

    def on_train_begin(self, logs=None):
        self._start = time.perf_counter()
        latest = self.latest()
        if latest is None:
            return
        if self.model.optimizer is not None and not self.model.optimizer.built:
            self.model.optimizer.build(self.model.trainable_variables)
        self.model.load_weights(latest / "model.weights.h5")
        _compat.set_initial_epoch(self.model, self.restored_epoch)

    def on_epoch_end(self, epoch, logs=None):
        if self.nan_guard is not None and self.nan_guard.nan_at is not None:
            return
        if not all(np.all(np.isfinite(keras.ops.convert_to_numpy(w))) for w in self.model.weights):
            return
        row = {"epoch": epoch + 1, **{k: float(v) for k, v in (logs or {}).items()}}
        self.rows = [r for r in self.rows if r["epoch"] <= epoch] + [row]
        self._save(epoch + 1)
        write_json_atomic(self.history_path, {"epochs": self.rows})

    def _save(self, epoch):
        self.backup_dir.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=self.backup_dir, prefix=".tmp-"))
        self.model.save_weights(tmp / "model.weights.h5")
        state = {"epoch": epoch, "settings": self.settings, "history": self.rows,
                 "train_seconds": self.training_seconds()}
        write_json_atomic(tmp / "state.json", state)
        final = self.backup_dir / f"epoch-{epoch:04d}"
        if final.exists():
            shutil.rmtree(final)
        os.replace(tmp, final)
        for old in self.backup_dir.iterdir():
            if old != final:
                shutil.rmtree(old, ignore_errors=True)

    def history(self):
        """`{metric: [value per epoch]}` like `keras.callbacks.History.history`."""
        keys = [k for k in (self.rows[0] if self.rows else {}) if k != "epoch"]
        return {k: [r.get(k) for r in self.rows] for k in keys}
