"""The one road for training: recipes, a frozen run config, and the runner.

    from dlcourse import training
    config = training.make_config("mlp", "fashion_mnist", epochs=12, seed=0)
    result = training.train(config)          # model.fit, resumable, metrics, plots
"""

from dlcourse.training.config import RunConfig, make_config
from dlcourse.training.recipes import RECIPES, Recipe, get_recipe, register
from dlcourse.training.runner import RunResult, build_model, train, versions
from dlcourse.training import recipes_regularization  # noqa: F401  # Registers mlp_l2, mlp_dropout, ...
from dlcourse.training.doctor import SIMULATED_BUGS, DoctorReport, diagnose
from dlcourse.training.compare import DEFAULT_LEARNING_RATES, Comparison, compare

__all__ = ["RunConfig", "make_config", "Recipe", "RECIPES", "get_recipe", "register",
           "RunResult", "build_model", "train", "versions", "diagnose", "DoctorReport", "SIMULATED_BUGS",
           "compare", "Comparison", "DEFAULT_LEARNING_RATES"]
