"""Lecture 4's study table: fully connected vs small CNN vs wide CNN (and its ablations), plus transfer.

    python benchmarks/cnn_study.py                # CIFAR-10 if present, else Fashion-MNIST; 10 epochs
    python benchmarks/cnn_study.py --epochs 5     # shorter (the wide CNNs dominate the time)
    python benchmarks/cnn_study.py --quick        # digits, 1 epoch, three runs (a smoke test)

Runs `dlcourse.studies.cnn_study` (every run through `dlcourse.training.train`, seed 0)
and `dlcourse.studies.transfer_study` (Fashion-MNIST classes 0-4 -> 5-9 with 1 % of the
labels; `--online` adds the keras.applications MobileNetV2 row when its weights can be
downloaded). Prints both tables and writes benchmarks/results/cnn_study.json under
"full" or "quick" (the other mode's entry is kept). One seed: on 10,000 test images,
differences under ~0.5 points are within run-to-run noise.
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
from dlcourse.studies import cnn_study, transfer_study  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "cnn_study.json"
QUICK_RUNS = ("fc_adam", "small_cnn", "wide_cnn")


def _copy_atomic(source, target):
    """Copy a file so that a reader never sees half of it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.write_bytes(Path(source).read_bytes())
    os.replace(partial, target)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="digits, 1 epoch, three runs")
    parser.add_argument("--dataset", default=None, help="default: cifar10 when present, else fashion_mnist")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--online", action="store_true", help="try the ImageNet MobileNetV2 transfer row")
    args = parser.parse_args(argv)
    if args.quick:
        dataset, epochs, runs = "digits", 1, QUICK_RUNS
        transfer_args = dict(dataset="digits", label_fraction=0.1, pretrain_epochs=3, epochs=5, fine_tune_epochs=2)
    else:
        dataset, epochs, runs = args.dataset, args.epochs, None
        transfer_args = dict(dataset="fashion_mnist", online=args.online)
    with tempfile.TemporaryDirectory(prefix="cnn_study_") as root:
        study = cnn_study(dataset, runs=runs, epochs=epochs, out_dir=Path(root) / "study")
        print(f"\n{study.settings['dataset']}, epochs {epochs}, seed 0:\n{study.to_text()}", flush=True)
        figure = RESULTS.parent / ("cnn_study_quick.png" if args.quick else "cnn_study.png")
        _copy_atomic(study.figure_path, figure)
        transfer = transfer_study(**transfer_args, out_dir=Path(root) / "transfer")
        print(f"\nTransfer, {transfer.settings['dataset']} classes 0-4 -> 5-9:\n{transfer.to_text()}")
        _copy_atomic(transfer.figure_path, figure.with_name(figure.name.replace("cnn_study", "transfer")))
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["quick" if args.quick else "full"] = {
        "study": {"settings": study.settings, "rows": study.rows, "histories": study.histories},
        "transfer": {"settings": transfer.settings, "rows": transfer.rows}, "figure": str(figure)}
    write_json_atomic(RESULTS, results)
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
