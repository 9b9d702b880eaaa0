"""Practical 1: optimisation before neural networks, from first principles.

Test functions (gradients and Hessians by `tf.GradientTape`, float64), the methods of
the lecture behind one `minimize` front door shaped like `scipy.optimize.minimize`,
linear classifiers (perceptron, logistic regression, feature maps), batch vs stochastic
gradient descent, and the experiments of the practical (each returns numbers and can
write a figure).

    from dlcourse import classic
    result = classic.minimize(classic.Rosenbrock(), [-1.2, 1.0], method="damped-newton")
    result.x, result.nit, result.trace["grad_norm"]

The toy 2-D data sets live in `dlcourse.data.toy`.
"""

from dlcourse.classic.classifiers import compare_classifiers, toy_sets
from dlcourse.classic.convexity import (
    check_convexity,
    chord_gaps,
    min_hessian_eigenvalues,
    stationary_points,
    stationary_points_are_global,
)
from dlcourse.classic.derivatives import Oracle, gradient, hessian
from dlcourse.classic.figures import (
    draw_contour,
    draw_convergence,
    draw_decision_boundary,
    draw_trajectory,
    evaluate_grid,
    plot_convergence,
    plot_trajectories,
)
from dlcourse.classic.functions import Himmelblau, Plateau, Quadratic, Rosenbrock, Saddle, TestFunction
from dlcourse.classic.landscapes import himmelblau_basins, saddle_escape
from dlcourse.classic.line_search import backtracking, exact_quadratic, quadratic_model_change
from dlcourse.classic.linear import (
    LinearClassifier,
    PolynomialFeatures,
    RBFFeatures,
    logistic_regression,
    perceptron,
)
from dlcourse.classic.logistic import LogisticLoss, mean_logistic_gradient, mean_logistic_loss, sigmoid
from dlcourse.classic.matrix_products import gaussian_product, lecture_matrix_products
from dlcourse.classic.minimize import METHODS, OptimizeResult, minimize
from dlcourse.classic.perceptron_batch import batch_perceptron, perceptron_forms
from dlcourse.classic.products import product_norms, random_matrix_products
from dlcourse.classic.rates import convergence_orders, estimate_order, step_size_bound, zigzag_rate
from dlcourse.classic.sgd import compare_batch_sizes, sgd
from dlcourse.classic.sgd_theorem import sgd_bound, sgd_theorem

__all__ = [
    "batch_perceptron",
    "check_convexity",
    "chord_gaps",
    "gaussian_product",
    "lecture_matrix_products",
    "min_hessian_eigenvalues",
    "perceptron_forms",
    "sgd_bound",
    "sgd_theorem",
    "stationary_points",
    "stationary_points_are_global",
    "METHODS",
    "Himmelblau",
    "LinearClassifier",
    "LogisticLoss",
    "OptimizeResult",
    "Oracle",
    "Plateau",
    "PolynomialFeatures",
    "Quadratic",
    "RBFFeatures",
    "Rosenbrock",
    "Saddle",
    "TestFunction",
    "backtracking",
    "compare_batch_sizes",
    "compare_classifiers",
    "convergence_orders",
    "draw_contour",
    "draw_convergence",
    "draw_decision_boundary",
    "draw_trajectory",
    "estimate_order",
    "evaluate_grid",
    "exact_quadratic",
    "gradient",
    "hessian",
    "himmelblau_basins",
    "mean_logistic_gradient",
    "mean_logistic_loss",
    "logistic_regression",
    "minimize",
    "perceptron",
    "plot_convergence",
    "plot_trajectories",
    "product_norms",
    "quadratic_model_change",
    "random_matrix_products",
    "saddle_escape",
    "sgd",
    "sigmoid",
    "step_size_bound",
    "toy_sets",
    "zigzag_rate",
]
