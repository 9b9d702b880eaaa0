"""`tuning.search`: trials counted, a NaN trial reported, the best exported, keras-tuner reads the dir."""

import csv
import json

import keras_tuner
import pytest

from dlcourse.errors import DLCourseError
from dlcourse.tuning import get_hypermodel, search
from dlcourse.tuning.distributed import role
from dlcourse.tuning.search import PROJECT

# One good learning rate, one that overflows to NaN within the first epoch.
GRID = {"learning_rate": [0.1, 1e6], "weight_decay": [0.0]}


@pytest.fixture(scope="module")
def grid_search(tmp_path_factory):
    directory = tmp_path_factory.mktemp("grid")
    result = search("mlp", tuner="grid", max_trials=5, directory=directory, dataset="digits", epochs=2,
                    space=GRID, verbose=0)
    return directory, result


def test_grid_runs_each_point_once_and_reports_the_nan_one(grid_search):
    directory, result = grid_search
    assert [(r["trial"], r["learning_rate"], r["status"]) for r in result.rows] == \
        [("0", 0.1, "COMPLETED"), ("1", 1e6, "FAILED")], "the grid has 2 points (max_trials 5 is a cap)"
    good, bad = result.rows
    assert good["score"] > 0.5 and good["test_accuracy"] > 0.5, good
    assert "the loss became nan in epoch 1" in bad["reason"] and bad["score"] is None
    assert result.tuned == ["learning_rate", "weight_decay"], "the others are fixed at the recipe's values"
    assert good["units_1"] == 64 and good["optimizer"] == "sgd" and good["batch_size"] == 32
    with open(result.csv_path) as f:
        rows = list(csv.DictReader(f))
    assert [r["status"] for r in rows] == ["COMPLETED", "FAILED"] and "loss became nan" in rows[1]["reason"]
    assert result.figure_path.stat().st_size > 1000
    text = result.to_text()
    assert "FAILED" in text and "best: trial 0" in text


def test_the_best_is_retrained_by_the_runner_and_exported(grid_search):
    directory, result = grid_search
    assert result.best["trial"] == "0" and result.best["values"]["learning_rate"] == 0.1
    assert result.export_dir == directory / "best" / "1" and (result.export_dir / "saved_model.pb").is_file()
    # The trial already trained this configuration at the full budget: the same run.
    assert result.best["run_dir"] == result.rows[0]["run_dir"]
    assert result.best["test_accuracy"] == pytest.approx(result.rows[0]["test_accuracy"])


def test_keras_tuner_reloads_the_search_dir(grid_search):
    directory, result = grid_search
    hypermodel = get_hypermodel("mlp", "digits", runs_dir=directory / "runs", epochs=2)
    tuner = keras_tuner.GridSearch(hypermodel, objective=keras_tuner.Objective("val_accuracy", "max"),
                                   directory=str(directory), project_name=PROJECT, overwrite=False)
    tuner.reload()
    best = tuner.oracle.get_best_trials(1)[0]
    assert best.trial_id == result.best["trial"] and best.score == result.rows[0]["score"]
    assert tuner.get_best_models(1)[0].count_params() == 6570


def test_a_finished_search_reruns_nothing_and_exports_once(grid_search):
    directory, first = grid_search
    again = search("mlp", tuner="grid", max_trials=5, directory=directory, dataset="digits", epochs=2,
                   space=GRID, verbose=0)
    assert [r["status"] for r in again.rows] == ["COMPLETED", "FAILED"]
    assert again.export_dir == first.export_dir and not (directory / "best" / "2").exists()
    assert len(list((directory / "runs").iterdir())) == 2, "one run per trial"
    metrics = json.loads((directory / "runs" / first.rows[0]["run_dir"] / "metrics.json").read_text())
    assert metrics["epochs_run"] == 2 and metrics["resumed_from_epoch"] == 2, "evaluated, not retrained"


def test_a_dir_holding_another_search_is_refused(grid_search):
    directory, _ = grid_search
    with pytest.raises(DLCourseError, match="holds another search .*tuner='grid' -> 'random'"):
        search("mlp", tuner="random", max_trials=5, directory=directory, dataset="digits", epochs=2,
               space=GRID, verbose=0)


@pytest.mark.parametrize("tuner", ["random", "hyperband", "bayesian"])
def test_each_tuner_completes_max_trials(tuner, tmp_path):
    epochs = 2 if tuner == "hyperband" else 1  # Hyperband needs room for two budgets.
    result = search("mlp", tuner=tuner, max_trials=2, directory=tmp_path, dataset="digits", epochs=epochs,
                    space={"learning_rate": (0.02, 0.3, "log"), "units_1": [32, 64]}, verbose=0)
    assert len(result.rows) == 2 and all(r["status"] == "COMPLETED" for r in result.rows), result.to_text()
    assert all(0.02 <= r["learning_rate"] <= 0.3 for r in result.rows)
    assert (result.export_dir / "saved_model.pb").is_file()
    if tuner == "hyperband":
        assert {r["epochs"] for r in result.rows} <= {1, 2}, "Hyperband gives each trial its budget"


@pytest.mark.parametrize("kwargs, message", [
    (dict(tuner="annealing"), "Unknown tuner 'annealing'"),
    (dict(max_trials=0), "`max_trials` must be at least 1"),
    (dict(space={"learning_rate": 0.1}), r"`space\['learning_rate'\]` must be a list"),
    (dict(dataset="nope"), "nope"),
])
def test_bad_arguments_are_one_line(kwargs, message, tmp_path):
    with pytest.raises(DLCourseError, match=message):
        search("mlp", **{"directory": tmp_path / "s", "verbose": 0, **kwargs})


def test_a_non_empty_dir_without_a_search_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(DLCourseError, match="is not empty and holds no search"):
        search("mlp", directory=tmp_path, dataset="digits", verbose=0)


def test_roles_come_from_the_keras_tuner_variables(monkeypatch):
    for name in ("KERASTUNER_TUNER_ID", "KERASTUNER_ORACLE_IP", "KERASTUNER_ORACLE_PORT"):
        monkeypatch.delenv(name, raising=False)
    assert role(False) == "local"
    with pytest.raises(DLCourseError, match="--distributed reads KERASTUNER_TUNER_ID"):
        role(True)
    monkeypatch.setenv("KERASTUNER_ORACLE_IP", "127.0.0.1")
    with pytest.raises(DLCourseError, match="add --distributed to join that search"):
        role(False)
    monkeypatch.setenv("KERASTUNER_ORACLE_PORT", "8000")
    monkeypatch.setenv("KERASTUNER_TUNER_ID", "chief")
    assert role(True) == "chief"
    monkeypatch.setenv("KERASTUNER_TUNER_ID", "tuner1")
    assert role(True) == "worker"
