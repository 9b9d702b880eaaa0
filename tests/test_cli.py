import json

import pytest

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


def test_train_lists_recipes():
    proc = run_cli("train", "--list")
    assert proc.returncode == 0 and "mlp" in proc.stdout and "52,650" in proc.stdout


@pytest.mark.parametrize("args, message", [
    (["train", "nope"], "Unknown recipe 'nope'"),
    (["train", "mlp", "--dataset", "imagenet"], "Unknown dataset 'imagenet'"),
    (["train", "mlp", "--dataset", "digits", "--epochs", "0"], "`epochs` must be at least 1"),
    (["practical", "9"], "No practical 9"),
    (["compare", "mlp", "--optimizers", "sgd,foo"], "Unknown optimizers ['foo']"),
    (["train", "mlp", "--dataset", "digits", "--optimizer", "adamax"], "adamax"),
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


def test_doctor_reports_one_line_per_check_and_fails_on_a_bug():
    healthy = run_cli("doctor", "mlp", "--dataset", "digits")
    broken = run_cli("doctor", "mlp", "--dataset", "digits", "--simulate-bug", "huge-lr")
    assert healthy.returncode == 0, healthy.stdout + healthy.stderr
    assert broken.returncode == 1
    assert "8/8 checks passed" in healthy.stdout
    assert "✗ loss_decreases" in broken.stdout


def test_lr_find_suggests_a_rate_inside_the_range(tmp_path):
    proc = run_cli("lr-find", "mlp", "--dataset", "digits", "--steps", "60", "--run-dir", tmp_path)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert 1e-6 < result["suggested_learning_rate"] < 1.0 and result["steps"] > 10
    assert (tmp_path / "lr_finder.png").is_file()


def test_samples_writes_labelled_pngs(tmp_path):
    proc = run_cli("samples", "digits", "--count", "3", "--out", tmp_path)
    assert proc.returncode == 0, proc.stderr
    files = sorted(tmp_path.glob("*.png"))
    assert len(files) == 3 and all(f.stem.split("_")[1].isdigit() for f in files)
