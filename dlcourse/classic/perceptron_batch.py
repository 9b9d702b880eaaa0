"""The perceptron's batch form, as the lecture writes it, beside the online form.

With labels Y in {0, 1}, the inputs X extended by a constant 1 (the bias is the last
weight), and predictions Yhat = step(X w) (1 where X w > 0, else 0), one epoch is

    batch form:   w = w + learning_rate * sum_i (Y_i - Yhat_i) X_i      (all examples, one update)
    online form:  for each i in a random order:
                      w = w + learning_rate * (Y_i - Yhat_i) X_i        (one example, one update)

Only misclassified examples contribute (Y - Yhat is 0 where the prediction is right).
On separable data both stop with no mistake (the perceptron convergence theorem). On
non-separable data neither can: the mistakes never reach 0 and the weights keep moving
(they cycle), whatever the number of epochs; the online form here is
`dlcourse.classic.perceptron` (labels t = 2 Y - 1, the same update on a mistake).

Reference: Rosenblatt 1958; Novikoff 1962 (convergence on separable data); Minsky &
Papert 1969 (no convergence without separability).
"""

import numpy as np

from dlcourse.classic.linear import LinearClassifier, perceptron
from dlcourse.classic.logistic import check_dataset
from dlcourse.errors import DLCourseError


def batch_perceptron(x, y, epochs=100, learning_rate=1.0):
    """The batch form above from w = 0; stops after the first epoch with no mistake.

    Args:
        x: features (m, d).
        y: labels (m,) in {0, 1}.
        epochs: the largest number of epochs (= updates).
        learning_rate: positive step (the lecture's is 1).

    Returns:
        `LinearClassifier` with history["errors"] (mistakes before each update) and
        history["weights"] (epochs + 1, d + 1): w after each update, bias last.

    Example:

        model = batch_perceptron(x, y, epochs=50)
        model.history["errors"][-1]          # 0 on separable data
    """
    x, y = check_dataset(x, y)
    if not learning_rate > 0 or int(epochs) < 1:
        raise DLCourseError(
            f"`learning_rate` must be positive and `epochs` at least 1. "
            f"Received: learning_rate={learning_rate}, epochs={epochs}"
        )
    x1 = np.c_[x, np.ones(len(y))]
    w = np.zeros(x1.shape[1])
    errors, weights = [], [w.copy()]
    for _ in range(int(epochs)):
        y_hat = (x1 @ w > 0).astype(np.float64)
        errors.append(int(np.sum(y_hat != y)))
        if errors[-1] == 0:
            break
        w = w + learning_rate * x1.T @ (y - y_hat)
        weights.append(w.copy())
    history = {"errors": np.array(errors), "weights": np.array(weights)}
    return LinearClassifier(w[:-1], float(w[-1]), None, history)


def perceptron_forms(datasets, epochs=100, seed=0, path=None):
    """Batch and online perceptron on each data set: mistakes per epoch, convergence.

    Args:
        datasets: name -> (x, y), e.g. a separable set and an overlapping one.
        epochs: epochs for both forms.
        path: a .png to draw mistakes against epochs (one panel per data set).

    Returns:
        dict name -> {"batch": {...}, "online": {...}}, each with "errors" (list),
        "converged" (an epoch with no mistake), "accuracy" (final), and for the batch
        form "last_step" (the size of the last epoch's update: 0 once converged); "figure" with `path`.
    """
    numbers = {}
    for name, (x, y) in datasets.items():
        forms = {"batch": batch_perceptron(x, y, epochs), "online": perceptron(x, y, epochs, seed=seed)}
        numbers[name] = {
            form: {
                "errors": model.history["errors"].tolist(),
                "converged": bool(model.history["errors"][-1] == 0),
                "accuracy": model.accuracy(x, y),
            }
            for form, model in forms.items()
        }
        # The update made in the last epoch: none once converged, never none otherwise.
        batch, steps = numbers[name]["batch"], np.diff(forms["batch"].history["weights"], axis=0)
        batch["last_step"] = 0.0 if batch["converged"] else float(np.linalg.norm(steps[-1]))
    if path is not None:
        numbers["figure"] = str(_plot(numbers, path))
    return numbers


def _plot(numbers, path):
    from dlcourse import plots

    names = [n for n in numbers if n != "figure"]
    fig, axes = plots.figure(ncols=len(names), size=(4.2, 3.4))
    for ax, name in zip(np.atleast_1d(axes), names):
        for form, style in (("batch", "o-"), ("online", "s-")):
            errors = numbers[name][form]["errors"]
            ax.plot(np.arange(1, len(errors) + 1), errors, style, markersize=3, label=form)
        ax.set_title(name)
        ax.set_xlabel("epoch")
        ax.set_ylabel("mistakes in the epoch")
        ax.grid(alpha=0.3)
        ax.legend()
    return plots.save_figure(fig, path)
