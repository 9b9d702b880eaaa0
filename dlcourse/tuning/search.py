"""`search`: a resumable keras-tuner search over a recipe; results table; the best one exported.

    result = search("mlp", tuner="hyperband", max_trials=30, directory="runs/tune_mlp", epochs=12)
    print(result.to_text())

Tuners (keras-tuner's own): `grid` (GridSearch over `space`, by default the lecture's grid
of learning rate x weight decay, everything else at the recipe's values), `random`,
`hyperband` (`epochs` is its largest budget; it gives each trial its own epochs) and
`bayesian`; the last three search the hypermodel's whole space unless `space` narrows it.
The search directory DIR holds:

    search.json     the search's settings; a re-run with other settings is refused
    search/         keras-tuner's project (oracle.json, trial_N/): `keras_tuner.RandomSearch(
                    get_hypermodel(...), directory=DIR, project_name="search")` reloads it
    runs/           the runner's run dir of each trial (metrics.json, history, checkpoint)
    results.csv     one row per trial (see `dlcourse.tuning.results`); results.png
    best/N/         the best trial's configuration, retrained through the runner, exported
    best.json       which trial was exported where (a finished search is not exported twice)
    logs/           the workers' output, when `dlcourse tune --workers K` started them

Resume: kill the search at any instant and run the same call again. keras-tuner reloads
its oracle and re-runs the trial that was running, whose run resumes from its last
finished epoch: `max_trials` trials in the end, none lost or run twice. A trial whose
loss became NaN, or whose settings cannot run, ends FAILED with the runner's one-line
reason in the table; the search goes on.
"""

import dataclasses
import json
from pathlib import Path

import keras_tuner

from dlcourse._io import write_json_atomic
from dlcourse.errors import DLCourseError
from dlcourse.tuning import results
from dlcourse.tuning.distributed import role as _role
from dlcourse.tuning.hypermodels import get_hypermodel

TUNERS = ("grid", "random", "hyperband", "bayesian")
PROJECT = "search"
HYPERBAND_FACTOR = 3


@dataclasses.dataclass
class SearchResult:
    """What `search` returns: the table, the best trial and where everything was written.

    On a distributed worker only `role` is set: the chief reports.
    """

    role: str
    rows: list = dataclasses.field(default_factory=list)
    tuned: list = dataclasses.field(default_factory=list)
    best: dict = None
    csv_path: Path = None
    figure_path: Path = None
    export_dir: Path = None

    def to_text(self):
        if self.role == "worker":
            return "worker: the chief reports the results."
        lines = [results.to_text(self.rows, self.tuned)]
        if self.best:
            shown = ", ".join(f"{k}={v}" for k, v in self.best["values"].items())
            accuracy = self.best.get("test_accuracy")
            measured = f"test_accuracy {accuracy:.4f}" if accuracy is not None else "no test accuracy"
            lines.append(f"best: trial {self.best['trial']} ({shown}); retrained: {measured}; "
                         f"exported to {self.export_dir}")
        else:
            lines.append("best: none (no trial completed)")
        lines.append(f"table: {self.csv_path}   plot: {self.figure_path}")
        return "\n".join(lines)


def search(recipe, tuner="random", max_trials=10, directory="runs/tune", dataset=None, epochs=None, seed=0,
           export_dir=None, space=None, distributed=False, verbose=1, **overrides):
    """Search `recipe`'s hyperparameters with keras-tuner, each trial trained by the runner.

    Args:
        recipe: a recipe name (`dlcourse.tuning.HYPERMODELS` has the model spaces).
        tuner: one of `TUNERS`.
        max_trials: trials in total (over every resume; Hyperband may stop sooner).
        directory: the search directory DIR (see the module docstring).
        dataset, epochs, seed, **overrides: the runs' settings (default: the recipe's).
        export_dir: where the best configuration is exported (default DIR/best).
        space: `{name: [values]}` (a Choice) or `{name: (low, high[, "log"])}` (a range):
            search only these; the rest stay at the recipe's values.
        distributed: join keras-tuner's distributed search (KERASTUNER_* variables).
        verbose: 0 silent; 1 keras-tuner's progress per trial and fit's bars; 2 one line per epoch.

    Returns:
        A `SearchResult`.
    """
    if tuner not in TUNERS:
        raise DLCourseError(f"Unknown tuner {tuner!r}. Use one of: {', '.join(TUNERS)}.")
    if not (isinstance(max_trials, int) and max_trials >= 1):
        raise DLCourseError(f"`max_trials` must be at least 1. Received: max_trials={max_trials}")
    role = _role(distributed)
    directory = Path(directory)
    hypermodel = get_hypermodel(recipe, dataset, runs_dir=directory / "runs", epochs=epochs, seed=seed,
                                **overrides)
    settings = {"recipe": recipe, "dataset": hypermodel.base.dataset, "tuner": tuner, "max_trials": max_trials,
                "epochs": hypermodel.base.epochs, "seed": seed, "space": space, "overrides": overrides}
    if role != "worker":
        _claim(directory, settings)
    kt = make_tuner(tuner, hypermodel, directory, max_trials, seed=seed, space=space)
    kt.search(epochs=hypermodel.base.epochs, verbose=verbose)
    if role == "worker":
        return SearchResult(role=role)
    return _report(kt, hypermodel, directory, export_dir, role, verbose)


