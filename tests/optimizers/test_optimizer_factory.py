"""`dlcourse.optimizers.get`: names, arguments passed through, errors."""

import keras
import pytest

from dlcourse import optimizers
from dlcourse.errors import DLCourseError


@pytest.mark.parametrize("name", optimizers.OPTIMIZER_NAMES)
def test_every_name_builds_an_optimizer(name):
    optimizer = optimizers.get(name, 0.01, global_clipnorm=1.0)
    assert isinstance(optimizer, keras.optimizers.Optimizer)
    assert float(optimizer.learning_rate) == pytest.approx(0.01)
    inner = getattr(optimizer, "inner_optimizer", optimizer)
    assert inner.global_clipnorm == 1.0


def test_momentum_and_nesterov_presets():
    assert optimizers.get("momentum", 0.1).momentum == 0.9
    assert not optimizers.get("momentum", 0.1).nesterov
    nesterov = optimizers.get("Nesterov", 0.1)
    assert nesterov.momentum == 0.9 and nesterov.nesterov
    assert optimizers.get("sgd", 0.1).momentum == 0.0


def test_kwargs_and_schedules_pass_through():
    schedule = keras.optimizers.schedules.CosineDecay(0.1, decay_steps=100)
    adamw = optimizers.get("adamw", schedule, weight_decay=0.05, clipnorm=2.0)
    assert isinstance(adamw, optimizers.AdamW)
    assert adamw.weight_decay == 0.05 and adamw.clipnorm == 2.0
    lookahead = optimizers.get("lookahead", 0.01, sync_period=3, beta_1=0.8)
    assert lookahead.sync_period == 3 and lookahead.inner_optimizer.beta_1 == 0.8


def test_unknown_name_lists_valid_names():
    with pytest.raises(DLCourseError, match="use one of sgd, momentum, nesterov"):
        optimizers.get("adamax", 0.01)
