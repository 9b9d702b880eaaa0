"""Practical 2 runs end to end in fast mode and writes its figures and results table."""

import json

from dlcourse import practicals


def test_p2_runs_in_fast_mode_and_writes_figures_and_results(tmp_path):
    out = practicals.run(2, fast=True, out=tmp_path)
    results = json.loads((out / "results.json").read_text())
    assert results["fast"] is True and results["dataset"] == "digits"
    for name in ("activations", "initialisation", "overfitting_regularised", "augmentation",
                 "universal_approximation", "decision_boundary", "capacity", "scaling_law"):
        assert (out / f"{name}.png").stat().st_size > 1000, name
    # The hand-written network agrees with Keras and with finite differences.
    assert results["hand_vs_keras_probabilities"] < 1e-12
    assert results["hand_vs_tape_gradients"] < 1e-10
    assert results["finite_difference_check"] < 1e-6
    assert results["exercise_logit_gradient_error"] < 1e-12
    assert results["course_mlp_parameters"] == 64 * 64 + 64 + 64 * 32 + 32 + 32 * 10 + 10
    assert results["course_mlp_test_accuracy"] > 0.8
    # Overfitting shown (train accuracy above validation), then narrowed by L2 + dropout.
    assert results["mlp_small_train_final_gap"] > results["p2_regularized_small_train_final_gap"]
    assert results["doctor_checks_passed"] == 8
    assert {"learns", "loss_decreases"} <= set(results["doctor_shuffled_labels_failed"])
    assert "✓ dead_relu" in (out / "doctor.txt").read_text()
    # Universal approximation: wider fits better; a small network separates the moons.
    assert results["ua_rmse"]["16"] < 0.5 * results["ua_rmse"]["1"]
    assert results["moons_accuracy"]["network"] > results["moons_accuracy"]["line"] + 0.05
    # Capacity: the narrow net underfits, the wide one fits its training set; more data helps.
    (narrow_train, _), (wide_train, wide_test) = results["capacity"]["1x2"], results["capacity"]["1x128"]
    assert narrow_train > 1.0 > 0.5 > wide_train and wide_test > wide_train
    assert all(alpha > 0 for alpha in results["scaling_alpha"].values())
