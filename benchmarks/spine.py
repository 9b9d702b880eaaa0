"""The spine's speed and accuracy targets, measured in one run (prints and writes JSON).

1. Fast by default: the runner's defaults (steps_per_execution=32, XLA for the MLP) against
   plain `model.fit` (no steps_per_execution, no XLA) on the course MLP, lecture settings
   (batch 64, SGD 0.01), same data pipeline and seed. Target: >= 2.5x examples/s, final test
   accuracy within 0.002.
2. The input pipeline alone against the training step rate. Target: >= 5x.
3. Accuracy: `mlp` on Fashion-MNIST after 12 epochs >= 0.84; on digits (recipe settings) >= 0.95.

    python benchmarks/spine.py            # full (about 3 minutes here)
    python benchmarks/spine.py --quick    # 3 epochs, no accuracy targets
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import keras

from dlcourse import data, training
from dlcourse._io import write_json_atomic
from dlcourse.models import build_mlp

RESULTS = Path(__file__).resolve().parent / "results" / "spine.json"


def plain_keras(dataset, epochs, seed):
    """What a student writes without the runner: same model, data and seed, plain fit."""
    keras.utils.set_random_seed(seed)
    info = data.info(dataset)
    model = build_mlp(info.input_shape, info.num_classes)
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    train = data.load(dataset, "train", batch_size=64, seed=seed)
    validation = data.load(dataset, "validation", batch_size=64)
    start = time.perf_counter()
    model.fit(train, validation_data=validation, epochs=epochs, verbose=0, shuffle=False)
    seconds = time.perf_counter() - start
    _, accuracy = model.evaluate(data.load(dataset, "test", batch_size=64), verbose=0)
    return {"examples_per_second": info.num_examples["train"] * epochs / seconds,
            "seconds": seconds, "test_accuracy": float(accuracy)}


def runner(dataset, epochs, seed, tmp):
    config = training.make_config("mlp", dataset, epochs=epochs, seed=seed, run_dir=str(Path(tmp) / dataset))
    result = training.train(config, verbose=0)
    return {"examples_per_second": result.metrics["examples_per_second"],
            "seconds": result.metrics["wall_seconds"], "test_accuracy": result.metrics["test_accuracy"],
            "steps_per_execution": config.steps_per_execution, "jit_compile": config.jit_compile}


def pipeline_rate(dataset, seed):
    """Examples per second of the training pipeline alone (one full epoch, after a warm-up)."""
    ds = data.load(dataset, "train", batch_size=64, seed=seed)
    for _ in ds.take(20):
        pass
    start, n = time.perf_counter(), 0
    for images, _ in ds:
        n += int(images.shape[0])
    return n / (time.perf_counter() - start)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    dataset = "fashion_mnist" if any(r["name"] == "fashion_mnist" and r["available"] for r in data.list_datasets()) else "digits"
    epochs = 3 if args.quick else 12
    with tempfile.TemporaryDirectory() as tmp:
        # Alternate the two, plain first, so machine noise hits both alike.
        plain = plain_keras(dataset, epochs, args.seed)
        ours = runner(dataset, epochs, args.seed, tmp)
        pipe = pipeline_rate(dataset, args.seed)
        digits = None if args.quick else runner("digits", training.make_config("mlp", "digits").epochs, args.seed, tmp)
    speedup = ours["examples_per_second"] / plain["examples_per_second"]
    results = {
        "dataset": dataset, "epochs": epochs, "quick": args.quick,
        "plain_keras": plain, "runner": ours,
        "speedup": round(speedup, 2), "speedup_target": 2.5,
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
    print(f"speed-up {speedup:.2f}x (target 2.5x); pipeline {results['pipeline_vs_training']}x the training rate "
          f"(target 5x); test accuracy {ours['test_accuracy']:.4f} vs plain {plain['test_accuracy']:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
