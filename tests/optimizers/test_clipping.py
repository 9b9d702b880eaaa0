"""Clipping by global norm: hand-computed cases, `tf.clip_by_global_norm`, and the
optimizers' `global_clipnorm`; `global_norm` against `tf.linalg.global_norm`."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from dlcourse import optimizers
from dlcourse.errors import DLCourseError

TOL = 1e-6


def clip(gradients, clip_norm):
    """The clipped list alone (the norm is checked in `test_matches_tf_clip_by_global_norm`)."""
    return optimizers.clip_by_global_norm(gradients, clip_norm)[0]


def _np(tensors):
    return [None if t is None else keras.ops.convert_to_numpy(t) for t in tensors]


def test_hand_computed_above_threshold():
    grads = [np.array([3.0, 0.0], "float32"), np.array([[0.0], [4.0]], "float32")]  # ||G|| = 5
    assert float(optimizers.global_norm(grads)) == pytest.approx(5.0, rel=TOL)
    clipped = _np(clip(grads, 1.0))
    np.testing.assert_allclose(clipped[0], [0.6, 0.0], atol=TOL)
    np.testing.assert_allclose(clipped[1], [[0.0], [0.8]], atol=TOL)
    assert float(optimizers.global_norm(clipped)) == pytest.approx(1.0, rel=TOL)


def test_below_and_at_threshold_unchanged():
    grads = [np.array([0.3, -0.4], "float32")]  # ||G|| = 0.5
    np.testing.assert_array_equal(_np(clip(grads, 2.0))[0], grads[0])
    np.testing.assert_allclose(_np(clip(grads, 0.5))[0], grads[0], atol=TOL)


def test_zero_gradient_stays_zero_and_none_is_kept():
    clipped = _np(clip([np.zeros((2, 2), "float32"), None], 1.0))
    assert clipped[1] is None
    np.testing.assert_array_equal(clipped[0], np.zeros((2, 2)))


def test_non_finite_norm_gives_nan_like_tensorflow():
    grads = [np.array([np.inf, 1.0], "float32")]
    ours = _np(clip(grads, 1.0))[0]
    theirs, _ = tf.clip_by_global_norm([tf.constant(grads[0])], 1.0)
    assert np.all(np.isnan(ours)) and np.all(np.isnan(theirs[0].numpy()))


@pytest.mark.parametrize("max_norm", [0.1, 1.0, 10.0, 100.0])
def test_matches_tf_clip_by_global_norm(max_norm):
    rng = np.random.default_rng(0)
    grads = [rng.normal(size=s).astype("float32") for s in [(5, 3), (3,), (3, 4, 2)]]
    ours, our_norm = optimizers.clip_by_global_norm(grads, max_norm)
    ours = _np(ours)
    theirs, norm = tf.clip_by_global_norm([tf.constant(g) for g in grads], max_norm)
    assert float(our_norm) == pytest.approx(float(norm), rel=TOL)
    assert float(optimizers.global_norm(grads)) == pytest.approx(float(tf.linalg.global_norm(grads)), rel=TOL)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b.numpy(), rtol=1e-5, atol=1e-7)


def test_same_step_as_optimizer_global_clipnorm():
    rng = np.random.default_rng(1)
    start = [rng.normal(size=(4, 2)).astype("float32"), rng.normal(size=(2,)).astype("float32")]
    grads = [10 * rng.normal(size=(4, 2)).astype("float32"),
             rng.normal(size=(2,)).astype("float32")]
    builtin = [keras.Variable(w) for w in start]
    keras.optimizers.SGD(0.1, global_clipnorm=1.0).apply(grads, builtin)
    ours = [keras.Variable(w) for w in start]
    keras.optimizers.SGD(0.1).apply(clip(grads, 1.0), ours)
    for a, b in zip(ours, builtin):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6, atol=1e-7)


def test_keeps_dtype_and_rejects_bad_max_norm():
    grads = [np.ones((3,), "float16")]
    assert keras.ops.convert_to_numpy(clip(grads, 1.0)[0]).dtype == np.float16
    for bad in (0, -1.0, float("inf"), "1"):
        with pytest.raises(DLCourseError, match="clip_norm"):
            clip(grads, bad)
