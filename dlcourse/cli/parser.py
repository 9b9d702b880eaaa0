"""The `dlcourse` command's arguments: one sub-parser per command, each naming the function
in `dlcourse.cli.commands` that runs it."""

import argparse

from dlcourse.cli import commands


def build_parser():
    parser = argparse.ArgumentParser(prog="dlcourse", description="The dlcourse deep-learning course.")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    p = sub.add_parser("datasets", help="list the datasets, whether each is available here, and its source")
    p.set_defaults(run=commands.datasets, light=True)

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
    p.set_defaults(run=commands.train)

    p = sub.add_parser("predict", help="classify image files (PNG, JPEG, .npy) with an exported model")
    p.add_argument("model_dir", metavar="MODEL_DIR", help="the exported model (saved_models/NAME)")
    p.add_argument("files", metavar="FILE", nargs="+")
    p.add_argument("--version", type=int, metavar="N", help="which version (default: the highest)")
    p.set_defaults(run=commands.predict)

    p = sub.add_parser("sample", help="generate text from an exported language model (e.g. char_gpt)")
    p.add_argument("model_dir", metavar="MODEL_DIR", help="the exported model (saved_models/NAME)")
    p.add_argument("--prompt", required=True, metavar="TEXT", help="the text to continue")
    p.add_argument("--temperature", type=float, default=1.0, metavar="T",
                   help="0: always the most likely character; higher: more varied (default 1.0)")
    p.add_argument("--length", type=int, default=200, metavar="N", help="characters to generate (default 200)")
    p.add_argument("--seed", type=int, default=0, metavar="N", help="same seed, same text")
    p.add_argument("--version", type=int, metavar="N", help="which version (default: the highest)")
    p.set_defaults(run=commands.sample)

    p = sub.add_parser("generate", help="draw images from an exported generative model (dcgan, vae, ddpm, ...)")
    p.add_argument("model_dir", metavar="MODEL_DIR", help="the exported model (saved_models/NAME)")
    p.add_argument("--n", type=int, default=64, metavar="N", help="images to draw (default 64)")
    p.add_argument("--seed", type=int, default=0, metavar="N", help="same seed, same images")
    p.add_argument("--label", metavar="NAME", help="the class to draw: a name or an index (conditional models)")
    p.add_argument("--out", default="grid.png", metavar="PNG", help="the image grid to write (default grid.png)")
    p.add_argument("--version", type=int, metavar="N", help="which version (default: the highest)")
    p.set_defaults(run=commands.generate)

    p = sub.add_parser("samples", help="write test images of a dataset as PNG files (to try `predict` on)")
    p.add_argument("dataset", metavar="DATASET")
    p.add_argument("--count", type=int, default=5, metavar="N")
    p.add_argument("--out", metavar="DIR", default="runs/samples")
    p.set_defaults(run=commands.samples)

    p = sub.add_parser("lr-find", help="learning-rate range test for a recipe; prints the suggestion, saves a plot",
                       description="Grow the learning rate exponentially over a few hundred steps and record the loss.")
    p.add_argument("recipe", metavar="RECIPE")
    _add_run_options(p)
    p.add_argument("--min-lr", type=float, default=1e-6, metavar="X")
    p.add_argument("--max-lr", type=float, default=1.0, metavar="X")
    p.add_argument("--steps", type=int, default=200, metavar="N")
    p.set_defaults(run=commands.lr_find)

    p = sub.add_parser("compare", help="train a recipe once per optimiser (and schedule); table and curves",
                       description="The same model, data and seed trained with each optimiser and schedule.")
    p.add_argument("recipe", metavar="RECIPE")
    p.add_argument("--optimizers", default="sgd,momentum,adam", metavar="A,B,...",
                   help="comma-separated optimiser names (default: sgd,momentum,adam)")
    p.add_argument("--schedules", default="constant", metavar="X,Y,...", help="comma-separated schedule names")
    _add_run_options(p, single_run=False)
    p.add_argument("--target", type=float, metavar="ACC", help="validation accuracy to count epochs to")
    p.add_argument("--out", default="runs/compare", metavar="DIR")
    p.set_defaults(run=commands.compare)

    p = sub.add_parser("doctor", help="babysit a recipe: initial loss, gradient check, overfit a batch, ...",
                       description="Run the babysitting checks on RECIPE; one line per check, passed or failed.")
    p.add_argument("recipe", metavar="RECIPE", nargs="?")
    _add_run_options(p)
    p.add_argument("--simulate-bug", choices=("shuffled-labels", "huge-lr"),
                   help="break the run on purpose to see which checks catch it")
    p.add_argument("--gpu", action="store_true",
                   help="check the GPUs instead: devices, mixed precision, XLA, MirroredStrategy")
    p.set_defaults(run=commands.doctor)

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
    p.set_defaults(run=commands.attack)

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
    p.set_defaults(run=commands.tune)

    p = sub.add_parser("practical", help="run practical N headless and save its figures as PNG")
    p.add_argument("number", metavar="N", help="practical number (1-6, or e.g. 4b)")
    p.add_argument("--fast", action="store_true", help="small data and few steps")
    p.add_argument("--out", metavar="DIR", help="where figures go (default figures/<practical>)")
    p.set_defaults(run=commands.practical)
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
