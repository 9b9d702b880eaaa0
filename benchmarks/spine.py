"""The spine's speed and accuracy targets, measured in one run (prints and writes JSON).

1. Fast by default: the runner's defaults (our tf.data pipeline, steps_per_execution=128)
   against plain `model.fit` (no steps_per_execution, no XLA) on the same numpy arrays, the
   course MLP, lecture settings (batch 64, SGD 0.01), same seed; also plain `fit` on our
   pipeline, to separate the two gains. Alternated `--repeats` times, medians (this machine
   is noisy). Target: >= 2.5x examples/s, final test accuracy within 0.002.
2. The input pipeline alone against the training step rate. Target: >= 5x.
3. Accuracy: `mlp` on Fashion-MNIST after 12 epochs >= 0.84; on digits (recipe settings) >= 0.95.

    python benchmarks/spine.py            # full (about 5 minutes here)
    python benchmarks/spine.py --quick    # 3 epochs, no accuracy targets
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import keras
import tensorflow as tf

from dlcourse import data, training
from dlcourse._io import write_json_atomic
from dlcourse.models import build_mlp

RESULTS = Path(__file__).resolve().parent / "results" / "spine.json"


def plain_keras(dataset, epochs, seed, pipeline=False):
    """What a student writes without the runner: same model, arrays and seed, plain `fit`
    (no steps_per_execution, no XLA) on numpy arrays, or on our tf.data pipeline if asked."""
    keras.utils.set_random_seed(seed)
    info = data.info(dataset)
    model = build_mlp(info.input_shape, info.num_classes)
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    if pipeline:
        train, validation = (data.load(dataset, s, batch_size=64, seed=seed) for s in ("train", "validation"))
        fit_args = dict(x=train, validation_data=validation, shuffle=False)
    else:
        (x, y), (x_val, y_val) = (data.split_arrays(dataset, s) for s in ("train", "validation"))
        fit_args = dict(x=x.astype("float32") / 255.0, y=y, validation_data=(x_val.astype("float32") / 255.0, y_val),
                        batch_size=64, shuffle=True)
    start = time.perf_counter()
    model.fit(epochs=epochs, verbose=0, **fit_args)
    seconds = time.perf_counter() - start
    _, accuracy = model.evaluate(data.load(dataset, "test", batch_size=64), verbose=0)
    return {"examples_per_second": info.num_examples["train"] * epochs / seconds,
            "seconds": seconds, "test_accuracy": float(accuracy)}


def runner(dataset, epochs, seed, tmp):
    # A fresh run dir each time: a finished run in the same dir would not be retrained.
    run_dir = tempfile.mkdtemp(dir=tmp, prefix=f"{dataset}-")
    config = training.make_config("mlp", dataset, epochs=epochs, seed=seed, run_dir=run_dir)
    result = training.train(config, verbose=0)
    return {"examples_per_second": result.metrics["examples_per_second"],
            "seconds": result.metrics["wall_seconds"], "test_accuracy": result.metrics["test_accuracy"],
            "steps_per_execution": config.steps_per_execution, "jit_compile": config.jit_compile}


def pipeline_rate(dataset, seed, repeats=3):
    """Examples per second of the training pipeline alone, drained inside the TF runtime
    as `fit` drains it (no Python per batch); the best of `repeats` full epochs."""
    ds = data.load(dataset, "train", batch_size=64, seed=seed)
    count = tf.autograph.experimental.do_not_convert(lambda n, batch: n + tf.shape(batch[0])[0])
    best = 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        n = int(ds.reduce(tf.constant(0), count))
        best = max(best, n / (time.perf_counter() - start))
    return best


def _median_run(runs):
    """The run with the median speed, plus every run's examples per second."""
    ranked = sorted(runs, key=lambda r: r["examples_per_second"])
    return {**ranked[len(ranked) // 2], "all_examples_per_second": [round(r["examples_per_second"], 1) for r in runs]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=4, help="runs of each, alternated (default 4)")
    args = parser.parse_args(argv)
    dataset = "fashion_mnist" if any(r["name"] == "fashion_mnist" and r["available"] for r in data.list_datasets()) else "digits"
    epochs = 3 if args.quick else 12
    with tempfile.TemporaryDirectory() as tmp:
        # This machine is noisy: alternate plain and runner (A B B A ...), take medians.
        runs = {"plain": [], "plain_pipeline": [], "runner": []}
        jobs = {"plain": lambda: plain_keras(dataset, epochs, args.seed),
                "plain_pipeline": lambda: plain_keras(dataset, epochs, args.seed, pipeline=True),
                "runner": lambda: runner(dataset, epochs, args.seed, tmp)}
        for r in range(args.repeats):
            for name in (jobs if r % 2 == 0 else reversed(list(jobs))):
                runs[name].append(jobs[name]())
        pipe = pipeline_rate(dataset, args.seed)
        digits = None if args.quick else runner("digits", training.make_config("mlp", "digits").epochs, args.seed, tmp)
    plain, plain_pipeline, ours = (_median_run(runs[k]) for k in ("plain", "plain_pipeline", "runner"))
    speedup = ours["examples_per_second"] / plain["examples_per_second"]
    results = {
        "dataset": dataset, "epochs": epochs, "quick": args.quick, "repeats": args.repeats,
        "plain_keras": plain, "plain_keras_on_our_pipeline": plain_pipeline, "runner": ours,
        "speedup": round(speedup, 2), "speedup_target": 2.5,
        "speedup_from_steps_per_execution": round(ours["examples_per_second"] / plain_pipeline["examples_per_second"], 2),
        "accuracy_difference": round(abs(ours["test_accuracy"] - plain["test_accuracy"]), 4),
        "pipeline_examples_per_second": round(pipe, 1),
        "pipeline_vs_training": round(pipe / ours["examples_per_second"], 1), "pipeline_target": 5.0,
        "mlp_accuracy": ours["test_accuracy"], "mlp_accuracy_target": 0.84 if dataset == "fashion_mnist" else 0.95,
        "digits": digits, "digits_accuracy_target": 0.95,
        "versions": training.versions(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    write_json_atomic(RESULTS, results)
    print(json.dumps(results, indent=2))
    print(f"speed-up {speedup:.2f}x over plain fit on numpy arrays (target 2.5x), "
          f"{results['speedup_from_steps_per_execution']}x over plain fit on our pipeline; pipeline {results['pipeline_vs_training']}x the training rate "
          f"(target 5x); test accuracy {ours['test_accuracy']:.4f} vs plain {plain['test_accuracy']:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
