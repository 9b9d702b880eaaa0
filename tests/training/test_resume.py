"""Kill -9 a training process mid-epoch, re-run it, and compare with an uninterrupted run."""

import json
import textwrap

import keras
import numpy as np
import pytest

from dlcourse import training
from dlcourse.testing import run_python

SCRIPT = textwrap.dedent("""
    import json, os, signal, sys
    import keras, numpy as np
    from dlcourse import training
    from dlcourse.models import build_mlp

    # Dropout: its masks must also replay identically after the restart.
    training.register(training.Recipe(
        name="mlp_dropout_resume", description="test",
        build=lambda shape, k: build_mlp(shape, k, dropout=0.3),
        settings=dict(epochs=5, batch_size=32, optimizer="momentum", learning_rate=0.05, jit_compile=True)))
    run_dir, kill_epoch, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]

    class KillMidEpoch(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch
        def on_train_batch_end(self, batch, logs=None):
            if self.epoch == kill_epoch:
                os.kill(os.getpid(), signal.SIGKILL)
        def on_train_end(self, logs=None):  # After the last checkpoint, before metrics and export.
            if kill_epoch == 99:
                os.kill(os.getpid(), signal.SIGKILL)

    config = training.make_config("mlp_dropout_resume", "digits", run_dir=run_dir, seed=11)
    result = training.train(config, callbacks=[KillMidEpoch()], verbose=0)
    np.savez(out, *result.model.get_weights())
    print(json.dumps(result.metrics))
""")


def _run(tmp_path, run_dir, kill_epoch, out):
    code = SCRIPT.replace("sys.argv[1], int(sys.argv[2]), sys.argv[3]",
                          f"{str(run_dir)!r}, {kill_epoch}, {str(out)!r}")
    return run_python(code)


def test_resume_after_kill_matches_uninterrupted_run(tmp_path):
    straight = _run(tmp_path, tmp_path / "straight", -1, tmp_path / "straight.npz")
    assert straight.returncode == 0, straight.stderr[-2000:]

    killed = _run(tmp_path, tmp_path / "resumed", 2, tmp_path / "unused.npz")
    assert killed.returncode == -9, killed.stderr[-2000:]
    assert (tmp_path / "resumed" / "backup" / "epoch-0002" / "state.json").is_file()

    resumed = _run(tmp_path, tmp_path / "resumed", -1, tmp_path / "resumed.npz")
    assert resumed.returncode == 0, resumed.stderr[-2000:]

    a, b = json.loads(straight.stdout.splitlines()[-1]), json.loads(resumed.stdout.splitlines()[-1])
    assert b["resumed_from_epoch"] == 2 and a["resumed_from_epoch"] == 0
    assert b["epochs_run"] == a["epochs_run"] == 5
    wa, wb = np.load(tmp_path / "straight.npz"), np.load(tmp_path / "resumed.npz")
    assert max(float(np.max(np.abs(wa[k] - wb[k]))) for k in wa.files) == 0.0
    assert b["test_loss"] == a["test_loss"] and b["test_accuracy"] == a["test_accuracy"]
    ha = json.loads((tmp_path / "straight" / "history.json").read_text())["epochs"]
    hb = json.loads((tmp_path / "resumed" / "history.json").read_text())["epochs"]
    assert [r["loss"] for r in ha] == [r["loss"] for r in hb]


@pytest.mark.slow  # The same case in process, with an exception for the kill, runs in `make test`.
def test_kill_after_the_last_epoch_does_not_retrain(tmp_path):
    killed = _run(tmp_path, tmp_path / "run", 99, tmp_path / "unused.npz")
    assert killed.returncode == -9, killed.stderr[-2000:]
    assert not (tmp_path / "run" / "metrics.json").exists()
    history = json.loads((tmp_path / "run" / "history.json").read_text())["epochs"]
    assert [r["epoch"] for r in history] == [1, 2, 3, 4, 5], "every finished epoch is recorded"

    again = _run(tmp_path, tmp_path / "run", -1, tmp_path / "again.npz")
    assert again.returncode == 0, again.stderr[-2000:]
    metrics = json.loads(again.stdout.splitlines()[-1])
    assert metrics["resumed_from_epoch"] == 5 and metrics["epochs_run"] == 5
    assert "resuming from epoch 5 of 5" in again.stdout


class _DiesAfterTheLastEpoch(keras.callbacks.Callback):
    """Raises where the kill lands in the test above: after the last checkpoint, before
    metrics and export."""

    def on_train_end(self, logs=None):
        raise RuntimeError("died after the last epoch")


def test_death_after_the_last_epoch_does_not_retrain(tmp_path):
    config = training.make_config("mlp", "digits", epochs=3, seed=3, run_dir=str(tmp_path / "run"))
    with pytest.raises(RuntimeError, match="died after the last epoch"):
        training.train(config, callbacks=[_DiesAfterTheLastEpoch()], verbose=0)
    assert not (tmp_path / "run" / "metrics.json").exists()
    history = json.loads((tmp_path / "run" / "history.json").read_text())["epochs"]
    assert [r["epoch"] for r in history] == [1, 2, 3], "every finished epoch is recorded"

    again = training.train(config, verbose=0)
    assert again.metrics["resumed_from_epoch"] == 3 and again.metrics["epochs_run"] == 3
    assert len(again.history["loss"]) == 3
