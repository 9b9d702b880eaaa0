"""Time to 90/91/92/93 % test accuracy on Fashion-MNIST: `cnn_fast` vs the keras.io convnet.

    python benchmarks/cnn_fast.py              # full: both recipes, alternated, 2 rounds
    python benchmarks/cnn_fast.py --quick      # smoke: 3,000 images, 2 epochs, 1 round

The reference is the keras.io "Simple MNIST convnet" as published (34,826 parameters:
conv 3x3 32 - pool - conv 3x3 64 - pool - dropout 0.5 - dense 10; Adam, batch 128,
15 epochs, `validation_split=0.1`), trained with plain `model.fit` on numpy arrays.
`cnn_fast` is trained by `dlcourse.training.train` with its recipe's settings, as
`dlcourse train cnn_fast` does. After every epoch a callback measures the test accuracy
with the clock stopped: a recipe's time to X % is the training time (compiling,
validation and the runner's checkpoints included) up to the end of the first epoch at
which the test accuracy is at least X. The two recipes alternate (keras.io, cnn_fast,
keras.io, ...) so a busy machine slows both alike. Ratios are what to compare.

Prints a table and writes benchmarks/results/cnn_fast.json under "full" or "quick".

Measured once (`--rounds 1`, 2 cores shared with other jobs, so times are inflated):

    recipe             to 90%   to 91%   to 92%   to 93%   final  total s
    keras.io convnet    493.0    never    never    never  0.9012    493.0
    cnn_fast            105.5    157.5    234.8    never  0.9236    268.6
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import keras  # noqa: E402
import numpy as np  # noqa: E402

from dlcourse import data  # noqa: E402
from dlcourse._io import write_json_atomic  # noqa: E402
from dlcourse.training import make_config, train  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "cnn_fast.json"
TARGETS = (0.90, 0.91, 0.92, 0.93)


class TestClock(keras.callbacks.Callback):
    """Records (epoch, training seconds, test accuracy) after each epoch, clock stopped while testing."""

    def __init__(self, x_test, y_test):
        super().__init__()
        self.x_test, self.y_test, self.log = x_test, y_test, []

    def on_train_begin(self, logs=None):
        self.seconds, self.since = 0.0, time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds += time.perf_counter() - self.since
        probabilities = self.model.predict(self.x_test, batch_size=1000, verbose=0)
        accuracy = float(np.mean(probabilities.argmax(axis=1) == self.y_test))
        self.log.append({"epoch": epoch + 1, "seconds": round(self.seconds, 2), "test_accuracy": round(accuracy, 4)})
        self.since = time.perf_counter()


def build_keras_io_convnet(input_shape=(28, 28, 1), num_classes=10):
    """keras.io/examples/vision/mnist_convnet, layer for layer (34,826 parameters on 28x28x1)."""
    return keras.Sequential([
        keras.Input(shape=input_shape),
        keras.layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        keras.layers.MaxPooling2D(pool_size=(2, 2)),
        keras.layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        keras.layers.MaxPooling2D(pool_size=(2, 2)),
        keras.layers.Flatten(),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(num_classes, activation="softmax"),
    ])


def run_keras_io(arrays, epochs, seed):
    x_train, y_train, x_test, y_test = arrays
    keras.utils.set_random_seed(seed)
    model = build_keras_io_convnet()
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    clock = TestClock(x_test.astype("float32") / 255.0, y_test)
    model.fit(x_train.astype("float32") / 255.0, y_train, batch_size=128, epochs=epochs, validation_split=0.1,
              callbacks=[clock], verbose=0)
    return {"recipe": "keras.io convnet", "parameters": model.count_params(), "epochs": clock.log}


def run_cnn_fast(arrays, epochs, seed, root, **overrides):
    _, _, x_test, y_test = arrays
    config = make_config("cnn_fast", "fashion_mnist", epochs=epochs, seed=seed,
                         run_dir=str(Path(root) / f"cnn_fast_{seed}"), **overrides)
    clock = TestClock(x_test.astype("float32") / 255.0, y_test)
    result = train(config, callbacks=[clock], verbose=0)
    return {"recipe": "cnn_fast", "parameters": result.metrics["parameters"], "epochs": clock.log,
            "settings": {k: getattr(config, k) for k in ("epochs", "batch_size", "optimizer", "learning_rate",
                                                         "schedule", "warmup_steps", "augment")}}


def time_to(log, target):
    return next((e["seconds"] for e in log if e["test_accuracy"] >= target), None)


def summarise(runs):
    """Per recipe: the median over rounds of each time-to-target (None if a round never got there)."""
    table = {}
    for name in dict.fromkeys(r["recipe"] for r in runs):
        logs = [r["epochs"] for r in runs if r["recipe"] == name]
        row = {"final_accuracy": statistics.median(log[-1]["test_accuracy"] for log in logs),
               "total_seconds": statistics.median(log[-1]["seconds"] for log in logs)}
        for target in TARGETS:
            times = [time_to(log, target) for log in logs]
            row[f"to_{target:.2f}"] = None if None in times else round(statistics.median(times), 1)
        table[name] = row
    return table


def format_table(table):
    header = f"{'recipe':<18}" + "".join(f"{f'to {t:.0%}':>9}" for t in TARGETS) + f"{'final':>8}{'total s':>9}"
    lines = [header, "-" * len(header)]
    for name, row in table.items():
        cells = "".join(f"{'never' if row[f'to_{t:.2f}'] is None else row[f'to_{t:.2f}']:>9}" for t in TARGETS)
        lines.append(f"{name:<18}{cells}{row['final_accuracy']:>8.4f}{row['total_seconds']:>9.1f}")
    return "\n".join(lines)


def _quick_data(root):
    """A 3,000/1,000-image Fashion-MNIST subset behind $DLCOURSE_DATA_DIR (the same code path)."""
    x_train, y_train, x_test, y_test = data.load_arrays("fashion_mnist")
    folder = Path(root) / "data" / "fashion_mnist"
    folder.mkdir(parents=True)
    np.savez(folder / "fashion_mnist.npz", x_train=x_train[:3000], y_train=y_train[:3000],
             x_test=x_test[:1000], y_test=y_test[:1000])
    os.environ["DLCOURSE_DATA_DIR"] = str(folder.parent)
    data.clear_cache()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3,000 images, 2 epochs, 1 round (a smoke test)")
    parser.add_argument("--rounds", type=int, default=2, help="alternated rounds of both recipes")
    parser.add_argument("--keras-io-epochs", type=int, default=15)
    args = parser.parse_args(argv)
    rounds, io_epochs, fast_epochs = (1, 2, 2) if args.quick else (args.rounds, args.keras_io_epochs, None)
    # 44 steps in quick mode: a shorter warm-up than the recipe's 200.
    overrides = {"warmup_steps": 10} if args.quick else {}
    runs = []
    with tempfile.TemporaryDirectory(prefix="cnn_fast_bench_") as root:
        if args.quick:
            _quick_data(root)
        arrays = data.load_arrays("fashion_mnist")
        for seed in range(rounds):
            for name, go in (("keras.io", lambda: run_keras_io(arrays, io_epochs, seed)),
                             ("cnn_fast", lambda: run_cnn_fast(arrays, fast_epochs, seed, root, **overrides))):
                runs.append(go())
                last = runs[-1]["epochs"][-1]
                print(f"  round {seed + 1} {name}: {last['test_accuracy']:.4f} after {last['seconds']} s", flush=True)
    table = summarise(runs)
    print("\nSeconds of training to reach each test accuracy (median over rounds):\n" + format_table(table))
    io_90, fast_92 = table["keras.io convnet"]["to_0.90"], table["cnn_fast"]["to_0.92"]
    if io_90 and fast_92:
        print(f"cnn_fast to 92 % / keras.io to 90 %: {fast_92 / io_90:.2f} (target: below 1)")
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["quick" if args.quick else "full"] = {"table": table, "runs": runs, "rounds": rounds,
                                                  "cpu_count": os.cpu_count()}
    write_json_atomic(RESULTS, results)
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
