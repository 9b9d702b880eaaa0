"""Recipes: a model builder with the settings the course trains it with.

A recipe is data, not code: `dlcourse train mlp` looks up `RECIPES["mlp"]`, applies the
settings recorded for the chosen dataset, then any command-line overrides, and hands the
resulting `RunConfig` to the one runner. Later lessons add recipes with `register`.
"""

import dataclasses
from typing import Callable

from dlcourse.errors import DLCourseError
from dlcourse.models import SAMModel, build_cnn, build_mlp


@dataclasses.dataclass(frozen=True)
class Recipe:
    """A model builder and its default training settings.

    Args:
        name: the name used on the command line.
        build: `build(input_shape, num_classes) -> keras.Model`.
        description: one line for `dlcourse train --help`.
        dataset: the default dataset.
        settings: default `RunConfig` fields (epochs, batch_size, optimizer, ...).
        per_dataset: `{dataset: {field: value}}` settings that replace the defaults on
            that dataset (e.g. more epochs on the 1,437-image digits).
        task: the `dlcourse.training.tasks` name saying how this kind of model is fed,
            compiled, measured and exported (`classify` for classifiers).
        options: recipe-specific settings its task reads (e.g. `latent_dim`).
    """

    name: str
    build: Callable
    description: str
    dataset: str = "fashion_mnist"
    settings: dict = dataclasses.field(default_factory=dict)
    per_dataset: dict = dataclasses.field(default_factory=dict)
    task: str = "classify"
    options: dict = dataclasses.field(default_factory=dict)

    def settings_for(self, dataset):
        return {**self.settings, **self.per_dataset.get(dataset, {})}


RECIPES = {}


def register(recipe):
    """Add `recipe` to `RECIPES` (replacing one of the same name) and return it."""
    RECIPES[recipe.name] = recipe
    return recipe


def get_recipe(name):
    if name not in RECIPES:
        raise DLCourseError(f"Unknown recipe {name!r}. Use one of: {', '.join(sorted(RECIPES))}.")
    return RECIPES[name]


register(Recipe(
    name="mlp",
    build=lambda input_shape, num_classes: build_mlp(input_shape, num_classes),
    description="the lecture's 784-64-32-10 ReLU MLP (52,650 parameters on 28x28), SGD 0.01, batch 64, 12 epochs",
    # XLA: measured here on 2 cores, no faster per epoch than steps_per_execution alone for
    # this MLP, 2-6 s more compiling, and 4x slower with Dropout (benchmarks/spine.py): off.
    settings=dict(epochs=12, batch_size=64, optimizer="sgd", learning_rate=0.01, jit_compile=False),
    # 12 epochs of SGD 0.01 are only ~250 steps on 1,293 training digits (test accuracy 0.58):
    # more steps and a larger step size reach > 0.95.
    per_dataset={"digits": dict(epochs=40, batch_size=32, learning_rate=0.1)},
))

register(Recipe(
    name="cnn",
    build=lambda input_shape, num_classes: build_cnn(input_shape, num_classes),
    description="a small convnet: 2x (conv 3x3, BatchNorm, ReLU, max-pool), dense 128, dropout, softmax; Adam 1e-3",
    # XLA was 1.2x-2x slower for small conv models on this 2-core CPU, plus 10-15 s of compiling: off.
    settings=dict(epochs=5, batch_size=64, optimizer="adam", learning_rate=1e-3, jit_compile=False),
    per_dataset={"digits": dict(epochs=15, batch_size=32)},
))

register(Recipe(
    name="mlp_sam",
    build=lambda input_shape, num_classes: SAMModel(build_mlp(input_shape, num_classes), rho=0.05),
    description="the course MLP trained with sharpness-aware minimisation (SAM, rho 0.05) around Adam 1e-3",
    settings=dict(epochs=12, batch_size=64, optimizer="adam", learning_rate=1e-3, jit_compile=False),
    per_dataset={"digits": dict(epochs=30, batch_size=32)},
))
