"""The learning-rate trial: log-spaced rates on a subset, the best one, then the full run."""

import numpy as np
import pytest

from dlcourse import studies
from dlcourse.errors import DLCourseError


def test_default_rates_are_log_spaced_from_1e_1_to_1e_3():
    np.testing.assert_allclose(studies.DEFAULT_TRIAL_RATES, [1e-1, 10**-1.5, 1e-2, 10**-2.5, 1e-3])


def test_trial_picks_the_lowest_validation_loss_and_drops_diverged_runs(tmp_path):
    out = studies.lr_trial("mlp", "digits", rates=(1e3, 0.1, 1e-3), subset=300, trial_epochs=2,
                           path=tmp_path / "trial.png")
    by_rate = {t["learning_rate"]: t for t in out["trials"]}
    assert by_rate[1e3]["diverged"] and not by_rate[0.1]["diverged"]
    assert out["best"] == 0.1 and by_rate[0.1]["val_loss"] < by_rate[1e-3]["val_loss"]
    assert len(by_rate[0.1]["loss"]) == 2 and out["optimizer"] == "sgd" and not out["at_edge"]
    assert (tmp_path / "trial.png").stat().st_size > 1000


def test_full_run_trains_through_the_runner_with_the_best_rate(tmp_path):
    out = studies.lr_trial("mlp", "digits", rates=(0.1, 0.01), subset=200, trial_epochs=1, full_run=True,
                           epochs=2, run_dir=str(tmp_path / "run"))
    assert out["best"] == 0.1 and out["at_edge"]
    assert out["full_metrics"]["recipe"] == "mlp" and out["full_metrics"]["epochs_run"] == 2
    assert (tmp_path / "run" / "metrics.json").exists()


def test_bad_rates_are_refused():
    with pytest.raises(DLCourseError, match="rates"):
        studies.lr_trial("mlp", "digits", rates=(0.1, -1.0))
