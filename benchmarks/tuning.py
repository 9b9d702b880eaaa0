"""Hyperparameter search and multi-worker training, measured (prints and writes JSON).

1. Tuner overhead: one keras-tuner trial (`search` of one trial: build, our `fit`, the
   tuner's callbacks and bookkeeping; the tuner, made once per search, is not timed)
   against a plain `training.train` of the same configuration (the lecture's MLP
   settings), alternated `--repeats` times, medians. Target: <= 1.1x the time.
2. Hyperband (factor 3, `epochs` the largest budget) over the MLP's whole space against the
   lecture's settings at the same 12-epoch budget on Fashion-MNIST: the best trial,
   retrained and exported by the search, against `training.train` of `mlp`. Target: a
   higher test accuracy than the lecture's (about 0.845).
3. Multi-worker data parallelism on this machine: examples per second of 2 worker
   processes against 1 on 127.0.0.1 (both share the same 2 cores: reported, no target).

    python benchmarks/tuning.py            # full (Fashion-MNIST; about 15 minutes on 2 quiet cores)
    python benchmarks/tuning.py --quick    # digits, 2 epochs, 3 Hyperband trials: a smoke run
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import keras_tuner

from dlcourse import data, training, tuning
from dlcourse._io import write_json_atomic

RESULTS = Path(__file__).resolve().parent / "results" / "tuning.json"


def trial_overhead(dataset, epochs, repeats, tmp):
    """Seconds of one tuner trial and of a plain runner `train`, same configuration."""
    lecture = training.make_config("mlp", dataset, epochs=epochs)
    space = {"learning_rate": [lecture.learning_rate], "weight_decay": [0.0]}  # One grid point: the lecture.
    trials, plain = [], []
    for r in range(repeats):
        for kind in (("trial", "plain") if r % 2 == 0 else ("plain", "trial")):
            directory = tempfile.mkdtemp(dir=tmp, prefix=f"{kind}-")
            if kind == "trial":
                # Made once per search, not per trial: outside the timing.
                hypermodel = tuning.get_hypermodel("mlp", dataset, runs_dir=Path(directory) / "runs", epochs=epochs)
                tuner = tuning.make_tuner("grid", hypermodel, directory, max_trials=1, space=space)
                # A search reads the dataset's shape once, at its first build: do it here, so
                # that the timed trial is one of a search's many, not its first.
                hypermodel.build(keras_tuner.HyperParameters())
                start = time.perf_counter()
                tuner.search(epochs=epochs, verbose=0)
                trials.append(time.perf_counter() - start)
            else:
                config = training.make_config("mlp", dataset, epochs=epochs, weight_decay=0.0, run_dir=directory)
                start = time.perf_counter()
                training.train(config, verbose=0)
                plain.append(time.perf_counter() - start)
    trial, runner = _median(trials), _median(plain)
    return {"trial_seconds": round(trial, 2), "runner_seconds": round(runner, 2),
            "ratio": round(trial / runner, 3), "target": 1.1,
            "all_trial_seconds": [round(s, 2) for s in trials], "all_runner_seconds": [round(s, 2) for s in plain]}


def hyperband_vs_lecture(dataset, epochs, max_trials, tmp):
    """Test accuracy of Hyperband's best configuration (retrained) against the lecture's."""
    start = time.perf_counter()
    result = tuning.search("mlp", tuner="hyperband", max_trials=max_trials, directory=Path(tmp) / "hyperband",
                           dataset=dataset, epochs=epochs, verbose=0)
    search_seconds = time.perf_counter() - start
    lecture = training.train(training.make_config("mlp", dataset, epochs=epochs, run_dir=str(Path(tmp) / "lecture")),
                             verbose=0)
    finished = [r for r in result.rows if r["status"] == "COMPLETED"]
    return {"trials": len(result.rows), "completed": len(finished), "failed": len(result.rows) - len(finished),
            "trial_epochs": sum(r["epochs"] for r in result.rows), "search_seconds": round(search_seconds, 1),
            "best_values": result.best["values"] if result.best else None,
            "best_test_accuracy": result.best["test_accuracy"] if result.best else None,
            "lecture_test_accuracy": lecture.metrics["test_accuracy"]}


def multi_worker_speed(dataset, epochs, tmp):
    """Examples per second of `dlcourse train mlp --multi-worker` with 1 and with 2 workers."""
    speeds = {}
    for workers in (1, 2):
        run_dir = Path(tmp) / f"workers-{workers}"
        ports = [_free_port() for _ in range(workers)]
        procs = []
        for index in range(workers):
            tf_config = {"cluster": {"worker": [f"127.0.0.1:{p}" for p in ports]},
                         "task": {"type": "worker", "index": index}}
            env = {**os.environ, "TF_CONFIG": json.dumps(tf_config), "TF_CPP_MIN_LOG_LEVEL": "2"}
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "dlcourse.cli", "train", "mlp", "--multi-worker", "--dataset", dataset,
                 "--epochs", str(epochs), "--run-dir", str(run_dir)],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True))
        errors = [p.communicate()[1] for p in procs]
        if any(p.returncode for p in procs):
            raise RuntimeError(f"multi-worker run failed: {errors[0][-2000:]}")
        metrics = json.loads((run_dir / "metrics.json").read_text())
        speeds[workers] = {"examples_per_second": metrics["examples_per_second"],
                           "test_accuracy": metrics["test_accuracy"]}
    return {"one_worker": speeds[1], "two_workers": speeds[2],
            "speedup": round(speeds[2]["examples_per_second"] / speeds[1]["examples_per_second"], 2)}


def _median(values):
    return sorted(values)[len(values) // 2]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=3, help="trial/plain pairs, alternated (default 3)")
    parser.add_argument("--max-trials", type=int, default=40, help="Hyperband's cap (it stops at about 25)")
    args = parser.parse_args(argv)
    fashion = any(r["name"] == "fashion_mnist" and r["available"] for r in data.list_datasets())
    dataset = "fashion_mnist" if fashion and not args.quick else "digits"
    epochs = 2 if args.quick else 12
    with tempfile.TemporaryDirectory() as tmp:
        overhead = trial_overhead(dataset, epochs, 1 if args.quick else args.repeats, tmp)
        hyperband = hyperband_vs_lecture(dataset, epochs, 3 if args.quick else args.max_trials, tmp)
        workers = multi_worker_speed(dataset, 1 if args.quick else 3, tmp)
    results = {"dataset": dataset, "epochs": epochs, "quick": args.quick, "trial_overhead": overhead,
               "hyperband": hyperband, "multi_worker": workers, "versions": training.versions()}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    write_json_atomic(RESULTS, results)
    print(json.dumps(results, indent=2))
    print(f"trial {overhead['ratio']}x a plain train (target 1.1x); Hyperband best test accuracy "
          f"{hyperband['best_test_accuracy']} vs lecture {hyperband['lecture_test_accuracy']:.4f}; "
          f"2 workers {workers['speedup']}x the examples/s of 1")
    return 0


if __name__ == "__main__":
    sys.exit(main())
