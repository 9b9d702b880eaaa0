"""`dlcourse doctor`: a healthy recipe passes every check; each simulated bug fails its checks."""

import json

import keras
import numpy as np
import pytest

from dlcourse.errors import DLCourseError
from dlcourse.models import build_mlp
from dlcourse.training import make_config
from dlcourse.training.doctor import SIMULATED_BUGS, diagnose

CHECK_NAMES = ["input_statistics", "initial_loss", "gradient_check", "overfit_tiny_batch",
               "loss_decreases", "learns", "generalization_gap", "dead_relu"]


@pytest.fixture(scope="module", params=[None, *SIMULATED_BUGS])
def report(request):
    return diagnose(make_config("mlp", "digits"), simulate_bug=request.param, seed=0)


def _verdicts(report):
    return {c.name: c.passed for c in report.checks}


def test_report_lists_every_check_once_with_a_one_line_reason(report):
    assert [c.name for c in report.checks] == CHECK_NAMES
    assert all(c.reason and "\n" not in c.reason for c in report.checks)
    lines = report.to_text().splitlines()
    check_lines = [line for line in lines if line.lstrip()[:1] in ("✓", "✗")]
    assert len(check_lines) == len(CHECK_NAMES)
    for name, line in zip(CHECK_NAMES, check_lines):
        assert name in line and line.lstrip().startswith("✓" if _verdicts(report)[name] else "✗")
    as_dict = json.loads(json.dumps(report.to_dict()))
    assert as_dict["passed"] == report.passed and len(as_dict["checks"]) == len(CHECK_NAMES)


def test_verdicts_match_the_simulated_bug(report):
    verdicts = _verdicts(report)
    # Neither bug touches the data, the initialisation or the gradient computation.
    for name in ("input_statistics", "initial_loss", "gradient_check"):
        assert verdicts[name], report.to_text()
    if report.simulate_bug is None:
        assert report.passed, report.to_text()
    elif report.simulate_bug == "shuffled-labels":
        assert not verdicts["learns"] and not verdicts["loss_decreases"], report.to_text()
        # Zhang et al. 2017: a network memorises 32 random labels all the same.
        assert verdicts["overfit_tiny_batch"], report.to_text()
    else:
        assert not verdicts["loss_decreases"] and not verdicts["learns"], report.to_text()
        assert not verdicts["overfit_tiny_batch"], report.to_text()
        assert not report.passed


def test_numbers_in_the_reasons_are_the_measured_ones(report):
    initial = next(c for c in report.checks if c.name == "initial_loss")
    loss_0 = float(initial.reason.split()[0])
    assert abs(loss_0 - np.log(10)) < 0.3 * np.log(10)
    if report.simulate_bug is None:
        learns = next(c for c in report.checks if c.name == "learns")
        assert float(learns.reason.split()[2]) > 0.8  # digits: > 0.9 measured after 5 epochs


def test_dead_relu_check_flags_a_network_whose_units_are_all_off():
    from dlcourse.training.doctor import _dead_relu

    keras.utils.set_random_seed(0)
    model = build_mlp((8, 8, 1), 10)
    x = np.random.default_rng(0).uniform(size=(64, 8, 8, 1)).astype("float32")
    assert _dead_relu(model, x).passed
    for name in ("hidden_1", "hidden_2"):
        kernel, bias = model.get_layer(name).get_weights()
        model.get_layer(name).set_weights([kernel, np.full_like(bias, -100.0)])
    check = _dead_relu(model, x)
    assert not check.passed and check.reason.startswith("96/96")


def test_unknown_bug_is_refused_with_the_valid_names():
    with pytest.raises(DLCourseError, match="shuffled-labels"):
        diagnose(make_config("mlp", "digits"), simulate_bug="typo")


def test_a_batchnorm_recipe_is_not_a_false_alarm():
    import dlcourse.training.recipes_regularization  # noqa: F401  (registers mlp_batchnorm)

    report = diagnose(make_config("mlp_batchnorm", "digits"), seed=0)
    assert report.passed, report.to_text()
