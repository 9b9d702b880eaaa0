"""Training step time of a small convnet with our Conv2D (and pooling) vs Keras's.

    python benchmarks/conv_step_time.py [--quick]

One 28x28x1 convnet (conv 16 -> pool -> conv 32 -> pool -> conv 64 -> dense 10, Adam,
batch 64) built three ways: all Keras layers; `dlcourse.layers.Conv2D` in place of
Keras's; and our Conv2D plus our MaxPooling2D. Same data, optimiser and settings, one
process: after one untimed warm-up `fit` each (tracing), short timed `fit` runs
alternate between the variants, the order reversed each round, so all see the same
machine load. Reports median ms per step and the ratio ours / Keras (target <= 3), and
writes benchmarks/results/conv_step_time.json.
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

RESULTS = Path(__file__).resolve().parent / "results" / "conv_step_time.json"
TARGET = 3.0
BATCH = 64
VARIANTS = {  # name: (Conv2D class, MaxPooling2D class)
    "keras": (keras.layers.Conv2D, keras.layers.MaxPooling2D),
    "dlcourse_conv": (ours.Conv2D, keras.layers.MaxPooling2D),
    "dlcourse_conv_pool": (ours.Conv2D, ours.MaxPooling2D),
}


def build_convnet(conv, pool):
    """28x28x1 -> conv3 16 same -> pool -> conv3 32 same -> pool -> conv3 64 -> dense 10."""
    inputs = keras.Input((28, 28, 1))
    x = conv(16, 3, padding="same", activation="relu")(inputs)
    x = pool(2)(x)
    x = conv(32, 3, padding="same", activation="relu")(x)
    x = pool(2)(x)
    x = conv(64, 3, activation="relu")(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(x))


def _time_fit(model, x, y):
    start = time.perf_counter()
    model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, shuffle=False)
    return (time.perf_counter() - start) / (len(x) // BATCH)


def measure(x, y, repeats):
    """Seconds per step of each variant, timed runs alternating."""
    models = {}
    for name, (conv, pool) in VARIANTS.items():
        keras.utils.set_random_seed(0)
        model = build_convnet(conv, pool)
        model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
        _time_fit(model, x[: 2 * BATCH], y[: 2 * BATCH])  # warm-up: tracing
        models[name] = model
    times = {name: [] for name in models}
    order = list(models)
    for _ in range(repeats):
        for name in order:
            times[name].append(_time_fit(models[name], x, y))
        order.reverse()
    assert all(len(t) == repeats for t in times.values())
    return times, int(models["keras"].count_params())


def summarise(times):
    keras_median, keras_min = statistics.median(times["keras"]), min(times["keras"])
    return {
        name: {
            "ms_per_step": 1e3 * statistics.median(t),
            "ratio": statistics.median(t) / keras_median,
            # Less sensitive to other processes' load than the medians.
            "ratio_of_minimums": min(t) / keras_min,
            "ms_all": [round(1e3 * v, 3) for v in t],
        }
        for name, t in times.items()
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: few steps and repeats")
    args = parser.parse_args(argv)
    steps, repeats = (4, 2) if args.quick else (40, 9)
    rng = np.random.default_rng(0)
    x = rng.random((steps * BATCH, 28, 28, 1), dtype=np.float32)
    y = rng.integers(0, 10, size=steps * BATCH).astype("int32")
    times, params = measure(x, y, repeats)
    rows = summarise(times)
    print(f"{'variant':20s} {'ms/step':>9s} {'ratio':>7s} {'min-ratio':>9s}")
    for name, r in rows.items():
        flag = "" if name == "keras" else ("ok" if r["ratio"] <= TARGET else f"> {TARGET}")
        print(f"{name:20s} {r['ms_per_step']:9.2f} {r['ratio']:7.3f} {r['ratio_of_minimums']:9.3f} {flag}")
    write_json_atomic(RESULTS, {
        "benchmark": "conv_step_time", "quick": args.quick, "steps_per_run": steps, "repeats": repeats,
        "batch_size": BATCH, "params": params, "target_ratio": TARGET, "keras_version": keras.__version__,
        "cpu_count": os.cpu_count(), "results": rows,
    })
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
