"""Hyperparameter search with keras-tuner, every trial trained by the one runner.

    from dlcourse import tuning
    result = tuning.search("mlp", tuner="hyperband", max_trials=30, directory="runs/tune_mlp", epochs=12)
    print(result.to_text())                      # table; results.csv, results.png; best/ exported

    hypermodel = tuning.get_hypermodel("mlp")    # a keras_tuner.HyperModel, for your own tuner

`hypermodels`: each recipe's search space (`MLPHyperModel`, `CNNHyperModel`; other
recipes tune their training settings). `search`: grid, random, Hyperband and Bayesian
search, resumable after a kill. `distributed`: keras-tuner's chief/worker mode and a
launcher that runs it on this machine with time limits.
"""

from dlcourse.tuning.distributed import ClusterOutcome, LocalCluster, launch
from dlcourse.tuning.hypermodels import HYPERMODELS, CNNHyperModel, MLPHyperModel, RecipeHyperModel, get_hypermodel
from dlcourse.tuning.search import TUNERS, SearchResult, make_tuner, search

__all__ = ["search", "make_tuner", "SearchResult", "TUNERS", "get_hypermodel", "HYPERMODELS",
           "RecipeHyperModel", "MLPHyperModel", "CNNHyperModel", "LocalCluster", "launch", "ClusterOutcome"]
