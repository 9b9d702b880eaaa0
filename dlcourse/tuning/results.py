"""A search's results table: one row per trial, as CSV, as text, and as a plot per hyperparameter.

    rows = trial_rows(tuner, hypermodel, epochs)
    write_csv(rows, "runs/tune/results.csv")
    plot_scores(rows, tuned_names(tuner), "runs/tune/results.png")

Each row: `trial`, `status` (COMPLETED, FAILED, RUNNING), `score` (keras-tuner's: the
best epoch's objective), `epochs`, the trial's hyperparameter values, then from the
trial's run (`metrics.json`): `final_val_accuracy`, `test_accuracy`, `wall_seconds`,
`run_dir`, and for a failed trial the `reason` (the runner's one-line error).
"""

import csv
import io
import json
import math
from pathlib import Path

from dlcourse._io import write_text_atomic
from dlcourse.errors import DLCourseError

_RUN_COLUMNS = ("final_val_accuracy", "test_accuracy", "wall_seconds")


def trial_rows(tuner, hypermodel, epochs):
    """One dict per trial of `tuner`, in trial order."""
    names = []  # Every value a trial used, tuned or fixed, in first-seen order.
    for trial in tuner.oracle.trials.values():
        names += [n for n in trial.hyperparameters.values if n not in names and not n.startswith("tuner/")]
    rows = []
    for trial_id in sorted(tuner.oracle.trials):
        trial = tuner.oracle.trials[trial_id]
        hp = trial.hyperparameters
        trial_epochs = int(hp.values.get("tuner/epochs", epochs))
        run_dir = _run_dir(hypermodel, hp, trial_epochs)
        metrics = _read_metrics(Path(run_dir)) if run_dir else {}
        row = {"trial": trial_id, "status": trial.status, "score": trial.score, "epochs": trial_epochs,
               **{n: hp.values.get(n) for n in names},
               **{c: metrics.get(c) for c in _RUN_COLUMNS},
               "run_dir": run_dir, "reason": failure_reason(trial.message) if trial.status == "FAILED" else ""}
        rows.append(row)
    return rows


def tuned_names(tuner):
    """The hyperparameters the search varies (not the fixed ones)."""
    return [hp.name for hp in tuner.oracle.get_space().space
            if type(hp).__name__ != "Fixed" and not hp.name.startswith("tuner/")]


def failure_reason(message):
    """The last line of a failed trial's traceback, without the exception's class path."""
    lines = [line.strip() for line in (message or "").splitlines() if line.strip()]
    if not lines:
        return "unknown"
    last = lines[-1]
    head, sep, rest = last.partition(": ")
    return rest if sep and "Error" in head else last


def write_csv(rows, path):
    """Write `rows` as CSV (atomically); returns the path."""
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return write_text_atomic(path, out.getvalue())


def to_text(rows, names):
    """A fixed-width table of the rows: trial, status, score, the tuned values, test accuracy."""
    columns = ["trial", "status", "score", "epochs", *names, "test_accuracy", "reason"]
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in cells]
    return "\n".join(lines)


def plot_scores(rows, names, path, objective="val_accuracy"):
    """Score against each tuned hyperparameter, one panel each; failed trials are listed in
    the title. Returns the PNG's path."""
    from dlcourse import plots  # Drawing loads matplotlib: only here.

    names = names or ["trial"]
    fig, axes = plots.figure(ncols=len(names), size=(3.6, 3.2))
    axes = axes if len(names) > 1 else [axes]
    done = [r for r in rows if r["status"] == "COMPLETED" and r["score"] is not None]
    failed = len([r for r in rows if r["status"] == "FAILED"])
    for ax, name in zip(axes, names):
        values = [r.get(name) for r in done]
        if values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            ax.scatter(values, [r["score"] for r in done], color="tab:blue")
            positive = [v for v in values if v > 0]
            if positive and len(positive) == len(values) and max(positive) / min(positive) > 20:
                ax.set_xscale("log")
        else:
            labels = sorted({str(v) for v in values})
            ax.scatter([labels.index(str(v)) for v in values], [r["score"] for r in done], color="tab:blue")
            ax.set_xticks(range(len(labels)), labels, rotation=30)
        ax.set_xlabel(name)
        ax.set_ylabel(objective)
    fig.suptitle(f"{len(done)} completed trials" + (f", {failed} failed" if failed else ""))
    return plots.save_figure(fig, path)


def _run_dir(hypermodel, hp, epochs):
    try:
        return hypermodel.trial(hp, epochs)[0].run_dir
    except DLCourseError:  # Settings refused before any run dir was made.
        return ""


def _read_metrics(run_dir):
    path = run_dir / "metrics.json"
    return json.loads(path.read_text()) if path.is_file() else {}


def _cell(value):
    if isinstance(value, float):
        return "nan" if math.isnan(value) else f"{value:.4g}"
    text = "" if value is None else str(value)
    return text if len(text) <= 60 else text[:57] + "..."
