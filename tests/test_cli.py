"""The `dlcourse` command. Most cases call `cli.main(argv)` in this process (fast); a few
run the real command in a subprocess, where TensorFlow's start-up noise would show."""

import json

import pytest

from dlcourse import cli
from dlcourse.testing import run_cli


def test_datasets_lists_each_with_availability_and_source():
    proc = run_cli("datasets")
    assert proc.returncode == 0, proc.stderr
    rows = {line.split()[0]: line for line in proc.stdout.splitlines()}
    assert set(rows) == {"fashion_mnist", "mnist", "digits", "cifar10", "sunspots", "co2", "fortunes",
                         "tiny_shakespeare", "imdb_reviews"}
    assert rows["digits"].split()[1:3] == ["images", "yes"] and "scikit-learn" in rows["digits"]
    assert rows["sunspots"].split()[1:3] == ["series", "yes"] and "statsmodels" in rows["sunspots"]


@pytest.mark.parametrize("command", [[], ["train"], ["predict"], ["datasets"], ["practical"]])
def test_help(command):
    proc = run_cli(*command, "--help")
    assert proc.returncode == 0 and "usage: dlcourse" in proc.stdout


def test_train_lists_recipes(capsys):
    assert cli.main(["train", "--list"]) == 0
    out = capsys.readouterr().out
    assert "mlp" in out and "52,650" in out and "char_gpt" in out


def test_an_error_in_a_fresh_process_is_one_line_with_status_2():
    proc = run_cli("train", "nope")
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Unknown recipe 'nope'" in lines[0], proc.stderr


@pytest.mark.parametrize("args, message", [
    (["train", "mlp", "--dataset", "imagenet"], "Unknown dataset 'imagenet'"),
    (["train", "mlp", "--dataset", "digits", "--epochs", "0"], "`epochs` must be at least 1"),
    (["practical", "9"], "No practical 9"),
    (["compare", "mlp", "--optimizers", "sgd,foo"], "Unknown optimizers ['foo']"),
    (["train", "mlp", "--dataset", "digits", "--optimizer", "adamax"], "adamax"),
])
def test_errors_are_one_line_with_status_2(capsys, args, message):
    assert cli.main(args) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], lines


def test_train_prints_metrics_json(tmp_path):
    proc = run_cli("train", "mlp", "--dataset", "digits", "--epochs", "2", "--run-dir", tmp_path / "run")
    assert proc.returncode == 0, proc.stderr[-2000:]
    metrics = json.loads(proc.stdout[proc.stdout.index("\n{") + 1:])
    assert metrics["epochs_run"] == 2 and metrics["dataset"] == "digits"
    assert "Epoch 1/2" in proc.stdout, "the progress bar is shown"


def test_doctor_reports_one_line_per_check_and_fails_on_a_bug(capsys):
    assert cli.main(["doctor", "mlp", "--dataset", "digits"]) == 0
    assert "8/8 checks passed" in capsys.readouterr().out
    assert cli.main(["doctor", "mlp", "--dataset", "digits", "--simulate-bug", "huge-lr"]) == 1
    assert "✗ loss_decreases" in capsys.readouterr().out


def test_lr_find_suggests_a_rate_inside_the_range(tmp_path, capsys):
    assert cli.main(["lr-find", "mlp", "--dataset", "digits", "--steps", "60", "--run-dir", str(tmp_path)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert 1e-6 < result["suggested_learning_rate"] < 1.0 and result["steps"] > 10
    assert (tmp_path / "lr_finder.png").is_file()


def test_samples_writes_labelled_pngs(tmp_path):
    assert cli.main(["samples", "digits", "--count", "3", "--out", str(tmp_path)]) == 0
    files = sorted(tmp_path.glob("*.png"))
    assert len(files) == 3 and all(f.stem.split("_")[1].isdigit() for f in files)
