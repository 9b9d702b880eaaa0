"""Robustness of a clean and an adversarially trained CNN: accuracy against eps, the one-pixel
attack's success rate, and the seconds each attack takes.

    python benchmarks/interpret.py            # cnn_fast and cnn_fast_adversarial on Fashion-MNIST
    python benchmarks/interpret.py --quick    # mlp and mlp_adversarial on digits (about a minute)

Both recipes train once with `dlcourse.training.train` (their own settings, seed 0) in a
fresh folder. Then, on the same random test images: accuracy under FGSM and PGD-10 at each
eps (`dlcourse.studies.robustness_study`), the one-pixel attack on the first correctly
classified images, and the time per image of each attack (wall clock, this machine).
Prints the tables and writes them to benchmarks/results/interpret.json under "full" or
"quick" (the other mode's entry is kept).
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from dlcourse import interpret, studies  # noqa: E402
from dlcourse.studies.interpret import sample_test_images  # noqa: E402
from dlcourse._io import write_json_atomic  # noqa: E402
from dlcourse.training import make_config, train  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "interpret.json"
MODES = {  # dataset, recipes, test images, one-pixel images, epsilons
    "full": ("fashion_mnist", ("cnn_fast", "cnn_fast_adversarial"), 1000, 100, (0.0, 0.02, 0.05, 0.1, 0.15, 0.2)),
    "quick": ("digits", ("mlp", "mlp_adversarial"), 200, 10, (0.0, 0.05, 0.1, 0.2)),
}


def attack_seconds(model, images, labels, seed):
    """Seconds per image of FGSM, PGD-10 and the one-pixel attack (on the first 10 images)."""
    timings = {}
    for method, subset in (("fgsm", len(images)), ("pgd", len(images)), ("one-pixel", 10)):
        start = time.perf_counter()
        interpret.attack(model, images[:subset], labels[:subset], method, 0.1, seed=seed)
        timings[method] = round((time.perf_counter() - start) / subset, 5)
    return timings


def one_pixel_rate(model, images, labels, count, seed):
    """Success rate of the one-pixel attack on the first `count` correctly classified images."""
    right = np.flatnonzero(np.argmax(model.predict(images, verbose=0), axis=-1) == labels)[:count]
    outcomes = [interpret.one_pixel_attack(model, images[i], labels[i], seed=seed + int(i))[1] for i in right]
    return {"images": len(right), "success_rate": round(float(np.mean(outcomes)), 4) if outcomes else None}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the MLP pair on digits instead of cnn_fast on Fashion-MNIST")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    mode = "quick" if args.quick else "full"
    dataset, recipes, n_test, n_pixel, epsilons = MODES[mode]
    with tempfile.TemporaryDirectory(prefix="interpret_benchmark_") as root:
        study = studies.robustness_study(dataset, recipes=recipes, n_test=n_test, epsilons=epsilons,
                                         seed=args.seed, out_dir=root)
        print(f"Accuracy against eps on {dataset} ({n_test} test images, seed {args.seed}):\n{study.to_text()}")
        images, labels = sample_test_images(dataset, n_test, args.seed)
        per_model = {}
        for recipe in recipes:  # The runs resume from the study's folders: no second training.
            config = make_config(recipe, dataset, seed=args.seed, run_dir=str(Path(root) / recipe))
            model = train(config, verbose=0).model
            per_model[recipe] = {"one_pixel": one_pixel_rate(model, images, labels, n_pixel, args.seed),
                                 "seconds_per_image": attack_seconds(model, images, labels, args.seed)}
            print(f"{recipe}: {json.dumps(per_model[recipe])}", flush=True)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results[mode] = {"dataset": dataset, "seed": args.seed, "rows": study.rows, "attacks": per_model}
    write_json_atomic(RESULTS, results)
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
