"""The search scripts an instructor copies: their spaces name real hyperparameters, and they run."""

import importlib.util

import keras_tuner
import pytest

from dlcourse.testing import REPO_ROOT
from dlcourse.tuning import get_hypermodel


def _script(name):
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name, recipe", [("search_mlp", "mlp"), ("search_cnn", "cnn")])
def test_every_name_in_the_space_is_a_hyperparameter_of_the_recipe(name, recipe, tmp_path):
    script = _script(name)
    hypermodel = get_hypermodel(recipe, "digits", runs_dir=tmp_path)
    hp = keras_tuner.HyperParameters()
    hypermodel.training_space(hp)
    hypermodel.model_space(hp)
    assert set(script.SPACE) <= set(hp.values), set(script.SPACE) - set(hp.values)
    assert script.TUNER in ("grid", "random", "hyperband", "bayesian")


@pytest.mark.slow
def test_the_mlp_script_runs_in_quick_mode(tmp_path):
    result = _script("search_mlp").main(quick=True, directory=tmp_path)
    assert len(result.rows) == 2 and (result.export_dir / "saved_model.pb").is_file()
