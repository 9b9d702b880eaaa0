"""Each recipe as a keras-tuner search space, trained by the one runner.

    hypermodel = get_hypermodel("mlp", "fashion_mnist", runs_dir="runs/tune/runs")
    tuner = keras_tuner.RandomSearch(hypermodel, objective="val_accuracy", max_trials=10)
    tuner.search(epochs=12)            # `search` takes what `training.train` takes

A trial's hyperparameter values become a `RunConfig` and a model builder; `fit` hands
them to `training.train`, so every trial gets the runner's seeds, NaN guard, resume
after a kill and metrics, in its own run dir `runs_dir/<recipe>@<key>` (the key hashes
the trial's settings: a trial re-run after a kill resumes its run). The search space of
each recipe is written in its class below; the training settings are shared:

    optimizer      Choice  OPTIMIZERS                 default: the recipe's
    learning_rate  Float   LEARNING_RATES, log scale  default: the recipe's
    weight_decay   Choice  WEIGHT_DECAYS              default: 0 (decoupled: w -= lr * wd * w)
    schedule       Choice  SCHEDULES                  default: the recipe's
    warmup_steps   Choice  WARMUP_STEPS               default: the recipe's
    batch_size     Choice  BATCH_SIZES                default: the recipe's
"""

import contextlib
import dataclasses
import functools
import gc
import hashlib
import json
from pathlib import Path

import keras
import keras_tuner

from dlcourse import training
from dlcourse.errors import DLCourseError
from dlcourse.models import build_cnn, build_mlp


class RecipeHyperModel(keras_tuner.HyperModel):
    """A recipe's training settings as a search space. Mirrors `keras_tuner.HyperModel`.

    `build(hp)` returns the model the runner will train for `hp`; `fit(hp, model,
    epochs=None, callbacks=(), verbose="auto")` trains it with `training.train` and
    returns a `keras.callbacks.History`. Hyperband's warm start is not used: each
    trial trains from scratch for its `epochs`, so a trial scores exactly what
    `training.train` gives that configuration (and the best one retrains to it).
    Subclasses add the model's own space (`model_space`, `build_recipe_model`).

    Args:
        recipe: the recipe's name (subclasses fix it).
        dataset: the dataset (default: the recipe's).
        runs_dir: where the trials' run dirs go.
        **overrides: `RunConfig` settings kept fixed (epochs, seed, ...).

    Reference: Li et al., "Hyperband", JMLR 2018; keras.io/keras_tuner.
    """

    recipe = None
    objective = "val_accuracy"
    OPTIMIZERS = ("sgd", "momentum", "adam", "adamw", "radam")
    LEARNING_RATES = (1e-4, 0.3)
    WEIGHT_DECAYS = (0.0, 1e-5, 1e-4, 1e-3)
    SCHEDULES = ("constant", "cosine")
    WARMUP_STEPS = (0, 100, 500)
    BATCH_SIZES = (32, 64, 128)
    # The lecture's grid search: learning rate and weight decay, the rest at the recipe's values.
    GRID = {"learning_rate": [0.001, 0.003, 0.01, 0.03, 0.1], "weight_decay": [0.0, 1e-4, 1e-3]}

    def __init__(self, recipe=None, dataset=None, runs_dir="runs/tune/runs", **overrides):
        recipe = recipe or self.recipe
        super().__init__(name=recipe)
        self.base = training.make_config(recipe, dataset, **overrides)
        self.runs_dir = Path(runs_dir)
        self._infos = {}

    def training_space(self, hp):
        """The `RunConfig` settings of `hp` (declaring them in `hp` on first use)."""
        base = self.base
        low, high = self.LEARNING_RATES
        return {
            "optimizer": hp.Choice("optimizer", _with(self.OPTIMIZERS, base.optimizer), default=base.optimizer),
            "learning_rate": hp.Float("learning_rate", min(low, base.learning_rate), max(high, base.learning_rate),
                                      sampling="log", default=base.learning_rate),
            "weight_decay": hp.Choice("weight_decay", _with(self.WEIGHT_DECAYS, 0.0), default=0.0),
            "schedule": hp.Choice("schedule", _with(self.SCHEDULES, base.schedule), default=base.schedule),
            "warmup_steps": hp.Choice("warmup_steps", _with(self.WARMUP_STEPS, base.warmup_steps),
                                      default=base.warmup_steps),
            "batch_size": hp.Choice("batch_size", _with(self.BATCH_SIZES, base.batch_size), default=base.batch_size),
        }

    def model_space(self, hp):
        """The model builder's keyword arguments of `hp` (none: the recipe's model)."""
        return {}

    def build_recipe_model(self, input_shape, num_classes, **model_kwargs):
        return training.get_recipe(self.base.recipe).build(input_shape, num_classes)

    def trial(self, hp, epochs=None):
        """`(config, recipe)` of the trial `hp`: a `RunConfig` and its recipe (not registered)."""
        model_kwargs, settings = self.model_space(hp), self.training_space(hp)
        fixed = {k: v for k, v in self.base.to_dict().items() if k not in ("recipe", "dataset", "run_dir")}
        settings = {**fixed, **settings, "epochs": int(epochs or self.base.epochs)}
        key = hashlib.sha1(json.dumps([model_kwargs, settings], sort_keys=True, default=str).encode()).hexdigest()
        base_recipe = training.get_recipe(self.base.recipe)
        recipe = dataclasses.replace(
            base_recipe, name=f"{base_recipe.name}@{key[:10]}", settings={}, per_dataset={},
            build=functools.partial(self.build_recipe_model, **model_kwargs),
            description=f"{base_recipe.name} with {model_kwargs or 'its own model'}")
        with _registered(recipe):
            config = training.make_config(recipe.name, self.base.dataset, run_dir=str(self.runs_dir / recipe.name),
                                          **settings)
        return config, recipe

    def build(self, hp):
        config, recipe = self.trial(hp)
        task = training.get_task(recipe.task)
        key = (config.dataset, config.validation_size)
        if key not in self._infos:  # keras-tuner builds before every trial: read the data once.
            self._infos[key] = task.data(config)[0]
            # keras-tuner runs gc.collect() twice before each trial (`_try_build`, `clear_session`),
            # and each pass scans every object TensorFlow and Keras made: 0.5 s each, measured,
            # 7 % of a 15-second trial. Objects alive now (the libraries, the data) move to the
            # permanent generation, so those passes only scan what the trials made.
            gc.collect()
            gc.freeze()
        return task.build(config, self._infos[key], recipe)

    def fit(self, hp, model, *args, epochs=None, callbacks=(), verbose="auto", initial_epoch=0, **kwargs):
        """Train trial `hp` with `training.train`; `model` (keras-tuner's copy) is not used."""
        if args or kwargs:
            raise DLCourseError(
                f"The runner loads the data: pass the dataset to the hypermodel, not to search(). "
                f"Received: {len(args)} positional and {sorted(kwargs)} keyword arguments.")
        try:
            result = self.train_trial(hp, epochs, callbacks=callbacks, verbose=verbose)
        except DLCourseError as err:  # NaN loss, impossible setting: a failed trial, not a crash.
            raise keras_tuner.errors.FailedTrialError(str(err)) from None
        history = keras.callbacks.History()
        history.history = result.history
        return history

    def train_trial(self, hp, epochs=None, export_dir=None, callbacks=(), verbose="auto"):
        """`training.train` of trial `hp`, exported to `export_dir` if given: a `RunResult`."""
        config, recipe = self.trial(hp, epochs)
        with _registered(recipe):
            return training.train(dataclasses.replace(config, export_dir=export_dir), callbacks=list(callbacks),
                                  verbose=verbose)


