"""Step time of models built from dlcourse.layers vs the same models from Keras built-ins.

    python benchmarks/layers_step_time.py [--quick]

Each model is built twice, once from `keras.layers` and once from `dlcourse.layers`,
with the same architecture, data, optimiser and settings. Short timed `fit` runs
alternate between the two in one process, in ABBA order (so both see the same machine load), after one untimed
warm-up `fit` each (tracing). Reports the median seconds per step and the ratio
ours / built-in (target <= 1.2), and writes benchmarks/results/layers_step_time.json.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import keras  # noqa: E402
import numpy as np  # noqa: E402

from dlcourse import layers as ours  # noqa: E402
from dlcourse._io import write_json_atomic  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "layers_step_time.json"
TARGET = 1.2


def build_mlp(lib, rms_name):
    """784-256-128-10 MLP: Dense + BN + Dropout + LN (+ RMS norm), softmax output."""
    inputs = keras.Input((784,))
    x = lib.Dense(256, activation="relu")(inputs)
    x = lib.BatchNormalization()(x)
    x = lib.Dropout(0.2, seed=1)(x)
    x = lib.Dense(128, activation="relu")(x)
    x = lib.LayerNormalization()(x)
    x = getattr(lib, rms_name)()(x)
    x = lib.Dropout(0.2, seed=2)(x)
    return keras.Model(inputs, lib.Dense(10, activation="softmax")(x))


def build_convnet(lib, rms_name):
    """Small convnet on 28x28x1 (Conv2D from Keras in both): our BN/Dropout/LN/Dense after it."""
    inputs = keras.Input((28, 28, 1))
    x = keras.layers.Conv2D(16, 3, strides=2, activation="relu")(inputs)
    x = lib.BatchNormalization()(x)
    x = keras.layers.Conv2D(32, 3, strides=2, activation="relu")(x)
    x = lib.BatchNormalization()(x)
    x = keras.layers.Flatten()(x)
    x = lib.Dropout(0.25, seed=1)(x)
    x = lib.Dense(64, activation="relu")(x)
    x = lib.LayerNormalization()(x)
    return keras.Model(inputs, lib.Dense(10, activation="softmax")(x))


def _time_fit(model, x, y, batch_size):
    start = time.perf_counter()
    model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0, shuffle=False)
    return (time.perf_counter() - start) / (len(x) // batch_size)


def measure(builder, x, y, repeats, batch_size=64):
    """Median seconds per step for built-in and ours, timed runs alternating."""
    models = {}
    for name, lib, rms in (("keras", keras.layers, "RMSNormalization"), ("dlcourse", ours, "RMSNorm")):
        keras.utils.set_random_seed(0)
        model = builder(lib, rms)
        model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
        _time_fit(model, x[: 4 * batch_size], y[: 4 * batch_size], batch_size)  # warm-up: tracing
        models[name] = model
    times = {name: [] for name in models}
    order = list(models)
    for _ in range(repeats):
        for name in order:  # ABBA order: a load change mid-run hits both alike
            times[name].append(_time_fit(models[name], x, y, batch_size))
        order.reverse()
    keras_step, ours_step = statistics.median(times["keras"]), statistics.median(times["dlcourse"])
    return {
        "keras_ms_per_step": 1e3 * keras_step,
        "dlcourse_ms_per_step": 1e3 * ours_step,
        "ratio": ours_step / keras_step,
        # Less sensitive to other processes' load than the medians.
        "ratio_of_minimums": min(times["dlcourse"]) / min(times["keras"]),
        "runs": repeats,
        "keras_ms_all": [round(1e3 * t, 3) for t in times["keras"]],
        "dlcourse_ms_all": [round(1e3 * t, 3) for t in times["dlcourse"]],
        "params": int(models["dlcourse"].count_params()),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps and repeats (about a minute)")
    args = parser.parse_args(argv)
    steps, repeats = (30, 7) if args.quick else (50, 15)
    rng = np.random.default_rng(0)
    n = steps * 64
    y = rng.integers(0, 10, size=n).astype("int32")
    cases = {
        "mlp (Dense+BN+Dropout+LN+RMSNorm)": (build_mlp, rng.random((n, 784), dtype=np.float32)),
        "convnet (BN+Dropout+LN+Dense)": (build_convnet, rng.random((n, 28, 28, 1), dtype=np.float32)),
    }
    rows = {name: measure(builder, x, y, repeats) for name, (builder, x) in cases.items()}
    print(f"{'model':36s} {'keras ms/step':>14s} {'dlcourse ms/step':>17s} {'ratio':>7s} {'min-ratio':>9s}")
    for name, r in rows.items():
        flag = "ok" if r["ratio"] <= TARGET else f"> {TARGET}"
        print(f"{name:36s} {r['keras_ms_per_step']:14.2f} {r['dlcourse_ms_per_step']:17.2f} {r['ratio']:7.3f} {r['ratio_of_minimums']:9.3f} {flag}")
    write_json_atomic(RESULTS, {
        "benchmark": "layers_step_time", "quick": args.quick, "steps_per_run": steps, "batch_size": 64,
        "target_ratio": TARGET, "keras_version": keras.__version__, "cpu_count": os.cpu_count(),
        "results": rows,
    })
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
