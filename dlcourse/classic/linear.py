"""Linear classifiers from the lecture's formulas: the perceptron and logistic regression.

With labels y in {0, 1}, t = 2 * y - 1 in {-1, +1}, and features phi(x) (identity by
default), the classifier predicts 1 where  w . phi(x) + b > 0.

Perceptron (Rosenblatt), one epoch over the data in a seeded random order:

    for each i:  if t_i * (w . phi(x_i) + b) <= 0:   w += learning_rate * t_i * phi(x_i)
                                                     b += learning_rate * t_i

Logistic regression: minimise the cross-entropy `LogisticLoss(phi(x), y, l2)` with
`minimize(..., method="gd")` (gradient x^T (sigmoid(z) - y) / m).

"A non-linear classifier is a linear classifier of non-linear features": pass
`features=PolynomialFeatures(3)` or `features=RBFFeatures(centers, gamma)`.
"""

import dataclasses
import itertools

import numpy as np

from dlcourse.classic.logistic import LogisticLoss, check_dataset
from dlcourse.classic.minimize import minimize
from dlcourse.errors import DLCourseError


class PolynomialFeatures:
    """All monomials of the inputs of total degree 1 .. `degree` (no constant)."""

    def __init__(self, degree=2):
        if int(degree) != degree or degree < 1:
            raise DLCourseError(f"`degree` must be an integer >= 1. Received: degree={degree}")
        self.degree = int(degree)

    def __call__(self, x):
        x = np.asarray(x, dtype=np.float64)
        columns = [
            np.prod(x[:, list(combo)], axis=1)
            for order in range(1, self.degree + 1)
            for combo in itertools.combinations_with_replacement(range(x.shape[1]), order)
        ]
        return np.stack(columns, axis=1)

    def __repr__(self):
        return f"PolynomialFeatures(degree={self.degree})"


class RBFFeatures:
    """Gaussian bumps: phi_j(x) = exp(-gamma * |x - centers_j|^2), one per centre."""

    def __init__(self, centers, gamma=1.0):
        self.centers = np.asarray(centers, dtype=np.float64)
        if self.centers.ndim != 2:
            raise DLCourseError(f"`centers` must have shape (k, d). Received: {self.centers.shape}")
        if not gamma > 0:
            raise DLCourseError(f"`gamma` must be positive. Received: gamma={gamma}")
        self.gamma = float(gamma)

    def __call__(self, x):
        x = np.asarray(x, dtype=np.float64)
        sq = np.sum((x[:, None, :] - self.centers[None, :, :]) ** 2, axis=-1)  # (m, k)
        return np.exp(-self.gamma * sq)

    def __repr__(self):
        return f"RBFFeatures(k={len(self.centers)}, gamma={self.gamma:g})"


@dataclasses.dataclass
class LinearClassifier:
    """w . phi(x) + b > 0  ->  class 1. `history` holds per-epoch training numbers."""

    weights: np.ndarray
    bias: float
    features: object = None
    history: dict = dataclasses.field(default_factory=dict)

    def _phi(self, x):
        x = np.asarray(x, dtype=np.float64)
        return x if self.features is None else self.features(x)

    def decision_function(self, x):
        """The score w . phi(x) + b, shape (m,)."""
        return self._phi(x) @ self.weights + self.bias

    def predict(self, x):
        """Class indices (m,), int32."""
        return (self.decision_function(x) > 0).astype(np.int32)

    def accuracy(self, x, y):
        """Fraction of correct predictions."""
        return float(np.mean(self.predict(x) == np.asarray(y)))


def perceptron(x, y, epochs=100, learning_rate=1.0, features=None, seed=0):
    """Rosenblatt's perceptron; stops after the first epoch with no mistake.

    Returns:
        `LinearClassifier` with history["errors"]: mistakes made in each epoch.
    """
    x, y = check_dataset(x if features is None else features(x), y)
    t = 2.0 * y - 1.0
    w, b = np.zeros(x.shape[1]), 0.0
    rng = np.random.default_rng(seed)
    errors = []
    for _ in range(int(epochs)):
        mistakes = 0
        for i in rng.permutation(len(t)):
            if t[i] * (x[i] @ w + b) <= 0:
                w, b = w + learning_rate * t[i] * x[i], b + learning_rate * t[i]
                mistakes += 1
        errors.append(mistakes)
        if mistakes == 0:
            break
    return LinearClassifier(w, float(b), features, {"errors": np.array(errors)})


def logistic_regression(x, y, learning_rate=0.5, epochs=500, l2=0.0, features=None, method="gd"):
    """Logistic regression trained by full-batch gradient descent (one epoch = one step).

    Returns:
        `LinearClassifier` with history["loss"] (epochs + 1,) and history["result"].
    """
    phi = np.asarray(x, dtype=np.float64) if features is None else features(x)
    loss = LogisticLoss(phi, y, l2=l2)
    options = {"learning_rate": learning_rate} if method in ("gd", "armijo", "momentum", "nesterov") else {}
    result = minimize(loss, np.zeros(loss.dim), method=method, maxiter=epochs, tol=1e-7, **options)
    history = {"loss": result.trace["fun"], "result": result}
    return LinearClassifier(result.x[:-1], float(result.x[-1]), features, history)
