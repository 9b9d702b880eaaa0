"""Constant initialisation never breaks the symmetry between hidden units; random init does."""

import numpy as np

from dlcourse import nn

# Units computed by identical arithmetic stay bit-identical; 1e-12 allows for a BLAS
# that sums columns in a different order.
SAME = 1e-12


def test_constant_init_keeps_hidden_units_identical():
    r = nn.symmetry_experiment("constant", value=0.5, steps=50)
    assert r["max_unit_difference"] <= SAME
    # The network still trains, a little, as if it had one hidden unit per layer.
    assert r["final_loss"] < r["initial_loss"]


def test_zeros_init_keeps_hidden_units_identical():
    assert nn.symmetry_experiment("zeros", steps=50)["max_unit_difference"] <= SAME


def test_random_init_breaks_the_symmetry_and_learns_better():
    constant = nn.symmetry_experiment("constant", steps=50)
    random = nn.symmetry_experiment("glorot_uniform", steps=50)
    assert random["max_unit_difference"] > 0.1
    assert random["final_loss"] < 0.5 * constant["final_loss"]
    assert random["accuracy"] > constant["accuracy"]


def test_max_unit_difference_sees_one_changed_weight():
    net = nn.MLP([3, 4, 2], initializer="constant", seed=0)
    assert nn.max_unit_difference(net) == 0.0
    net.kernels[1][2, 0] += 0.25  # unit 2's outgoing weight
    assert np.isclose(nn.max_unit_difference(net), 0.25)
