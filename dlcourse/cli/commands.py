"""What each `dlcourse` command does: read the parsed arguments, call the API, print.
Each imports what it needs when it runs, so `--help` and `datasets` answer without TensorFlow."""

import json
import sys
from pathlib import Path

from dlcourse.errors import DLCourseError


def _run_settings(args):
    """The `RunConfig` overrides given on the command line (None: the recipe's)."""
    return dict(dataset=args.dataset, epochs=args.epochs, batch_size=args.batch_size,
                learning_rate=args.learning_rate, optimizer=getattr(args, "optimizer", None),
                schedule=getattr(args, "schedule", None), warmup_steps=args.warmup, clipnorm=args.clipnorm,
                seed=args.seed, deterministic=args.deterministic, mixed_precision=args.mixed_precision,
                run_dir=getattr(args, "run_dir", None))


def datasets(args):
    from dlcourse import data

    rows = data.list_datasets()
    width = max(len(row["name"]) for row in rows)
    for row in rows:
        where = row["source"] if row["available"] else f"not available: {row['install_hint']}"
        print(f"{row['name']:<{width}}  {row['kind']:<6} {'yes' if row['available'] else 'no ':<4} {where}")


def train(args):
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


def predict(args):
    from dlcourse import export

    predictor = export.load(args.model_dir, version=args.version)
    for row in predictor.predict_files(args.files):
        print(json.dumps(row))


def sample(args):
    from dlcourse.export.sampler import load_sampler

    sampler = load_sampler(args.model_dir, version=args.version)
    print(args.prompt + sampler.sample(args.prompt, length=args.length, temperature=args.temperature,
                                       seed=args.seed))


def generate(args):
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


def samples(args):
    from dlcourse.data.samples import write_samples

    if args.count < 1:
        raise DLCourseError(f"`--count` must be at least 1. Received: --count {args.count}")
    for path in write_samples(args.dataset, args.out, count=args.count):
        print(path)


def lr_find(args):
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


def compare(args):
    from dlcourse import studies

    settings = _run_settings(args)
    for name in ("optimizer", "schedule", "run_dir", "learning_rate"):
        settings.pop(name)
    result = studies.compare(args.recipe, optimizers=args.optimizers, schedules=args.schedules,
                             target=args.target, out_dir=args.out, learning_rates=args.learning_rate,
                             **settings)
    print(result.to_text())
    print(f"curves: {result.figure_path}   table: {result.json_path}")


def doctor(args):
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


def attack(args):
    from dlcourse import interpret

    model = Path(args.model_dir).resolve()
    name = model.parent.name if model.name.isdigit() else model.name  # saved_models/NAME or NAME/<version>
    out = args.out or Path("runs") / f"attack_{name}_{args.method}"
    summary = interpret.attack_saved_model(args.model_dir, args.method, args.eps, args.n, out=out, seed=args.seed,
                                           version=args.version, steps=args.steps)
    print(json.dumps({k: v for k, v in summary.items() if k != "images"}, indent=2))
    print(f"adversarial images: {out}", file=sys.stderr)


def tune(args):
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


def practical(args):
    from dlcourse import practicals

    out = practicals.run(args.number, fast=args.fast, out=args.out)
    print(f"figures written to {out}")
