"""The `dlcourse` command: parses arguments, calls the API, prints. Nothing else.

    dlcourse datasets
    dlcourse train RECIPE [--dataset NAME] [--epochs N] [--batch-size N] [--learning-rate X]
                          [--optimizer NAME] [--schedule NAME] [--warmup N] [--clipnorm X]
                          [--seed N] [--run-dir DIR] [--export-dir DIR]
    dlcourse predict MODEL_DIR FILE...
    dlcourse practical N [--fast] [--out DIR]

Errors a user can fix print one line to stderr and exit with status 2.
"""

import argparse
import json
import os
import sys
from pathlib import Path

from dlcourse.errors import DLCourseError

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's start-up chatter hides our output.


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        _quiet_tensorflow_import()
        return args.run(args) or 0
    except DLCourseError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: re-run the same command to resume training.", file=sys.stderr)
        return 130


def _quiet_tensorflow_import():
    """Import TensorFlow and start its CPU device with stderr silenced.

    TensorFlow's C++ start-up logs (oneDNN notes, CUDA probes) ignore TF_CPP_MIN_LOG_LEVEL;
    they would bury a one-line error. Python-level errors still surface: stderr is back
    before anything is raised or printed.
    """
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import tensorflow as tf

        tf.config.list_physical_devices()
        tf.constant(0.0).numpy()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _parser():
    parser = argparse.ArgumentParser(prog="dlcourse", description="The dlcourse deep-learning course.")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    p = sub.add_parser("datasets", help="list the datasets, whether each is available here, and its source")
    p.set_defaults(run=_datasets)

    p = sub.add_parser("train", help="train a recipe, evaluate it on test, optionally export it",
                       description="Train RECIPE with model.fit; re-running after a kill resumes.")
    p.add_argument("recipe", metavar="RECIPE", help="recipe name (see `dlcourse train --list`)", nargs="?")
    p.add_argument("--list", action="store_true", help="list the recipes and exit")
    _add_run_options(p)
    p.add_argument("--export-dir", metavar="DIR", help="export the trained model here as a SavedModel")
    p.set_defaults(run=_train)

    p = sub.add_parser("predict", help="classify image files (PNG, JPEG, .npy) with an exported model")
    p.add_argument("model_dir", metavar="MODEL_DIR")
    p.add_argument("files", metavar="FILE", nargs="+")
    p.set_defaults(run=_predict)

    p = sub.add_parser("samples", help="write test images of a dataset as PNG files (to try `predict` on)")
    p.add_argument("dataset", metavar="DATASET")
    p.add_argument("--count", type=int, default=5, metavar="N")
    p.add_argument("--out", metavar="DIR", default="runs/samples")
    p.set_defaults(run=_samples)

    p = sub.add_parser("lr-find", help="learning-rate range test for a recipe; prints the suggestion, saves a plot",
                       description="Grow the learning rate exponentially over a few hundred steps and record the loss.")
    p.add_argument("recipe", metavar="RECIPE")
    _add_run_options(p)
    p.add_argument("--min-lr", type=float, default=1e-6, metavar="X")
    p.add_argument("--max-lr", type=float, default=1.0, metavar="X")
    p.add_argument("--steps", type=int, default=200, metavar="N")
    p.set_defaults(run=_lr_find)

    p = sub.add_parser("compare", help="train a recipe once per optimiser (and schedule); table and curves",
                       description="The same model, data and seed trained with each optimiser and schedule.")
    p.add_argument("recipe", metavar="RECIPE")
    p.add_argument("--optimizers", default="sgd,momentum,adam", metavar="A,B,...",
                   help="comma-separated optimiser names (default: sgd,momentum,adam)")
    p.add_argument("--schedules", default="constant", metavar="X,Y,...", help="comma-separated schedule names")
    _add_run_options(p, single_run=False)
    p.add_argument("--target", type=float, metavar="ACC", help="validation accuracy to count epochs to")
    p.add_argument("--out", default="runs/compare", metavar="DIR")
    p.set_defaults(run=_compare)

    p = sub.add_parser("doctor", help="babysit a recipe: initial loss, gradient check, overfit a batch, ...",
                       description="Run the babysitting checks on RECIPE; one line per check, passed or failed.")
    p.add_argument("recipe", metavar="RECIPE")
    _add_run_options(p)
    p.add_argument("--simulate-bug", choices=("shuffled-labels", "huge-lr"),
                   help="break the run on purpose to see which checks catch it")
    p.set_defaults(run=_doctor)

    p = sub.add_parser("practical", help="run practical N headless and save its figures as PNG")
    p.add_argument("number", metavar="N", type=int, help="practical number (1-6)")
    p.add_argument("--fast", action="store_true", help="small data and few steps")
    p.add_argument("--out", metavar="DIR", help="where figures go (default figures/<practical>)")
    p.set_defaults(run=_practical)
    return parser


