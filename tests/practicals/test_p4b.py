"""Practical 4b runs end to end in fast mode and writes its figures and results table."""

import json
from pathlib import Path

import jupytext

from dlcourse import practicals

FIGURES = ["filters", "feature_maps", "filter_similarity", "depth_pca", "small_net_weights", "attributions",
           "grad_cam", "class_models", "deep_dream", "accuracy_vs_eps", "landscape"]


def test_p4b_is_found_by_its_name_and_opens_as_a_notebook():
    path = practicals.find("4b")
    assert path.name == "p4b_interpret.py"
    notebook = jupytext.read(Path(path))
    assert any("solution" in cell.metadata.get("tags", []) for cell in notebook.cells)
    assert len(path.read_text().splitlines()) < 300


def test_p4b_runs_in_fast_mode_and_writes_figures_and_results(tmp_path):
    out = practicals.run("4b", fast=True, out=tmp_path)
    for name in FIGURES:
        assert (out / f"{name}.png").stat().st_size > 1000, name
    results = json.loads((out / "results.json").read_text())
    assert results["fast"] is True and results["dataset"] == "digits"
    assert results["cnn_test_accuracy"] > 0.8
    layers = results["separation_by_layer"]
    assert layers["logits"] > layers["input"]
    assert results["ig_completeness_error"] < 0.02
    curve = results["accuracy_vs_eps"]
    assert all(row["pgd"] <= row["fgsm"] for row in curve)
    assert curve[-1]["pgd"] < curve[0]["pgd"] - 0.3
    assert 0.0 <= results["one_pixel_success_rate"] <= 1.0
    assert results["mlp_adversarial"]["pgd_0.1"] > results["mlp"]["pgd_0.1"]
    assert results["exercise_fgsm_agreement"] > 0.5
