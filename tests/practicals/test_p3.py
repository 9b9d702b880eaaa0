"""Practical 3 runs end to end in fast mode and writes its figures and results table."""

import json

from dlcourse import practicals, studies


def test_p3_runs_in_fast_mode(tmp_path):
    out = practicals.run(3, fast=True, out=tmp_path)
    results = json.loads((out / "results.json").read_text())
    assert results["fast"] is True and results["dataset"] == "digits"
    # The deep plain network: NaN without clipping, finite losses with it.
    assert results["deep plain net, clipnorm=None"].startswith("diverged")
    assert results["deep plain net, clipnorm=1.0"].startswith("losses")
    assert 0.0 < results["LR finder suggestion (SGD)"] < 10.0
    # 10 digit classes (chance 0.1); measured after 2 epochs: 0.44 to 0.66.
    for key in ("adam test accuracy", "sam + adam test accuracy", "adam val accuracy"):
        assert 0.1 + 0.25 < results[key] <= 1.0, (key, results[key])
    # The learning-rate trial keeps a rate of the log-spaced range and trains with it.
    assert any(abs(results["LR trial best (SGD)"] / rate - 1) < 1e-6 for rate in studies.DEFAULT_TRIAL_RATES)
    assert 0.1 + 0.25 < results["LR trial full-run test accuracy"] <= 1.0
    assert 0.1 + 0.25 < results["mlp_modern test accuracy"] <= 1.0
    for name in ("trajectories_rosenbrock", "trajectories_saddle", "trajectories_valley",
                 "schedules", "lr_finder", "step_epochs", "lr_trial"):
        assert (out / f"{name}.png").read_bytes()[:4] == b"\x89PNG"
    assert (out / "runs" / "optimizers" / "comparison.png").is_file()
