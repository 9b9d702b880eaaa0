"""`--schedule step_epochs` through the runner: the rate drops by 10 every 10 epochs."""

import pytest

from dlcourse._compat import learning_rate_value
from dlcourse.training import make_config, make_optimizer


def test_runner_optimizer_drops_the_rate_every_ten_epochs():
    config = make_config("mlp", "digits", epochs=25, schedule="step_epochs", learning_rate=0.1)
    steps_per_epoch = 41
    schedule = learning_rate_value(make_optimizer(config, steps_per_epoch))
    rate = lambda epoch, step=0: float(schedule(epoch * steps_per_epoch + step))
    assert rate(0) == pytest.approx(0.1) and rate(9, steps_per_epoch - 1) == pytest.approx(0.1)
    assert rate(10) == pytest.approx(0.01) and rate(19, steps_per_epoch - 1) == pytest.approx(0.01)
    assert rate(20) == pytest.approx(0.001) and rate(25) == pytest.approx(0.001)


def test_step_epochs_with_warmup_through_the_runner():
    config = make_config("mlp", "digits", epochs=20, schedule="step_epochs", learning_rate=0.1, warmup_steps=10)
    schedule = learning_rate_value(make_optimizer(config, 41))
    assert float(schedule(0)) == 0.0 and float(schedule(5)) == pytest.approx(0.05)
    assert float(schedule(10 * 41)) == pytest.approx(0.01)
