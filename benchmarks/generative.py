"""Generative models: FID table, seconds per epoch, mode coverage on the ring of 8 Gaussians.

    python benchmarks/generative.py            # Fashion-MNIST, 5 epochs, FID at N = 10,000; ring: 3 seeds
    python benchmarks/generative.py --quick    # digits, 1 epoch, FID at N = 200; ring: 1 seed, 1 epoch
    python benchmarks/generative.py --only fid --recipes dcgan,vae

FID table (`dlcourse.studies.fid_table`): dcgan, wgan_gp, sngan, vae, ddpm, each trained
once through the runner with its recipe's settings (seed 0; `--epochs` for all, default
5; the DDPM 4, its recipe's, 28.8 minutes measured: the 30-minute budget, `--ddpm-epochs`), then FID
between N generated and N test images on the package classifier's features, the share of
the most frequent class among the samples, and seconds per epoch. Targets (issue 12,
measured on a 2-core CPU): the DCGAN's FID below the VAE's within 5 epochs; the DDPM's
samples recognisable after training that fits in 30 minutes (look at each `fid_table.png`).

Ring (`dlcourse.studies.mode_collapse_table`): gan_ring, wgan_gp_ring, sngan_ring, seeds
0, 1, 2: modes covered (of 8) and the share of samples within 3 std of a mode.

Prints both tables and writes benchmarks/results/generative.json under "full" or "quick"
(the other mode's results, the other table and the FID rows of recipes not run are kept);
run folders go to a temp dir unless `--out`.
"""

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dlcourse._quiet import quiet_tensorflow  # noqa: E402

quiet_tensorflow()  # Each run traces new functions: TensorFlow's retracing advice is noise here.
from dlcourse import studies  # noqa: E402
from dlcourse._io import write_json_atomic  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "generative.json"


def fid_rows(args, root):
    dataset, epochs, samples = ("digits", 1, 200) if args.quick else ("fashion_mnist", args.epochs, args.fid_samples)
    recipes = [r.strip() for r in args.recipes.split(",")]
    rows = []
    for recipe in recipes:  # One study per recipe: the DDPM takes its own epoch count.
        recipe_epochs = (1 if args.quick else args.ddpm_epochs) if recipe == "ddpm" else epochs
        table = studies.fid_table((recipe,), dataset, epochs=recipe_epochs, fid_samples=samples, seed=args.seed,
                                  out_dir=Path(root) / "fid" / recipe)  # Each its own fid_table.png.
        rows += table.rows
        print(f"  {recipe}: FID {rows[-1]['fid']:.2f}, {rows[-1]['seconds_per_epoch']:.1f} s/epoch", flush=True)
    table.rows = rows
    print(f"\nFID on {dataset}, N = {samples}, seed {args.seed}:\n{table.to_text()}")
    by_name = {r["recipe"]: r["fid"] for r in rows}
    if "dcgan" in by_name and "vae" in by_name:
        verdict = "met" if by_name["dcgan"] < by_name["vae"] else "NOT met"
        print(f"target DCGAN FID < VAE FID: {by_name['dcgan']:.2f} vs {by_name['vae']:.2f} ({verdict})")
    return {"dataset": dataset, "epochs": epochs, "fid_samples": samples, "rows": rows}


def ring_rows(args, root):
    seeds, epochs = ((0,), 1) if args.quick else ((0, 1, 2), None)
    table = studies.mode_collapse_table(seeds=seeds, epochs=epochs, out_dir=Path(root) / "ring")
    print(f"\nMode coverage on 8 Gaussians, seeds {list(seeds)}:\n{table.to_text()}")
    return {"seeds": list(seeds), "epochs": epochs, "rows": table.rows}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="digits, 1 epoch, small N: checks the script runs")
    parser.add_argument("--only", choices=("fid", "ring"), help="run one of the two tables")
    parser.add_argument("--recipes", default=",".join(studies.generative.FID_RECIPES))
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--ddpm-epochs", type=int, default=4)
    parser.add_argument("--fid-samples", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", help="keep the run folders here (default: a temp dir)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="generative_") as tmp:
        root = Path(args.out or tmp)
        outcome = {}
        if args.only in (None, "fid"):
            outcome["fid"] = fid_rows(args, root)
        if args.only in (None, "ring"):
            outcome["ring"] = ring_rows(args, root)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    mode = results.setdefault("quick" if args.quick else "full", {})
    if "fid" in outcome and "fid" in mode:  # `--recipes` runs some: the others' rows stay.
        ran = {r["recipe"] for r in outcome["fid"]["rows"]}
        outcome["fid"]["rows"] = [r for r in mode["fid"]["rows"] if r["recipe"] not in ran] + outcome["fid"]["rows"]
    mode.update(outcome)
    write_json_atomic(RESULTS, results)
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
