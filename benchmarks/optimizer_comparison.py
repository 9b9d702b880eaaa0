"""The optimiser comparison of lecture 3: the course MLP on Fashion-MNIST, one run per optimiser.

Same model, data, seed and epochs for sgd, momentum, nesterov, adagrad, rmsprop, adam,
adamw, radam and ranger, each at its default learning rate
(`dlcourse.studies.DEFAULT_LEARNING_RATES`). Prints the table (final train and
validation loss and accuracy, test accuracy, epochs to reach the target validation
accuracy, wall seconds) and saves the curves.

    python benchmarks/optimizer_comparison.py           # Fashion-MNIST, 12 epochs (~4 min on 2 cores)
    python benchmarks/optimizer_comparison.py --quick   # Fashion-MNIST, 3 epochs (~1 min)

Writes benchmarks/results/optimizer_comparison.json (and the runs under runs/benchmark_compare/).
"""

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dlcourse._io import write_json_atomic  # noqa: E402
from dlcourse.studies import compare  # noqa: E402

OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw", "radam", "ranger")
RESULTS = Path(__file__).resolve().parent / "results" / "optimizer_comparison.json"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 epochs instead of 12")
    parser.add_argument("--dataset", default="fashion_mnist")
    parser.add_argument("--target", type=float, default=0.85, help="validation accuracy to reach")
    parser.add_argument("--out", default="runs/benchmark_compare")
    args = parser.parse_args(argv)
    epochs = 3 if args.quick else 12
    start = time.perf_counter()
    result = compare("mlp", args.dataset, optimizers=OPTIMIZERS, epochs=epochs, target=args.target,
                     seed=0, out_dir=args.out)
    total = time.perf_counter() - start
    print(result.to_text())
    print(f"figure: {result.figure_path}; total {total:.0f} s")
    write_json_atomic(RESULTS, {
        "benchmark": "optimizer_comparison", "quick": args.quick, "recipe": "mlp",
        "dataset": args.dataset, "epochs": epochs, "target": args.target, "seed": 0,
        "total_seconds": round(total, 1), "rows": result.rows, "table": result.to_text(),
        "figure": str(result.figure_path),
    })
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
