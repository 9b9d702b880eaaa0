"""Multi-worker training: two worker processes on 127.0.0.1, a kill, a restart.

One scenario (starting TensorFlow workers is the slow part): two workers train the MLP
on digits for 3 epochs; worker 1 kills itself (SIGKILL) right after epoch 2's
checkpoint; worker 0 must then stop with a one-line error instead of hanging; both are
restarted with the same command and finish epoch 3 from the checkpoint. Both end with
identical weights, within 1e-5 of `training.train` on one device with the same global
batch (the train split, 1,280 digits, is 40 full batches of 32, so both see every row).
"""

import json
import os
import socket
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from dlcourse import cli
from dlcourse.testing import REPO_ROOT

SETTINGS = dict(epochs=3, batch_size=32, validation_size=157, seed=0)

WORKER = textwrap.dedent("""
    import os, signal, sys
    import numpy as np
    import keras
    from dlcourse import training
    from dlcourse.training.multi_worker import make_strategy, train_multi_worker
    strategy = make_strategy()
    index, run_dir, die_after_epoch = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])

    class Die(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch + 1 == die_after_epoch:
                os.kill(os.getpid(), signal.SIGKILL)

    config = training.make_config("mlp", "digits", run_dir=run_dir, **SETTINGS)
    result = train_multi_worker(config, strategy=strategy, callbacks=[Die()], verbose=1)
    np.savez(f"{run_dir}-weights-{index}.npz", *result.model.get_weights())
    print("resumed_from_epoch", result.metrics["resumed_from_epoch"], "workers", result.metrics["workers"])
""").replace("**SETTINGS", ", ".join(f"{k}={v!r}" for k, v in SETTINGS.items()))


def _free_ports(n):
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def _start_workers(run_dir, die_after):
    ports = _free_ports(2)
    procs = []
    for index in range(2):
        tf_config = {"cluster": {"worker": [f"127.0.0.1:{p}" for p in ports]}, "task": {"type": "worker", "index": index}}
        env = {**os.environ, "TF_CONFIG": json.dumps(tf_config), "DLCOURSE_OFFLINE": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}
        args = [sys.executable, "-c", WORKER, str(index), str(run_dir), str(die_after[index])]
        procs.append(subprocess.Popen(args, env=env, cwd=REPO_ROOT, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True))
    return procs


def _wait(procs, timeout=300):
    outputs = []
    try:
        for p in procs:
            outputs.append(p.communicate(timeout=timeout))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    return [(p.returncode, out, err) for p, (out, err) in zip(procs, outputs)]


@pytest.mark.slow
def test_two_workers_survive_a_kill_and_match_one_device(tmp_path):
    from dlcourse import training

    run_dir = tmp_path / "run"
    (code0, _, err0), (code1, _, _) = _wait(_start_workers(run_dir, die_after=(0, 2)))
    assert code1 == -9, "worker 1 was to kill itself after epoch 2"
    assert code0 != 0 and "A worker stopped during training (/job:worker/replica:0/task:1 stopped" in err0, err0[-2000:]
    assert json.loads((run_dir / "history.json").read_text())["epochs"][-1]["epoch"] == 2

    finished = _wait(_start_workers(run_dir, die_after=(0, 0)))
    for code, out, err in finished:
        assert code == 0, err[-3000:]
        assert "resumed_from_epoch 2 workers 2" in out
    w0, w1 = (np.load(f"{run_dir}-weights-{i}.npz") for i in range(2))
    assert len(w0.files) == 6
    for name in w0.files:
        np.testing.assert_array_equal(w0[name], w1[name])

    reference = training.train(training.make_config("mlp", "digits", run_dir=str(tmp_path / "ref"), **SETTINGS),
                               verbose=0)
    difference = max(float(np.abs(w0[name] - expected).max()) for name, expected in
                     zip(w0.files, reference.model.get_weights()))
    assert difference <= 1e-5, difference
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert metrics["epochs_run"] == 3 and metrics["workers"] == 2
    assert abs(metrics["test_accuracy"] - reference.metrics["test_accuracy"]) < 0.01


def test_make_strategy_needs_tf_config(monkeypatch):
    from dlcourse.errors import DLCourseError
    from dlcourse.training.multi_worker import make_strategy

    monkeypatch.delenv("TF_CONFIG", raising=False)
    with pytest.raises(DLCourseError, match="reads TF_CONFIG"):
        make_strategy()
    monkeypatch.setenv("TF_CONFIG", '{"cluster": {}}')
    with pytest.raises(DLCourseError, match="must hold cluster.worker and task.index"):
        make_strategy()
    monkeypatch.setenv("TF_CONFIG", '{"cluster": {"worker": ["a:1"]}, "task": {"type": "worker", "index": 3}}')
    with pytest.raises(DLCourseError, match=r"task.index must be in \[0, 1\)"):
        make_strategy()


def test_cli_multi_worker_without_tf_config_is_one_line(monkeypatch, capsys):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    assert cli.main(["train", "mlp", "--multi-worker"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: Multi-worker training reads TF_CONFIG") and err.count("\n") == 1
