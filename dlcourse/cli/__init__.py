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
    dlcourse sample MODEL_DIR --prompt TEXT [--temperature T] [--length N]
    dlcourse generate MODEL_DIR [--n 64] [--seed 0] [--label NAME] [--out grid.png]
    dlcourse attack MODEL_DIR [--method fgsm|pgd|one-pixel] [--eps E] [--n N] [--out DIR]
    dlcourse practical N [--fast] [--out DIR]

Errors a user can fix print one line to stderr and exit with status 2. The arguments are
declared in `parser.py`, what each command does in `commands.py`.
"""

import os
import sys

from dlcourse.errors import DLCourseError

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's start-up chatter hides our output.

__all__ = ["main"]


def main(argv=None):
    from dlcourse.cli.parser import build_parser

    parser = build_parser()
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
