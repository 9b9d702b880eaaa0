"""The recipes' hypermodels: defaults are the recipe, values reach the model and the run."""

import keras_tuner
import pytest

from dlcourse import training
from dlcourse.errors import DLCourseError
from dlcourse.models.mlp import mlp_parameter_count
from dlcourse.tuning import CNNHyperModel, MLPHyperModel, RecipeHyperModel, get_hypermodel


def _hp(hypermodel, **values):
    """The hypermodel's space, with `values` set and the rest at their defaults."""
    hp = keras_tuner.HyperParameters()
    hypermodel.training_space(hp)
    hypermodel.model_space(hp)
    hp.values.update(values)
    return hp


def test_each_recipe_gets_its_hypermodel(tmp_path):
    assert type(get_hypermodel("mlp", "digits", runs_dir=tmp_path)) is MLPHyperModel
    assert type(get_hypermodel("cnn", "digits", runs_dir=tmp_path)) is CNNHyperModel
    assert type(get_hypermodel("mlp_l2", "digits", runs_dir=tmp_path)) is RecipeHyperModel
    with pytest.raises(DLCourseError, match="Unknown recipe 'nope'"):
        get_hypermodel("nope")


def test_default_values_are_the_recipe_and_its_settings(tmp_path):
    hypermodel = get_hypermodel("mlp", "digits", runs_dir=tmp_path)
    config, recipe = hypermodel.trial(_hp(hypermodel))
    expected = training.make_config("mlp", "digits")
    for name in ("epochs", "batch_size", "optimizer", "learning_rate", "schedule", "warmup_steps", "seed"):
        assert getattr(config, name) == getattr(expected, name), name
    assert config.weight_decay == 0.0 and config.run_dir == str(tmp_path / recipe.name)
    assert recipe.name.startswith("mlp@") and recipe.name not in training.RECIPES, "registered only while training"
    model = hypermodel.build(_hp(hypermodel))
    assert model.count_params() == mlp_parameter_count((8, 8, 1)) == 6570


def test_values_reach_the_model_and_the_config(tmp_path):
    hypermodel = get_hypermodel("mlp", "digits", runs_dir=tmp_path, epochs=3)
    hp = _hp(hypermodel, units_1=128, units_2=16, dropout=0.2, optimizer="adam", learning_rate=0.002,
             weight_decay=1e-4, batch_size=64)
    config, _ = hypermodel.trial(hp, epochs=5)
    assert (config.optimizer, config.learning_rate, config.weight_decay, config.batch_size, config.epochs) == \
        ("adam", 0.002, 1e-4, 64, 5)
    model = hypermodel.build(hp)
    assert model.count_params() == mlp_parameter_count((8, 8, 1), hidden_units=(128, 16))
    assert any(layer.name.startswith("dropout") for layer in model.layers)
    # The run dir is a function of the settings: a re-run trial resumes its own run.
    assert hypermodel.trial(hp, epochs=5)[0].run_dir == config.run_dir
    assert hypermodel.trial(hp, epochs=6)[0].run_dir != config.run_dir


def test_cnn_space_builds_the_asked_widths(tmp_path):
    hypermodel = get_hypermodel("cnn", "digits", runs_dir=tmp_path)
    model = hypermodel.build(_hp(hypermodel, filters_1=16, filters_2=32, dense_units=64, dropout=0.0))
    assert [layer.filters for layer in model.layers if hasattr(layer, "filters")] == [16, 32]
    assert model.get_layer("hidden").units == 64


def test_fit_takes_no_data_the_runner_loads_it(tmp_path):
    hypermodel = get_hypermodel("mlp", "digits", runs_dir=tmp_path)
    with pytest.raises(DLCourseError, match="The runner loads the data"):
        hypermodel.fit(_hp(hypermodel), None, [1, 2, 3], epochs=1)


def test_an_impossible_setting_is_a_failed_trial_not_a_crash(tmp_path):
    hypermodel = get_hypermodel("mlp", "digits", runs_dir=tmp_path)
    with pytest.raises(keras_tuner.errors.FailedTrialError, match="learning_rate"):
        hypermodel.fit(_hp(hypermodel, learning_rate=-1.0), None, epochs=1)
