import json

import pytest

from dlcourse.testing import run_cli


def test_datasets_lists_each_with_availability_and_source():
    proc = run_cli("datasets")
    assert proc.returncode == 0, proc.stderr
    rows = {line.split()[0]: line for line in proc.stdout.splitlines()}
    assert set(rows) == {"fashion_mnist", "mnist", "digits", "cifar10"}
    assert "yes" in rows["digits"] and "scikit-learn" in rows["digits"]


@pytest.mark.parametrize("command", [[], ["train"], ["predict"], ["datasets"], ["practical"]])
def test_help(command):
    proc = run_cli(*command, "--help")
    assert proc.returncode == 0 and "usage: dlcourse" in proc.stdout


def test_train_lists_recipes():
    proc = run_cli("train", "--list")
    assert proc.returncode == 0 and "mlp" in proc.stdout and "52,650" in proc.stdout


@pytest.mark.parametrize("args, message", [
    (["train", "nope"], "Unknown recipe 'nope'"),
    (["train", "mlp", "--dataset", "imagenet"], "Unknown dataset 'imagenet'"),
    (["train", "mlp", "--dataset", "digits", "--epochs", "0"], "`epochs` must be at least 1"),
    (["practical", "9"], "No practical 9"),
])
def test_errors_are_one_line_with_status_2(args, message):
    proc = run_cli(*args)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], proc.stderr


def test_train_prints_metrics_json(tmp_path):
    proc = run_cli("train", "mlp", "--dataset", "digits", "--epochs", "2", "--run-dir", tmp_path / "run")
    assert proc.returncode == 0, proc.stderr[-2000:]
    metrics = json.loads(proc.stdout[proc.stdout.index("\n{") + 1:])
    assert metrics["epochs_run"] == 2 and metrics["dataset"] == "digits"
    assert "Epoch 1/2" in proc.stdout, "the progress bar is shown"