def _add_run_options(p, single_run=True):
    """The options shared by every command that trains a recipe (`compare` trains several
    runs, one per optimiser and schedule, each in its own folder)."""
    p.add_argument("--dataset", metavar="NAME", help="dataset (default: the recipe's)")
    p.add_argument("--epochs", type=int, metavar="N")
    p.add_argument("--batch-size", type=int, metavar="N")
    p.add_argument("--learning-rate", type=float, metavar="X",
                   help=None if single_run else "one rate for all (default: one per optimiser)")
    if single_run:
        p.add_argument("--optimizer", metavar="NAME", help="sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw, radam, lookahead, ranger")
        p.add_argument("--schedule", metavar="NAME", help="constant, step, inverse, exponential, linear, cosine")
    p.add_argument("--warmup", type=int, metavar="STEPS", help="linear learning-rate warm-up over STEPS steps")
    p.add_argument("--clipnorm", type=float, metavar="X", help="clip the global gradient norm to X")
    p.add_argument("--seed", type=int, default=0, metavar="N")
    p.add_argument("--deterministic", action="store_true", default=None,
                   help="also make TensorFlow's ops deterministic (slower; same results run to run)")
    p.add_argument("--mixed-precision", choices=("mixed_float16", "mixed_bfloat16"),
                   help="compute in 16-bit floats (float16 on GPUs); outputs stay float32")
    if single_run:
        p.add_argument("--run-dir", metavar="DIR", help="metrics, curves, logs, backup (default runs/RECIPE_DATASET)")


def _run_settings(args):
    """The `RunConfig` overrides given on the command line (None: the recipe's)."""
    return dict(dataset=args.dataset, epochs=args.epochs, batch_size=args.batch_size,
                learning_rate=args.learning_rate, optimizer=getattr(args, "optimizer", None),
                schedule=getattr(args, "schedule", None), warmup_steps=args.warmup, clipnorm=args.clipnorm,
                seed=args.seed, deterministic=args.deterministic, mixed_precision=args.mixed_precision,
                run_dir=getattr(args, "run_dir", None))


def _datasets(args):
    from dlcourse import data

    for row in data.list_datasets():
        where = row["source"] if row["available"] else f"not available: {row['install_hint']}"
        print(f"{row['name']:<14} {'yes' if row['available'] else 'no ':<4} {where}")


def _train(args):
    from dlcourse import training

    if args.list or not args.recipe:
        for name, recipe in sorted(training.RECIPES.items()):
            print(f"{name:<10} {recipe.description}")
        return 0 if args.list else 2
    config = training.make_config(args.recipe, export_dir=args.export_dir, **_run_settings(args))
    result = training.train(config, verbose=1)
    print(json.dumps(result.metrics, indent=2, sort_keys=True))
    if result.export_dir:
        print(f"exported: {result.export_dir}", file=sys.stderr)


def _predict(args):
    from dlcourse import export

    predictor = export.load(args.model_dir)
    for row in predictor.predict_files(args.files):
        print(json.dumps(row))


def _samples(args):
    from dlcourse.data.samples import write_samples

    for path in write_samples(args.dataset, args.out, count=args.count):
        print(path)


def _lr_find(args):
    from dlcourse import callbacks, data, training

    config = training.make_config(args.recipe, **_run_settings(args))
    info = data.info(config.dataset, config.validation_size)
    train = data.load(config.dataset, "train", batch_size=config.batch_size, seed=config.seed,
                      validation_size=config.validation_size)
    model = training.build_model(config, info, train.cardinality().numpy())
    # The range test sets the rate every step: constant rate, one step per execution.
    model.compile(optimizer=type(model.optimizer).from_config(
                      {**model.optimizer.get_config(), "learning_rate": args.min_lr}),
                  loss=model.loss, metrics=["accuracy"])
    result = callbacks.find_learning_rate(model, train, min_lr=args.min_lr, max_lr=args.max_lr,
                                          steps=args.steps)
    plot = callbacks.plot_lr_finder(result, Path(config.run_dir) / "lr_finder.png")
    print(json.dumps({"recipe": config.recipe, "dataset": config.dataset, "optimizer": config.optimizer,
                      "suggested_learning_rate": float(result.suggestion), "method": result.method,
                      "steps": len(result.learning_rates), "plot": str(plot)}, indent=2))


def _compare(args):
    from dlcourse import training

    settings = _run_settings(args)
    for name in ("optimizer", "schedule", "run_dir", "learning_rate"):
        settings.pop(name)
    result = training.compare(args.recipe, optimizers=args.optimizers, schedules=args.schedules,
                              target=args.target, out_dir=args.out, learning_rates=args.learning_rate,
                              **settings)
    print(result.to_text())
    print(f"curves: {result.figure_path}   table: {result.json_path}")


def _doctor(args):
    from dlcourse import training

    config = training.make_config(args.recipe, **_run_settings(args))
    report = training.diagnose(config, simulate_bug=args.simulate_bug, seed=args.seed)
    print(report.to_text())
    return 0 if report.passed else 1


def _practical(args):
    from dlcourse import practicals

    out = practicals.run(args.number, fast=args.fast, out=args.out)
    print(f"figures written to {out}")


if __name__ == "__main__":
    sys.exit(main())
