"""Search the small convnet's hyperparameters on Fashion-MNIST, Bayesian: copy, edit, run.

    python scripts/search_cnn.py            # about an hour on 2 CPU cores (a GPU: minutes)
    python scripts/search_cnn.py --quick    # digits, 2 trials of 1 epoch: does it run?

Every trial trains through `dlcourse.training.train` (seeds, NaN guard, resume after a
kill). Interrupted? Run it again: the search resumes where it stopped. It prints the
table; DIRECTORY holds results.csv, results.png and the best model exported in best/.
"""

import sys

from dlcourse import tuning

# The search space: a list is a choice, (low, high, "log") a range. Anything left out
# stays at the recipe's value (filters 32/64, dense 128, dropout 0.25, Adam 1e-3, batch 64).
SPACE = {
    "filters_1": [16, 32, 64],
    "filters_2": [32, 64, 128],
    "dense_units": [64, 128, 256],
    "dropout": [0.0, 0.25, 0.5],
    "learning_rate": (1e-4, 1e-2, "log"),
    "weight_decay": [0.0, 1e-4],
}
TUNER = "bayesian"         # grid, random, hyperband or bayesian
MAX_TRIALS = 15
EPOCHS = 5
DATASET = "fashion_mnist"
DIRECTORY = "runs/search_cnn"


def main(quick=False, directory=DIRECTORY):
    settings = dict(tuner="random", max_trials=2, epochs=1, dataset="digits") if quick else \
        dict(tuner=TUNER, max_trials=MAX_TRIALS, epochs=EPOCHS, dataset=DATASET)
    result = tuning.search("cnn", directory=directory, space=SPACE, verbose=1, **settings)
    print(result.to_text())
    return result


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    main(quick, directory=DIRECTORY + ("_quick" if quick else ""))