class MLPHyperModel(RecipeHyperModel):
    """The course MLP's space: its two hidden widths and dropout, and the training settings."""

    recipe = "mlp"
    UNITS_1 = (32, 64, 128, 256)
    UNITS_2 = (16, 32, 64, 128)
    DROPOUTS = (0.0, 0.1, 0.2, 0.3)

    def model_space(self, hp):
        return {"hidden_units": [hp.Choice("units_1", self.UNITS_1, default=64),
                                 hp.Choice("units_2", self.UNITS_2, default=32)],
                "dropout": hp.Choice("dropout", self.DROPOUTS, default=0.0)}

    def build_recipe_model(self, input_shape, num_classes, hidden_units=(64, 32), dropout=0.0):
        return build_mlp(input_shape, num_classes, hidden_units=tuple(hidden_units), dropout=dropout)


class CNNHyperModel(RecipeHyperModel):
    """The small convnet's space: filters of its two blocks, dense width, dropout, training."""

    recipe = "cnn"
    FILTERS_1 = (16, 32, 64)
    FILTERS_2 = (32, 64, 128)
    DENSE_UNITS = (64, 128, 256)
    DROPOUTS = (0.0, 0.25, 0.5)

    def model_space(self, hp):
        return {"filters": [hp.Choice("filters_1", self.FILTERS_1, default=32),
                            hp.Choice("filters_2", self.FILTERS_2, default=64)],
                "dense_units": hp.Choice("dense_units", self.DENSE_UNITS, default=128),
                "dropout": hp.Choice("dropout", self.DROPOUTS, default=0.25)}

    def build_recipe_model(self, input_shape, num_classes, filters=(32, 64), dense_units=128, dropout=0.25):
        return build_cnn(input_shape, num_classes, filters=tuple(filters), dense_units=dense_units, dropout=dropout)


HYPERMODELS = {"mlp": MLPHyperModel, "cnn": CNNHyperModel}


def get_hypermodel(recipe, dataset=None, runs_dir="runs/tune/runs", **overrides):
    """The recipe's hypermodel: its own class, or `RecipeHyperModel` (training settings only)."""
    training.get_recipe(recipe)  # Unknown names fail here, in one line.
    cls = HYPERMODELS.get(recipe, RecipeHyperModel)
    return cls(recipe, dataset, runs_dir=runs_dir, **overrides)


def _with(values, default):
    """`values` as a list, with the recipe's `default` added if it is not among them."""
    values = list(values)
    return values if default in values else [*values, default]


@contextlib.contextmanager
def _registered(recipe):
    """Registers a trial's recipe for the runner while in use, and removes it after."""
    training.register(recipe)
    try:
        yield
    finally:
        training.RECIPES.pop(recipe.name, None)
