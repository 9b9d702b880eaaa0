"""`dlcourse tune`: one-line errors, and a search killed with SIGKILL mid-trial then re-run."""

import csv
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from dlcourse import cli
from dlcourse.testing import REPO_ROOT


@pytest.mark.parametrize("argv, message", [
    (["tune", "nope"], "Unknown recipe 'nope'"),
    (["tune", "mlp", "--max-trials", "0"], "`max_trials` must be at least 1"),
    (["tune", "mlp", "--workers", "2", "--distributed"], "--workers starts its own chief"),
    (["tune", "mlp", "--workers", "0"], "`workers` must be at least 1"),
])
def test_bad_arguments_print_one_line_and_exit_2(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # Nothing may be written in the repository.
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1, err


def _tune(directory):
    args = [sys.executable, "-m", "dlcourse.cli", "tune", "mlp", "--dataset", "digits", "--tuner", "random",
            "--max-trials", "3", "--epochs", "6", "--dir", str(directory)]
    env = {**os.environ, "DLCOURSE_OFFLINE": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}
    return subprocess.Popen(args, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _midway_through_second_trial(directory):
    runs = sorted((directory / "runs").glob("mlp@*"), key=lambda p: p.stat().st_mtime) \
        if (directory / "runs").is_dir() else []
    if len(runs) < 2:
        return None
    run = runs[-1]
    if not (run / "metrics.json").exists() and list(run.glob("backup/epoch-0002")):
        return run
    return None


@pytest.mark.slow
def test_a_search_killed_mid_trial_resumes_with_exactly_max_trials(tmp_path):
    directory = tmp_path / "search"
    proc = _tune(directory)
    deadline, killed_run = time.monotonic() + 600, None
    while proc.poll() is None and time.monotonic() < deadline and killed_run is None:
        killed_run = _midway_through_second_trial(directory)
        time.sleep(0.05)
    assert killed_run is not None, "the search ended before the second trial's second epoch"
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()

    again = _tune(directory)
    out, err = again.communicate(timeout=900)
    assert again.returncode == 0, err[-3000:]
    with open(directory / "results.csv") as f:
        rows = list(csv.DictReader(f))
    assert [r["trial"] for r in rows] == ["0", "1", "2"], "exactly max_trials trials"
    assert {r["status"] for r in rows} <= {"COMPLETED", "FAILED"}
    # A warm-up longer than a short digits run (6 epochs: 66 to 246 steps) cannot run.
    assert all("`warmup_steps` must be smaller than `decay_steps`" in r["reason"]
               for r in rows if r["status"] == "FAILED")
    assert len(list((directory / "runs").glob("mlp@*"))) == 3, "one run per trial: none repeated"
    assert next(r["status"] for r in rows if r["run_dir"] == str(killed_run)) == "COMPLETED"
    metrics = json.loads((killed_run / "metrics.json").read_text())
    assert metrics["resumed_from_epoch"] >= 2 and metrics["epochs_run"] == 6, "went on from its checkpoint"
    assert (directory / "best" / "1" / "saved_model.pb").is_file() and "best: trial" in out


def test_workers_launch_a_local_chief_and_workers_running_the_same_search(monkeypatch, capsys, tmp_path):
    from dlcourse import tuning
    from dlcourse.tuning import ClusterOutcome

    seen = {}

    def fake_launch(command, **kwargs):
        seen.update(command=command, **kwargs)
        return ClusterOutcome("worker_died", "distributed search worker died: ...", {}, {}, 1.0)

    monkeypatch.setattr(tuning, "launch", fake_launch)
    code = cli.main(["tune", "mlp", "--workers", "3", "--time-limit", "60", "--max-trials", "4",
                     "--dataset", "digits", "--dir", str(tmp_path / "s")])
    assert code == 1 and capsys.readouterr().out.startswith("distributed search worker died")
    command = seen["command"]
    assert command[1:5] == ["-m", "dlcourse.cli", "tune", "mlp"] and command[-1] != "--workers"
    assert "--distributed" in command and "--workers" not in command
    assert command[command.index("--max-trials") + 1] == "4" and command[command.index("--dataset") + 1] == "digits"
    assert seen["workers"] == 3 and seen["time_limit"] == 60 and seen["project_dir"] == tmp_path / "s" / "search"
