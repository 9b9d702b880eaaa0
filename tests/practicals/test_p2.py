"""Practical 2 runs end to end in fast mode and writes its figures and results table."""

import json

from dlcourse import practicals


def test_p2_runs_in_fast_mode_and_writes_figures_and_results(tmp_path):
    out = practicals.run(2, fast=True, out=tmp_path)
    results = json.loads((out / "results.json").read_text())
    assert results["fast"] is True and results["dataset"] == "digits"
    for name in ("activations", "initialisation", "overfitting_regularised", "augmentation"):
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
