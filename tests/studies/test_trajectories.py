"""Optimiser trajectories on 2-D test functions, and their contour picture."""

import numpy as np
import pytest

from dlcourse.classic import Quadratic, Rosenbrock, Saddle, plot_trajectories
from dlcourse.errors import DLCourseError
from dlcourse.studies import TRAJECTORY_PROBLEMS, optimizer_trajectories, plot_problem


def test_paths_start_at_x0_with_the_right_shape_and_stay_finite():
    paths = optimizer_trajectories(Rosenbrock(), (-1.5, 2.0), ("sgd", "adam", "ranger"), steps=20,
                                   learning_rates={"sgd": 1e-3, "adam": 0.05, "ranger": 0.01})
    assert list(paths) == ["sgd", "adam", "ranger"]
    for path in paths.values():
        assert path.shape == (21, 2)
        np.testing.assert_array_equal(path[0], [-1.5, 2.0])
        assert np.all(np.isfinite(path))


def test_first_sgd_step_is_minus_lr_times_the_gradient():
    # f = 0.5 * (x^2 + 100 y^2): gradient at (-4, 1) is (-4, 100).
    path = optimizer_trajectories(Quadratic(100.0), (-4.0, 1.0), ("sgd",), steps=1, learning_rates=0.01)["sgd"]
    np.testing.assert_allclose(path[1], [-4.0 + 0.04, 1.0 - 1.0], atol=1e-6)


def test_momentum_and_adam_beat_sgd_in_the_ill_conditioned_valley():
    problem = TRAJECTORY_PROBLEMS["valley"]  # Minimum at 0; SGD and momentum share lr 0.012.
    paths = optimizer_trajectories(problem.function, problem.x0, ("sgd", "momentum", "adam"),
                                   steps=100, learning_rates=problem.learning_rates)
    distance = {name: np.linalg.norm(path[-1]) for name, path in paths.items()}
    # SGD contracts the flat axis by (1 - 0.012) per step: 4 * 0.988^100 = 1.2.
    assert distance["sgd"] == pytest.approx(4 * 0.988**100, rel=0.01)
    assert distance["momentum"] < 0.1 and distance["adam"] < 0.1


def test_paths_leave_the_saddle():
    problem = TRAJECTORY_PROBLEMS["saddle"]  # Started 0.001 off the ridge y = 0.
    names = ("sgd", "momentum", "adagrad", "rmsprop", "adam", "radam", "ranger")
    paths = optimizer_trajectories(problem.function, problem.x0, names, steps=60,
                                   learning_rates=problem.learning_rates)
    for name, path in paths.items():
        assert abs(path[-1, 1]) > 0.1, name  # 100x the starting offset
        assert problem.function.value(path[-1]) < problem.function.value(path[0]) - 1.5, name


def test_a_diverging_path_ends_in_nan_rows():
    path = optimizer_trajectories(Saddle(), (0.0, 1.0), ("sgd",), steps=200, learning_rates=1e4)["sgd"]
    assert np.all(np.isfinite(path[:2])) and np.all(np.isnan(path[-1]))


def test_plots_are_written(tmp_path):
    paths, png = plot_problem("valley", tmp_path / "valley.png", optimizers=("sgd", "adam"), steps=10)
    assert png.read_bytes()[:4] == b"\x89PNG" and paths["adam"].shape == (11, 2)
    # The one trajectory picture: a default view from the iterates, a diverged (NaN) tail left out.
    diverged = np.array([[-1.0, 1.0], [0.0, 0.5], [np.nan, np.nan]])
    out = plot_trajectories(Rosenbrock(), {"sgd": diverged}, tmp_path / "r.png")
    assert out.stat().st_size > 1000
    with pytest.raises(DLCourseError, match="empty"):
        plot_trajectories(Rosenbrock(), {}, tmp_path / "none.png")


def test_names_and_rates_are_merged_one_way():
    # A comma-separated string, as the command line gives it; one rate for all.
    paths = optimizer_trajectories(Saddle(), (1.0, 0.1), "sgd, adam", steps=1, learning_rates=0.1)
    assert list(paths) == ["sgd", "adam"]
    np.testing.assert_allclose(paths["sgd"][1], [1.0 - 0.1 * 2.0, 0.1 + 0.1 * 0.2], atol=1e-6)


@pytest.mark.parametrize("kwargs, message", [
    (dict(optimizers=("adamm",)), "Unknown optimizers"),
    (dict(x0=(1.0, 2.0, 3.0)), "`x0`"),
    (dict(steps=0), "`steps`"),
    (dict(learning_rates=-1.0), "positive"),
    (dict(optimizers=("sgd", "sgd")), "twice"),
])
def test_bad_arguments(kwargs, message):
    args = dict(function=Saddle(), x0=(1.0, 0.0), optimizers=("sgd",), steps=5)
    with pytest.raises(DLCourseError, match=message):
        optimizer_trajectories(**{**args, **kwargs})
