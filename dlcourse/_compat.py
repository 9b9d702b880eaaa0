"""Every access to a private Keras attribute, in one place.

Keras 3 offers no public way to do these five things, which resume, SAM, the LR finder
and early stopping need. Each function checks that the attribute is still there and
fails loudly, naming the Keras version, if an upgrade removed it; `tests/test_compat.py`
has one test per access. `pyproject.toml` caps `keras` below the next minor version the
suite has not passed.

    set_initial_epoch(model, epoch)    fit() starts at `epoch` (read after on_train_begin)
    loss_tracker(model)                the `loss` Mean that the default train_step updates
    learning_rate_value(optimizer)     a float rate or a LearningRateSchedule, as given
    metric_direction(metric)           "up" or "down" for a compiled metric, or None
    seed_generator_states(model)       the state variables of the model's SeedGenerators
"""

import keras

from dlcourse.errors import DLCourseError


def _missing(what):
    return DLCourseError(
        f"Keras {keras.__version__} no longer has {what}, which dlcourse relies on. "
        "Install a Keras version within the bounds in pyproject.toml."
    )


def set_initial_epoch(model, epoch):
    """Make a running `fit` start at `epoch`: Keras reads `model._initial_epoch` right
    after the callbacks' `on_train_begin`, which is where a backup is restored."""
    if not hasattr(model, "_initial_epoch"):
        raise _missing("Model._initial_epoch")
    model._initial_epoch = int(epoch)


def loss_tracker(model):
    """The `Mean` tracker behind the `loss` shown by `fit` (None before compile).

    A custom `train_step` must update it itself: only the default one does.
    """
    if not hasattr(model, "_loss_tracker"):
        raise _missing("Model._loss_tracker")
    return model._loss_tracker


def learning_rate_value(optimizer):
    """What the optimiser was given as `learning_rate`: a float variable or a schedule."""
    if not hasattr(optimizer, "_learning_rate"):
        raise _missing("Optimizer._learning_rate")
    return optimizer._learning_rate


def metric_direction(metric):
    """`"up"` or `"down"` for a Keras metric that records it, else None."""
    return getattr(metric, "_direction", None)


def seed_generator_states(model):
    """The state variables of every `SeedGenerator` in `model` (Dropout's, noise layers').

    They live in `model.variables` but not in `model.weights`, so `save_weights` skips
    them; Keras names them `seed_generator_state`.
    """
    weights = {id(w) for w in model.weights}
    return [v for v in model.variables if id(v) not in weights and "seed_generator_state" in v.path]
