"""Weight decay equals an L2 penalty for SGD, not for Adam (Loshchilov & Hutter 2019)."""

import numpy as np
import pytest

from dlcourse import studies
from dlcourse.errors import DLCourseError


def test_weight_decay_vs_l2_same_for_sgd_different_for_adam():
    result = studies.weight_decay_vs_l2(l2=0.1, learning_rate=0.05, steps=40, seed=0)
    # SGD: identical up to float32 rounding of a different operation order.
    assert result["sgd_max_difference"] < 1e-5
    # Adam+L2 and AdamW end in clearly different places.
    assert result["adam_max_difference"] > 0.1
    final = result["final_weights"]
    np.testing.assert_allclose(final["sgd_l2"], final["sgd_weight_decay"], atol=1e-5)
    assert np.all(np.isfinite(final["adamw"]))


def test_weight_decay_vs_l2_bad_arguments_raise():
    with pytest.raises(DLCourseError, match="l2"):
        studies.weight_decay_vs_l2(l2=0.0)
