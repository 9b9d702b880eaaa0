"""keras-tuner's distributed mode on 127.0.0.1: the launcher's outcomes, then a real search.

The launcher is tested first with stand-in processes (no TensorFlow: a second each) that
play the chief and the workers; then one real search runs with a chief and two workers,
one of which is killed mid-trial and restarted.
"""

import csv
import json
import os
import signal
import sys
import textwrap
import time

import pytest

from dlcourse.tuning import LocalCluster, launch

# Plays a role, by KERASTUNER_TUNER_ID: the chief exits 0 once every worker is done
# (or never, with "hang"); tuner1 kills itself on its first start with "die".
STAND_IN = textwrap.dedent("""
    import os, pathlib, signal, sys, time
    role, folder, mode = os.environ["KERASTUNER_TUNER_ID"], pathlib.Path(sys.argv[1]), sys.argv[2]
    with open(folder / f"{role}.starts", "a") as f:
        f.write("x")
    if role == "chief":
        while mode == "hang" or not all((folder / f"tuner{i}.done").exists() for i in range(2)):
            time.sleep(0.05)
        sys.exit(0)
    if role == "tuner1" and mode == "die" and len((folder / "tuner1.starts").read_text()) == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    if mode == "hang":
        time.sleep(600)
    (folder / f"{role}.done").write_text("")
""")


def _stand_in(tmp_path, mode):
    return [sys.executable, "-c", STAND_IN, str(tmp_path), mode]


def test_a_dead_worker_is_restarted_with_its_id_and_the_search_completes(tmp_path):
    outcome = launch(_stand_in(tmp_path, "die"), workers=2, time_limit=60, restarts=1, log_dir=tmp_path / "logs")
    assert outcome.ok, outcome.message
    assert outcome.restarts == {"tuner0": 0, "tuner1": 1}
    assert (tmp_path / "tuner1.starts").read_text() == "xx"
    assert outcome.returncodes == {"chief": 0, "tuner0": 0, "tuner1": 0}


def test_past_its_restarts_a_dead_worker_stops_the_chief_instead_of_a_hang(tmp_path):
    start = time.monotonic()
    outcome = launch(_stand_in(tmp_path, "die"), workers=2, time_limit=120, restarts=0)
    assert outcome.status == "worker_died" and time.monotonic() - start < 30
    assert "worker tuner1 died (exit status -9)" in outcome.message and "\n" not in outcome.message
    assert "run the same command again to resume" in outcome.message
    assert outcome.returncodes["chief"] is not None and outcome.returncodes["chief"] != 0, "the chief was stopped"


def test_the_time_limit_stops_every_process(tmp_path):
    cluster = LocalCluster(_stand_in(tmp_path, "hang"), workers=2, time_limit=2).start()
    outcome = cluster.wait()
    assert outcome.status == "timed_out" and "time limit of 2 s" in outcome.message
    assert all(p.poll() is not None for p in cluster.processes.values())


def _ongoing(project):
    path = project / "oracle.json"
    try:
        return json.loads(path.read_text()).get("ongoing_trials", {})
    except (OSError, ValueError):  # Not written yet, or being rewritten.
        return {}


@pytest.mark.slow
def test_a_chief_and_two_workers_share_the_trials_and_survive_a_kill(tmp_path):
    directory = tmp_path / "search"
    command = [sys.executable, "-m", "dlcourse.cli", "tune", "mlp", "--dataset", "digits", "--tuner", "random",
               "--max-trials", "3", "--epochs", "3", "--dir", str(directory), "--distributed"]
    cluster = LocalCluster(command, workers=2, time_limit=900, restarts=1, log_dir=directory / "logs",
                           project_dir=directory / "search").start()
    deadline = time.monotonic() + 600
    while "tuner1" not in _ongoing(directory / "search") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "tuner1" in _ongoing(directory / "search"), "tuner1 never got a trial"
    os.kill(cluster.processes["tuner1"].pid, signal.SIGKILL)
    outcome = cluster.wait()

    assert outcome.ok, outcome.message
    assert outcome.restarts["tuner1"] == 1
    with open(directory / "results.csv") as f:
        rows = list(csv.DictReader(f))
    assert [r["trial"] for r in rows] == ["0", "1", "2"] and all(r["status"] in ("COMPLETED", "FAILED") for r in rows)
    assert len(list((directory / "runs").glob("mlp@*"))) == 3, "no trial ran twice under two run dirs"
    for worker in ("tuner0", "tuner1"):
        assert "Epoch 1/" in (directory / "logs" / f"{worker}.log").read_text(), f"{worker} trained no trial"
    assert (directory / "best" / "1" / "saved_model.pb").is_file()
