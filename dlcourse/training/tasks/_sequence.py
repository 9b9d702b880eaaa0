"""What the sequence tasks (forecast, language_model, seq2seq, classify_text) share."""

import dataclasses

from dlcourse.errors import DLCourseError
from dlcourse.training.recipes import get_recipe


@dataclasses.dataclass(frozen=True)
class SequenceInfo:
    """The `info` a sequence task gives the runner and its recipe's builder.

    `recipe.build(input_shape, num_classes)` reads `input_shape` (e.g. (window, 1),
    (sequence_length,)) and `num_classes` (the output size: horizon, vocabulary size,
    classes). `details` holds what the task's metrics and export need (scaling,
    vocabulary, lengths).
    """

    name: str
    source: str
    num_examples: dict
    input_shape: tuple
    num_classes: int
    kind: str
    details: dict = dataclasses.field(default_factory=dict)
    class_names: tuple = ()


def option(config, name, default=None):
    """A recipe option; a `{dataset: value}` dict gives the value for the run's dataset."""
    value = get_recipe(config.recipe).options.get(name, default)
    if isinstance(value, dict):
        if config.dataset not in value:
            raise DLCourseError(f"Recipe {config.recipe!r} has no {name} for dataset {config.dataset!r}. "
                                f"Use one of: {', '.join(sorted(value))}.")
        value = value[config.dataset]
    return value
