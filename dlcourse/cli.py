"""The `dlcourse` command: parses arguments, calls the API, prints. Nothing else.

    dlcourse datasets
    dlcourse train RECIPE [--dataset NAME] [--epochs N] [--batch-size N] [--learning-rate X]
                          [--optimizer NAME] [--schedule NAME] [--warmup N] [--clipnorm X]
                          [--seed N] [--run-dir DIR] [--export-dir DIR]
                          [--strategy mirrored | --multi-worker]
    dlcourse tune RECIPE [--tuner grid|random|hyperband|bayesian] [--max-trials N] [--dir DIR]
                         [--epochs N] [--dataset NAME] [--export-dir DIR]
                         [--distributed | --workers K [--time-limit S]]
    dlcourse doctor RECIPE | --gpu
    dlcourse predict MODEL_DIR FILE...
    dlcourse generate MODEL_DIR [--n 64] [--seed 0] [--label NAME] [--out grid.png]
    dlcourse attack MODEL_DIR [--method fgsm|pgd|one-pixel] [--eps E] [--n N] [--out DIR]
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
        if not getattr(args, "light", False):  # Listing and help answer without TensorFlow.
            _quiet_tensorflow_import(start_runtime=not getattr(args, "multi_worker", False))
        return args.run(args) or 0
    except DLCourseError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except OSError as err:  # A path the user gave that cannot be read or written.
        where = f"{err.filename}: " if err.filename else ""
        print(f"error: {where}{err.strerror or err}. Check the path and its permissions.", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: re-run the same command to resume training.", file=sys.stderr)
        return 130


def _quiet_tensorflow_import(start_runtime=True):
    """Import TensorFlow with its C++ start-up logs silenced: they would bury a one-line error."""
    from dlcourse._quiet import quiet_tensorflow_import

    quiet_tensorflow_import(start_runtime)


def _parser():
    parser = argparse.ArgumentParser(prog="dlcourse", description="The dlcourse deep-learning course.")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    p = sub.add_parser("datasets", help="list the datasets, whether each is available here, and its source")
    p.set_defaults(run=_datasets, light=True)

    p = sub.add_parser("train", help="train a recipe, evaluate it on test, optionally export it",
                       description="Train RECIPE with model.fit; re-running after a kill resumes.")
    p.add_argument("recipe", metavar="RECIPE", help="recipe name (see `dlcourse train --list`)", nargs="?")
    p.add_argument("--list", action="store_true", help="list the recipes and exit")
    _add_run_options(p)
    p.add_argument("--export-dir", metavar="DIR",
                   help="export the trained model as the next version in DIR (saved_models/NAME/<n>/)")
    p.add_argument("--restart", action="store_true",
                   help="discard the run already in the run dir (settings, checkpoint) and train anew")
    p.add_argument("--standardize", action="store_true", default=None,
                   help="standardise inputs with training-set statistics (kept inside the export)")
    p.add_argument("--strategy", choices=("mirrored",),
                   help="data-parallel over this machine's GPUs (tf.distribute.MirroredStrategy)")
    p.add_argument("--multi-worker", action="store_true",
                   help="data-parallel over the machines in TF_CONFIG (run the same command on each)")
    p.set_defaults(run=_train)

    p = sub.add_parser("predict", help="classify image files (PNG, JPEG, .npy) with an exported model")
    p.add_argument("model_dir", metavar="MODEL_DIR", help="the exported model (saved_models/NAME)")
    p.add_argument("files", metavar="FILE", nargs="+")
    p.add_argument("--version", type=int, metavar="N", help="which version (default: the highest)")
    p.set_defaults(run=_predict)

    p = sub.add_parser("sample", help="generate text from an exported language model (e.g. char_gpt)")
    p.add_argument("model_dir", metavar="MODEL_DIR", help="the exported model (saved_models/NAME)")
    p.add_argument("--prompt", required=True, metavar="TEXT", help="the text to continue")
    p.add_argument("--temperature", type=float, default=1.0, metavar="T",
                   help="0: always the most likely character; higher: more varied (default 1.0)")
    p.add_argument("--length", type=int, default=200, metavar="N", help="characters to generate (default 200)")
    p.add_argument("--seed", type=int, default=0, metavar="N", help="same seed, same text")
    p.add_argument("--version", type=int, metavar="N", help="which version (default: the highest)")
    p.set_defaults(run=_sample)

    p = sub.add_parser("generate", help="draw images from an exported generative model (dcgan, vae, ddpm, ...)")
    p.add_argument("model_dir", metavar="MODEL_DIR", help="the exported model (saved_models/NAME)")
    p.add_argument("--n", type=int, default=64, metavar="N", help="images to draw (default 64)")
    p.add_argument("--seed", type=int, default=0, metavar="N", help="same seed, same images")
    p.add_argument("--label", metavar="NAME", help="the class to draw: a name or an index (conditional models)")
    p.add_argument("--out", default="grid.png", metavar="PNG", help="the image grid to write (default grid.png)")
    p.add_argument("--version", type=int, metavar="N", help="which version (default: the highest)")
    p.set_defaults(run=_generate)

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
    p.add_argument("recipe", metavar="RECIPE", nargs="?")
    _add_run_options(p)
    p.add_argument("--simulate-bug", choices=("shuffled-labels", "huge-lr"),
                   help="break the run on purpose to see which checks catch it")
    p.add_argument("--gpu", action="store_true",
                   help="check the GPUs instead: devices, mixed precision, XLA, MirroredStrategy")
    p.set_defaults(run=_doctor)

    p = sub.add_parser("attack", help="fool an exported classifier: adversarial test images (PNG) and a JSON summary",
                       description="Attack the first N test images of the export's dataset with FGSM, PGD or one pixel.")
    p.add_argument("model_dir", metavar="MODEL_DIR", help="the exported model (saved_models/NAME)")
    p.add_argument("--method", default="pgd", metavar="NAME", help="fgsm, pgd or one-pixel (default: pgd)")
    p.add_argument("--eps", type=float, default=0.1, metavar="E", help="L-infinity budget in [0, 1] (default 0.1)")
    p.add_argument("--n", type=int, default=100, metavar="N", help="test images to attack (default 100)")
    p.add_argument("--steps", type=int, default=10, metavar="N", help="PGD steps (default 10)")
    p.add_argument("--seed", type=int, default=0, metavar="N")
    p.add_argument("--version", type=int, metavar="N", help="which version (default: the highest)")
    p.add_argument("--out", metavar="DIR", help="where the PNGs and summary.json go (default runs/attack_NAME_METHOD)")
    p.set_defaults(run=_attack)

    p = sub.add_parser("tune", help="search a recipe's hyperparameters with keras-tuner; export the best",
                       description="Each trial trains through the runner; re-running after a kill resumes the search.")
    p.add_argument("recipe", metavar="RECIPE")
    p.add_argument("--tuner", choices=("grid", "random", "hyperband", "bayesian"), default="random")
    p.add_argument("--max-trials", type=int, default=10, metavar="N", help="trials in total (default 10)")
    p.add_argument("--dir", metavar="DIR", help="the search directory (default runs/tune_RECIPE)")
    p.add_argument("--dataset", metavar="NAME", help="dataset (default: the recipe's)")
    p.add_argument("--epochs", type=int, metavar="N", help="epochs per trial (Hyperband: the largest budget)")
    p.add_argument("--seed", type=int, default=0, metavar="N")
    p.add_argument("--export-dir", metavar="DIR", help="where the best model is exported (default DIR/best)")
    p.add_argument("--distributed", action="store_true",
                   help="join keras-tuner's distributed search (KERASTUNER_TUNER_ID, _ORACLE_IP, _ORACLE_PORT)")
    p.add_argument("--workers", type=int, metavar="K", help="run a distributed search here: a chief and K workers")
    p.add_argument("--time-limit", type=float, default=3600, metavar="S",
                   help="with --workers: stop everything after S seconds (default 3600)")
    p.set_defaults(run=_tune)

    p = sub.add_parser("practical", help="run practical N headless and save its figures as PNG")
    p.add_argument("number", metavar="N", help="practical number (1-6, or e.g. 4b)")
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
        p.add_argument("--schedule", metavar="NAME",
                       help="constant, step, step_epochs, inverse, exponential (Keras's), continuous_exponential "
                            "(lecture's), linear, cosine (Keras's half cosine), cosine_floor (cosine to 0.1 of the peak), "
                            "quarter_cosine (lecture's)")
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

    rows = data.list_datasets()
    width = max(len(row["name"]) for row in rows)
    for row in rows:
        where = row["source"] if row["available"] else f"not available: {row['install_hint']}"
        print(f"{row['name']:<{width}}  {row['kind']:<6} {'yes' if row['available'] else 'no ':<4} {where}")


def _train(args):
    from dlcourse import training

    if args.list or not args.recipe:
        width = max(map(len, training.RECIPES))
        for name, recipe in sorted(training.RECIPES.items()):
            print(f"{name:<{width}}  {recipe.task:<14} {recipe.description}")
        return 0 if args.list else 2
    if args.multi_worker and (args.restart or args.strategy):
        raise DLCourseError("--multi-worker takes neither --restart nor --strategy.")
    strategy = _strategy(args)  # Before any data is read: TF_CONFIG is checked first.
    config = training.make_config(args.recipe, export_dir=args.export_dir, standardize=args.standardize,
                                  **_run_settings(args))
    if args.multi_worker:
        result = training.train_multi_worker(config, strategy=strategy)
    else:
        result = training.train(config, strategy=strategy, verbose=1, restart=args.restart)
    print(json.dumps(result.metrics, indent=2, sort_keys=True))
    if result.export_dir:
        print(f"exported: {result.export_dir}", file=sys.stderr)


def _strategy(args):
    """`--multi-worker`: the cluster in TF_CONFIG; `--strategy mirrored`: every GPU here
    (or every logical CPU when there is no GPU); otherwise None (one device)."""
    import tensorflow as tf

    from dlcourse import training

    if args.multi_worker:
        return training.make_strategy()
    if args.strategy != "mirrored":
        return None
    devices = tf.config.list_logical_devices("GPU") or tf.config.list_logical_devices("CPU")
    return tf.distribute.MirroredStrategy([d.name for d in devices])


def _predict(args):
    from dlcourse import export

    predictor = export.load(args.model_dir, version=args.version)
    for row in predictor.predict_files(args.files):
        print(json.dumps(row))


def _sample(args):
    from dlcourse.export.sampler import load_sampler

    sampler = load_sampler(args.model_dir, version=args.version)
    print(args.prompt + sampler.sample(args.prompt, length=args.length, temperature=args.temperature,
                                       seed=args.seed))


def _generate(args):
    from dlcourse.callbacks.image_grid import save_image_grid
    from dlcourse.export.generator import load_generator

    if Path(args.out).suffix.lower() != ".png":
        raise DLCourseError(f"`--out` must be a .png file. Received: --out {args.out}")
    generator = load_generator(args.model_dir, version=args.version)
    if len(generator.metadata["image_shape"]) != 3:
        raise DLCourseError(f"{generator.model_dir} draws points, not images (a toy model): read them in Python "
                            "with dlcourse.export.load_generator(MODEL_DIR).sample(n).")
    images = generator.sample(args.n, seed=args.seed, label=args.label)
    shown = "" if args.label is None else f", {generator.class_names[generator.label_index(args.label)]}"
    print(save_image_grid(images, args.out, title=f"{Path(args.model_dir).name}, seed {args.seed}{shown}"))


def _samples(args):
    from dlcourse.data.samples import write_samples

    if args.count < 1:
        raise DLCourseError(f"`--count` must be at least 1. Received: --count {args.count}")
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
    from dlcourse import studies

    settings = _run_settings(args)
    for name in ("optimizer", "schedule", "run_dir", "learning_rate"):
        settings.pop(name)
    result = studies.compare(args.recipe, optimizers=args.optimizers, schedules=args.schedules,
                             target=args.target, out_dir=args.out, learning_rates=args.learning_rate,
                             **settings)
    print(result.to_text())
    print(f"curves: {result.figure_path}   table: {result.json_path}")


def _doctor(args):
    from dlcourse import training

    if args.gpu:
        report = training.check_gpu()
        print(report.to_text())
        return 0 if report.passed else 1
    if not args.recipe:
        raise DLCourseError("`doctor` needs a RECIPE (e.g. `dlcourse doctor mlp`) or --gpu.")
    config = training.make_config(args.recipe, **_run_settings(args))
    report = training.diagnose(config, simulate_bug=args.simulate_bug, seed=args.seed)
    print(report.to_text())
    return 0 if report.passed else 1


def _attack(args):
    from dlcourse import interpret

    model = Path(args.model_dir).resolve()
    name = model.parent.name if model.name.isdigit() else model.name  # saved_models/NAME or NAME/<version>
    out = args.out or Path("runs") / f"attack_{name}_{args.method}"
    summary = interpret.attack_saved_model(args.model_dir, args.method, args.eps, args.n, out=out, seed=args.seed,
                                           version=args.version, steps=args.steps)
    print(json.dumps({k: v for k, v in summary.items() if k != "images"}, indent=2))
    print(f"adversarial images: {out}", file=sys.stderr)


def _tune(args):
    from dlcourse import tuning

    directory = Path(args.dir or f"runs/tune_{args.recipe}")
    if args.workers is None:
        result = tuning.search(args.recipe, tuner=args.tuner, max_trials=args.max_trials, directory=directory,
                               dataset=args.dataset, epochs=args.epochs, seed=args.seed, export_dir=args.export_dir,
                               distributed=args.distributed, verbose=2)
        print(result.to_text())
        return 0
    if args.distributed:
        raise DLCourseError("--workers starts its own chief and workers: leave out --distributed.")
    command = [sys.executable, "-m", "dlcourse.cli", "tune", args.recipe, "--tuner", args.tuner,
               "--max-trials", str(args.max_trials), "--dir", str(directory), "--seed", str(args.seed), "--distributed"]
    for flag, value in (("--dataset", args.dataset), ("--epochs", args.epochs), ("--export-dir", args.export_dir)):
        command += [flag, str(value)] if value is not None else []
    outcome = tuning.launch(command, workers=args.workers, time_limit=args.time_limit,
                            log_dir=directory / "logs", project_dir=directory / "search")
    print(outcome.message)
    return 0 if outcome.ok else 1


def _practical(args):
    from dlcourse import practicals

    out = practicals.run(args.number, fast=args.fast, out=args.out)
    print(f"figures written to {out}")


if __name__ == "__main__":
    sys.exit(main())