def make_tuner(kind, hypermodel, directory, max_trials, seed=0, space=None):
    """The keras-tuner tuner `kind` over `hypermodel`, reloading any search in `directory`."""
    if kind == "grid" and space is None:
        space = hypermodel.GRID
    common = dict(
        # keras-tuner draws a random seed when given 0: shift ours by one.
        objective=keras_tuner.Objective(hypermodel.objective, "max"), seed=seed + 1,
        hyperparameters=_hyperparameters(space) if space else None, tune_new_entries=not space,
        directory=str(directory), project_name=PROJECT, overwrite=False,
        # Failed trials are reported, not fatal: never stop the search for them.
        max_consecutive_failed_trials=max_trials + 1,
    )
    if kind == "hyperband":
        kt = keras_tuner.Hyperband(hypermodel, max_epochs=hypermodel.base.epochs, factor=HYPERBAND_FACTOR, **common)
        kt.oracle.max_trials = max_trials  # Hyperband has no budget in trials of its own.
        return kt
    classes = {"grid": keras_tuner.GridSearch, "random": keras_tuner.RandomSearch,
               "bayesian": keras_tuner.BayesianOptimization}
    return classes[kind](hypermodel, max_trials=max_trials, **common)


def _hyperparameters(space):
    hp = keras_tuner.HyperParameters()
    for name, values in space.items():
        if isinstance(values, list):
            hp.Choice(name, values)
        elif isinstance(values, tuple) and len(values) in (2, 3):
            low, high, sampling = (*values, "linear")[:3]
            if isinstance(low, int) and isinstance(high, int):
                hp.Int(name, low, high, sampling=sampling)
            else:
                hp.Float(name, float(low), float(high), sampling=sampling)
        else:
            raise DLCourseError(
                f"`space[{name!r}]` must be a list of values or a (low, high[, 'log']) tuple. Received: {values!r}")
    return hp


def _claim(directory, settings):
    """Record the search's settings in DIR, or refuse DIR if it holds something else."""
    record = directory / "search.json"
    settings = json.loads(json.dumps(settings, default=str))
    if record.is_file():
        saved = json.loads(record.read_text())
        differ = sorted(k for k in set(saved) | set(settings) if saved.get(k) != settings.get(k))
        if differ:
            shown = ", ".join(f"{k}={saved.get(k)!r} -> {settings.get(k)!r}" for k in differ[:3])
            raise DLCourseError(f"{directory} holds another search ({shown}). Use another --dir.")
        return
    # Distributed workers may create keras-tuner's project before the chief gets here.
    others = [p.name for p in directory.iterdir() if p.name not in (PROJECT, "runs", "logs")] \
        if directory.is_dir() else []
    if others:
        raise DLCourseError(f"{directory} is not empty and holds no search (e.g. {others[0]}). Use a new --dir.")
    write_json_atomic(record, settings)


def _report(kt, hypermodel, directory, export_dir, role, verbose):
    epochs = hypermodel.base.epochs
    rows = results.trial_rows(kt, hypermodel, epochs)
    tuned = results.tuned_names(kt)
    csv_path = results.write_csv(rows, directory / "results.csv")
    figure_path = results.plot_scores(rows, tuned, directory / "results.png", hypermodel.objective)
    best_trials = kt.oracle.get_best_trials(1)
    best, exported = None, None
    if best_trials:
        best, exported = _export_best(hypermodel, best_trials[0], directory, export_dir, verbose)
    return SearchResult(role=role, rows=rows, tuned=tuned, best=best, csv_path=csv_path,
                        figure_path=figure_path, export_dir=exported)


def _export_best(hypermodel, trial, directory, export_dir, verbose):
    """Retrain the best trial's configuration at the full budget through the runner and export it.

    A trial trained at that budget already left a finished run: the runner then only
    evaluates and exports. `best.json` keeps a finished search from exporting twice.
    """
    record_path = directory / "best.json"
    hp = trial.hyperparameters
    values = {k: v for k, v in hp.values.items() if not k.startswith("tuner/")}
    config, _ = hypermodel.trial(hp)
    if record_path.is_file():
        record = json.loads(record_path.read_text())
        if record["trial"] == trial.trial_id and record["run_dir"] == config.run_dir \
                and Path(record["export_dir"]).is_dir():
            return record, Path(record["export_dir"])
    target = Path(export_dir) if export_dir else directory / "best"
    run = hypermodel.train_trial(hp, export_dir=str(target), verbose=1 if verbose == 1 else 0)
    record = {"trial": trial.trial_id, "values": values, "run_dir": config.run_dir,
              "export_dir": str(run.export_dir), "test_accuracy": run.metrics.get("test_accuracy")}
    write_json_atomic(record_path, record)
    return record, Path(run.export_dir)
