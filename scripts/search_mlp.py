"""Search the course MLP's hyperparameters on Fashion-MNIST with Hyperband: copy, edit, run.

    python scripts/search_mlp.py            # about 10 minutes on 2 CPU cores
    python scripts/search_mlp.py --quick    # digits, 2 trials of 2 epochs: does it run?

Every trial trains through `dlcourse.training.train` (seeds, NaN guard, resume after a
kill). Interrupted? Run it again: the search resumes where it stopped. It prints the
table; DIRECTORY holds results.csv, results.png and the best model exported in best/.
"""

import sys

from dlcourse import tuning

# The search space: a list is a choice, (low, high, "log") a range. Anything left out
# stays at the recipe's value (784-64-32-10, no dropout, SGD 0.01, batch 64).
SPACE = {
    "units_1": [64, 128, 256],
    "units_2": [32, 64, 128],
    "dropout": [0.0, 0.1, 0.2],
    "optimizer": ["sgd", "momentum", "adam", "adamw"],
    "learning_rate": (1e-4, 0.1, "log"),
    "weight_decay": [0.0, 1e-4, 1e-3],
    "batch_size": [32, 64, 128],
}
TUNER = "hyperband"        # grid, random, hyperband or bayesian
MAX_TRIALS = 40            # Hyperband over 12 epochs ends by itself after about 25
EPOCHS = 12                # Hyperband: the largest budget a trial gets
DATASET = "fashion_mnist"
DIRECTORY = "runs/search_mlp"


def main(quick=False, directory=DIRECTORY):
    settings = dict(tuner="random", max_trials=2, epochs=2, dataset="digits") if quick else \
        dict(tuner=TUNER, max_trials=MAX_TRIALS, epochs=EPOCHS, dataset=DATASET)
    result = tuning.search("mlp", directory=directory, space=SPACE, verbose=1, **settings)
    print(result.to_text())
    return result


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    main(quick, directory=DIRECTORY + ("_quick" if quick else ""))
