"""Linear classifiers on the toy sets, with and without non-linear features.

    separable  x -> perceptron and logistic regression: zero errors reachable
    xor        x -> no line works (accuracy near 0.5);  polynomial features (x0 * x1) fix it
    moons      x -> a line does fairly well;  RBF features bend the boundary around

"A non-linear classifier is a linear classifier of non-linear features": the same
`logistic_regression`, fed `PolynomialFeatures(3)` or `RBFFeatures(centres)`, draws
curved boundaries. `compare_classifiers` returns training accuracies and a grid of
decision-boundary plots (rows: data sets; columns: models).
"""

import numpy as np

from dlcourse.classic.figures import draw_decision_boundary
from dlcourse.classic.linear import PolynomialFeatures, RBFFeatures, logistic_regression, perceptron
from dlcourse.data import toy


def toy_sets(n_samples=200, seed=0):
    """The three data sets of the lecture: name -> (x, y)."""
    return {
        "separable": toy.make_separable(n_samples, seed=seed),
        "xor": toy.make_xor(n_samples, noise=0.25, seed=seed),
        "moons": toy.make_moons(n_samples, noise=0.15, seed=seed),
    }


def rbf_centres(x, count=25, seed=0):
    """`count` training points chosen at random as RBF centres."""
    rng = np.random.default_rng(seed)
    return x[rng.choice(len(x), size=min(count, len(x)), replace=False)]


def fit_models(x, y, epochs=300, seed=0):
    """Perceptron and logistic regression on raw, polynomial (degree 3) and RBF features."""
    poly, rbf = PolynomialFeatures(3), RBFFeatures(rbf_centres(x, seed=seed), gamma=1.0)
    return {
        "perceptron": perceptron(x, y, epochs=epochs, seed=seed),
        "logistic": logistic_regression(x, y, learning_rate=1.0, epochs=epochs),
        "logistic + poly(3)": logistic_regression(x, y, learning_rate=0.1, epochs=epochs, features=poly),
        "logistic + RBF": logistic_regression(x, y, learning_rate=1.0, epochs=epochs, features=rbf),
    }


def compare_classifiers(n_samples=200, epochs=300, seed=0, path=None):
    """Training accuracy of every model on every toy set (and the boundary plots).

    Returns:
        dict data set -> model -> training accuracy; "figure" when `path` is given.
    """
    sets = toy_sets(n_samples, seed)
    fitted = {name: fit_models(x, y, epochs, seed) for name, (x, y) in sets.items()}
    numbers = {
        name: {model: clf.accuracy(*sets[name]) for model, clf in models.items()}
        for name, models in fitted.items()
    }
    if path is not None:
        columns = list(next(iter(fitted.values())))
        from dlcourse import plots

        fig, axes = plots.figure(ncols=len(columns), nrows=len(sets), size=(2.8, 2.6))
        axes = np.reshape(axes, (len(sets), len(columns)))
        for row, (name, models) in enumerate(fitted.items()):
            for col, (model, clf) in enumerate(models.items()):
                accuracy = numbers[name][model]
                title = f"{name}: {model}\naccuracy {accuracy:.2f}"
                draw_decision_boundary(axes[row, col], clf, *sets[name], title)
        numbers = {**numbers, "figure": str(plots.save_figure(fig, path))}
    return numbers
