"""The toy 2-D sets: shapes, dtypes, labels, balance, seeding, and their geometry."""

import numpy as np
import pytest

from dlcourse.data import toy
from dlcourse.errors import DLCourseError

MAKERS = [toy.make_blobs, toy.make_separable, toy.make_xor, toy.make_moons, toy.make_circles]


@pytest.mark.parametrize("maker", MAKERS)
def test_shapes_dtypes_and_balance(maker):
    x, y = maker(101, seed=3)
    assert x.shape == (101, 2) and x.dtype == np.float64
    assert y.shape == (101,) and y.dtype == np.int32
    assert set(np.unique(y)) == {0, 1}
    assert abs(int(np.sum(y == 0)) - int(np.sum(y == 1))) <= 1
    assert np.all(np.isfinite(x))


@pytest.mark.parametrize("maker", MAKERS)
def test_same_seed_same_data_other_seed_other_data(maker):
    x1, y1 = maker(50, seed=7)
    x2, y2 = maker(50, seed=7)
    x3, _ = maker(50, seed=8)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.allclose(x1, x3)


def test_separable_has_an_empty_margin_around_a_line():
    x, y = toy.make_separable(300, margin=0.3, seed=0)
    # Separable by construction; here the least-squares line on +-1 targets already
    # separates it (the perceptron test in tests/classic checks zero errors too).
    t = 2.0 * y - 1.0
    a = np.c_[x, np.ones(len(x))]
    w = np.linalg.lstsq(a, t, rcond=None)[0]
    assert np.all(t * (a @ w) > 0)


def test_xor_labels_follow_the_quadrants_without_noise():
    x, y = toy.make_xor(200, noise=0.0, seed=0)
    np.testing.assert_array_equal(y, (np.sign(x[:, 0]) != np.sign(x[:, 1])).astype(np.int32))


def test_circles_radii_without_noise():
    x, y = toy.make_circles(100, noise=0.0, factor=0.4, seed=0)
    radius = np.linalg.norm(x, axis=1)
    np.testing.assert_allclose(radius[y == 0], 1.0, atol=1e-12)
    np.testing.assert_allclose(radius[y == 1], 0.4, atol=1e-12)


def test_moons_without_noise_lie_on_the_half_circles():
    x, y = toy.make_moons(100, noise=0.0, seed=0)
    np.testing.assert_allclose(np.linalg.norm(x[y == 0], axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(x[y == 1] - [1.0, 0.5], axis=1), 1.0, atol=1e-12)


def test_bad_arguments_raise_one_line_errors():
    with pytest.raises(DLCourseError, match="n_samples"):
        toy.make_xor(1)
    with pytest.raises(DLCourseError, match="noise"):
        toy.make_moons(10, noise=-1)
    with pytest.raises(DLCourseError, match="factor"):
        toy.make_circles(10, factor=1.5)
