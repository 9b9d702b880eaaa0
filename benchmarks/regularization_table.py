"""Test accuracy of the course MLP with no regularisation, L2, dropout, BatchNorm, augmentation.

    python benchmarks/regularization_table.py            # Fashion-MNIST, the lecture's 12 epochs
    python benchmarks/regularization_table.py --quick    # digits, 10 epochs (about a minute)

Each recipe (`mlp`, `mlp_l2`, `mlp_dropout`, `mlp_batchnorm`, `mlp_augment`) is trained once
with `dlcourse.training.train` and its own lecture settings, seed 0, in a fresh run folder.
Prints a table (test accuracy, final train and validation accuracy, their gap, wall time)
and writes it to benchmarks/results/regularization_table.json under the key "full" or
"quick" (the other mode's table is kept). One seed: differences under ~0.5 points on
Fashion-MNIST (10,000 test images) are within run-to-run noise.
"""

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dlcourse._io import write_json_atomic  # noqa: E402
from dlcourse.training import make_config, train  # noqa: E402
import dlcourse.training.recipes_regularization  # noqa: E402,F401  (registers the recipes)

RESULTS = Path(__file__).resolve().parent / "results" / "regularization_table.json"
RECIPES = ("mlp", "mlp_l2", "mlp_dropout", "mlp_batchnorm", "mlp_augment")


def run(recipe, dataset, epochs, seed, root):
    """Train one recipe; return its row of the table."""
    config = make_config(recipe, dataset, epochs=epochs, seed=seed, run_dir=str(Path(root) / recipe))
    result = train(config, verbose=0)
    m = result.metrics
    return {
        "recipe": recipe,
        "test_accuracy": round(m["test_accuracy"], 4),
        "test_loss": round(m["test_loss"], 4),
        "train_accuracy": round(m["final_accuracy"], 4),
        "val_accuracy": round(m["final_val_accuracy"], 4),
        "gap": round(m["final_accuracy"] - m["final_val_accuracy"], 4),
        "parameters": m["parameters"],
        "epochs": m["epochs_run"],
        "augment": list(config.augment),
        "seconds": round(m["wall_seconds"], 1),
    }


def format_table(rows):
    header = f"{'recipe':<14} {'test acc':>8} {'train acc':>9} {'val acc':>8} {'gap':>7} {'params':>7} {'s':>6}"
    lines = [header, "-" * len(header)]
    for r in rows:
        lines.append(f"{r['recipe']:<14} {r['test_accuracy']:>8.4f} {r['train_accuracy']:>9.4f} "
                     f"{r['val_accuracy']:>8.4f} {r['gap']:>+7.4f} {r['parameters']:>7,} {r['seconds']:>6.1f}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="digits and 10 epochs instead of Fashion-MNIST")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--recipes", default=",".join(RECIPES), help="comma-separated subset")
    args = parser.parse_args(argv)
    dataset, epochs = ("digits", 10) if args.quick else ("fashion_mnist", None)  # None: the recipe's 12
    rows = []
    with tempfile.TemporaryDirectory(prefix="regularization_table_") as root:
        for recipe in args.recipes.split(","):
            rows.append(run(recipe.strip(), dataset, epochs, args.seed, root))
            print(f"  {recipe}: test accuracy {rows[-1]['test_accuracy']:.4f} ({rows[-1]['seconds']} s)", flush=True)
    print(f"\nThe course MLP on {dataset}, seed {args.seed}:\n" + format_table(rows))
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["quick" if args.quick else "full"] = {"dataset": dataset, "seed": args.seed, "rows": rows}
    write_json_atomic(RESULTS, results)
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
