"""Step time of each from-scratch optimiser against its Keras twin, in one run.

The course MLP (784-64-32-10, softmax, sparse cross-entropy) on random data,
batch 64, trained with `fit`: for each optimiser, ours and the twin alternate
(`--repeats` rounds of `--steps` steps each, after a warm-up fit that traces the
train function). We report the median and the minimum milliseconds per step, and
the ratio ours / twin as the median over rounds of the paired ratio (each round
times both back to back, so load from other processes on a shared machine mostly
cancels). Target: ratio <= 1.15.

    python benchmarks/optimizer_step_time.py           # ~2-3 minutes on 2 CPU cores
    python benchmarks/optimizer_step_time.py --quick   # fewer steps and repeats

Writes benchmarks/results/optimizer_step_time.json.
"""

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from dlcourse import optimizers  # noqa: E402
from dlcourse._io import write_json_atomic  # noqa: E402

BATCH_SIZE = 64
TARGET_RATIO = 1.15
RESULTS = Path(__file__).resolve().parent / "results" / "optimizer_step_time.json"

# name: (ours, Keras twin), same hyperparameters.
PAIRS = {
    "sgd": (lambda: optimizers.SGD(0.01), lambda: keras.optimizers.SGD(0.01)),
    "momentum": (lambda: optimizers.SGD(0.01, momentum=0.9),
                 lambda: keras.optimizers.SGD(0.01, momentum=0.9)),
    "nesterov": (lambda: optimizers.SGD(0.01, momentum=0.9, nesterov=True),
                 lambda: keras.optimizers.SGD(0.01, momentum=0.9, nesterov=True)),
    "adagrad": (lambda: optimizers.Adagrad(0.01), lambda: keras.optimizers.Adagrad(0.01)),
    "rmsprop": (lambda: optimizers.RMSprop(0.001), lambda: keras.optimizers.RMSprop(0.001)),
    "adam": (lambda: optimizers.Adam(0.001), lambda: keras.optimizers.Adam(0.001)),
    "adamw": (lambda: optimizers.AdamW(0.001), lambda: keras.optimizers.AdamW(0.001)),
}


def _mlp():
    keras.utils.set_random_seed(0)
    return keras.Sequential([
        keras.Input((784,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])


def _compiled(optimizer):
    model = _mlp()
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
    return model


def _seconds_per_step(model, x, y, steps):
    start = time.perf_counter()
    model.fit(x[:steps * BATCH_SIZE], y[:steps * BATCH_SIZE], batch_size=BATCH_SIZE,
              epochs=1, shuffle=False, verbose=0)
    return (time.perf_counter() - start) / steps


def measure(name, steps, repeats, x, y):
    """Median seconds per step of ours and the twin, measured alternately."""
    ours_factory, twin_factory = PAIRS[name]
    models = {"ours": _compiled(ours_factory()), "keras": _compiled(twin_factory())}
    for model in models.values():  # warm-up: trace the train function
        _seconds_per_step(model, x, y, 4)
    times = {"ours": [], "keras": []}
    for round_index in range(repeats):
        order = ("ours", "keras") if round_index % 2 == 0 else ("keras", "ours")
        for which in order:
            times[which].append(_seconds_per_step(models[which], x, y, steps))
    ratio = statistics.median(a / b for a, b in zip(times["ours"], times["keras"]))
    return {
        "ours_ms_per_step": 1e3 * statistics.median(times["ours"]),
        "keras_ms_per_step": 1e3 * statistics.median(times["keras"]),
        "ours_min_ms_per_step": 1e3 * min(times["ours"]),
        "keras_min_ms_per_step": 1e3 * min(times["keras"]),
        "ratio": ratio,
        "ratio_of_minima": min(times["ours"]) / min(times["keras"]),
        "within_target": ratio <= TARGET_RATIO,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="30 steps x 5 repeats")
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=11)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    steps, repeats = (30, 5) if args.quick else (args.steps, args.repeats)

    rng = np.random.default_rng(0)
    x = rng.random((steps * BATCH_SIZE, 784), dtype="float32")
    y = rng.integers(0, 10, size=steps * BATCH_SIZE).astype("int32")

    results = {}
    print(f"{'optimizer':<10} {'ours ms':>9} {'keras ms':>9} {'min ours':>9} {'min keras':>9} "
          f"{'ratio':>7}")
    for name in PAIRS:
        results[name] = measure(name, steps, repeats, x, y)
        r = results[name]
        flag = "" if r["within_target"] else "  (above target)"
        print(f"{name:<10} {r['ours_ms_per_step']:>9.3f} {r['keras_ms_per_step']:>9.3f} "
              f"{r['ours_min_ms_per_step']:>9.3f} {r['keras_min_ms_per_step']:>9.3f} "
              f"{r['ratio']:>7.3f}{flag}")
    write_json_atomic(args.out, {
        "benchmark": "optimizer_step_time",
        "model": "MLP 784-64-32-10, batch 64, random data, model.fit",
        "steps_per_repeat": steps, "repeats": repeats, "statistic": "ratio = median of paired per-round ratios",
        "target_ratio": TARGET_RATIO, "keras": keras.__version__,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
        "results": results,
    })
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
