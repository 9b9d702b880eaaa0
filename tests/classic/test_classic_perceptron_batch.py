"""The perceptron's batch form: w <- w + sum (Y - Yhat) X; convergence only if separable."""

import numpy as np
import pytest

from dlcourse import classic
from dlcourse.data import toy
from dlcourse.errors import DLCourseError


def test_one_batch_update_by_hand():
    x = np.array([[1.0, 2.0], [-1.0, 0.5], [2.0, -1.0]])
    y = np.array([1, 0, 1])
    model = classic.batch_perceptron(x, y, epochs=1)
    # From w = 0 every prediction is 0: the two class-1 rows are added, bias +2.
    np.testing.assert_allclose(model.history["weights"][1], [3.0, 1.0, 2.0])
    assert model.history["errors"].tolist() == [2]


def test_batch_form_converges_on_separable_data():
    x, y = toy.make_separable(80, seed=0)
    model = classic.batch_perceptron(x, y, epochs=200)
    assert model.history["errors"][-1] == 0 and model.accuracy(x, y) == 1.0


def test_neither_form_converges_on_overlapping_data(tmp_path):
    sets = {"separable": toy.make_separable(60, seed=0),
            "overlapping": toy.make_blobs(60, distance=1.0, noise=1.0, seed=0)}
    out = classic.perceptron_forms(sets, epochs=40, path=tmp_path / "perceptron.png")
    assert out["separable"]["batch"]["converged"] and out["separable"]["online"]["converged"]
    assert out["separable"]["batch"]["last_step"] == 0.0
    for form in ("batch", "online"):
        errors = out["overlapping"][form]["errors"]
        assert len(errors) == 40 and min(errors) > 0 and not out["overlapping"][form]["converged"]
    assert out["overlapping"]["batch"]["last_step"] > 0  # still moving after 40 epochs
    assert (tmp_path / "perceptron.png").stat().st_size > 1000


def test_bad_learning_rate_is_refused():
    with pytest.raises(DLCourseError, match="learning_rate"):
        classic.batch_perceptron(np.zeros((2, 1)), np.array([0, 1]), learning_rate=0)
