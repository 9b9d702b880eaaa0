"""Initialiser variances vs their formulas and vs the `keras.initializers` twins."""

import keras
import numpy as np
import pytest

from dlcourse.errors import DLCourseError
from dlcourse.nn import initializers

SHAPE = (400, 300)  # 120,000 samples
# The sample variance of N samples has relative standard error ~sqrt(2 / N) ~ 0.4 %
# (smaller for uniform): 3 % is more than 7 standard errors.
RTOL = 0.03

KERAS_TWINS = {
    "uniform": keras.initializers.RandomUniform(),
    "normal": keras.initializers.RandomNormal(),
    "lecun_uniform": keras.initializers.LecunUniform(),
    "lecun_normal": keras.initializers.LecunNormal(),
    "glorot_uniform": keras.initializers.GlorotUniform(),
    "glorot_normal": keras.initializers.GlorotNormal(),
    "he_uniform": keras.initializers.HeUniform(),
    "he_normal": keras.initializers.HeNormal(),
}


@pytest.mark.parametrize("name", sorted(KERAS_TWINS))
def test_variance_matches_formula_and_keras(name):
    keras.utils.set_random_seed(0)
    ours = initializers.get(name)(SHAPE, np.random.default_rng(0))
    theirs = keras.ops.convert_to_numpy(KERAS_TWINS[name](SHAPE, dtype="float64"))
    target = initializers.expected_variance(name, SHAPE)
    assert ours.dtype == np.float64 and ours.shape == SHAPE
    assert np.var(ours) == pytest.approx(target, rel=RTOL)
    assert np.var(theirs) == pytest.approx(target, rel=RTOL)
    assert abs(np.mean(ours)) < 0.05 * np.sqrt(target)  # centred: |mean| << std
    # Support: U(-a, a) has Var a**2 / 3; truncated normals stop at 2 sampler stds.
    if name.endswith("uniform"):
        assert np.max(np.abs(ours)) <= np.sqrt(3 * target)
    elif name != "normal":
        assert np.max(np.abs(ours)) <= 2 * np.sqrt(target) / 0.87962566103423978


def test_hand_computed_formulas():
    assert initializers.expected_variance("glorot_uniform", (100, 300)) == pytest.approx(2 / 400)
    assert initializers.expected_variance("he_normal", (100, 300)) == pytest.approx(2 / 100)
    assert initializers.expected_variance("uniform", (5, 5)) == pytest.approx(0.05**2 / 3)
    assert initializers.compute_fans((3, 3, 16, 32)) == (144, 288)
    limit = np.sqrt(6 / (64 + 32))
    w = initializers.glorot_uniform((64, 32), 0)
    assert np.max(np.abs(w)) <= limit


def test_zeros_and_constant_match_keras():
    np.testing.assert_array_equal(initializers.zeros((3, 2)), keras.initializers.Zeros()((3, 2), dtype="float64"))
    np.testing.assert_array_equal(
        initializers.constant((3, 2), value=0.5), keras.initializers.Constant(0.5)((3, 2), dtype="float64")
    )
    assert np.var(initializers.get("constant", value=0.5)((3, 2), None)) == 0.0


def test_same_seed_same_weights():
    a = initializers.he_normal((20, 10), 7)
    b = initializers.he_normal((20, 10), np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)


def test_unknown_name_and_bad_mode_raise():
    with pytest.raises(DLCourseError, match="Unknown initializer 'xavier'"):
        initializers.get("xavier")
    with pytest.raises(DLCourseError, match="fan_avg"):
        initializers.variance_scaling((3, 3), 0, mode="fan_max")
