"""Practical 4 opens as a notebook and runs end to end in fast mode (digits)."""

import json
from pathlib import Path

import jupytext

from dlcourse import practicals


def test_p4_opens_as_a_notebook_with_a_solution_and_a_looking_inside_section():
    notebook = jupytext.read(Path(practicals.find(4)))
    kinds = [cell.cell_type for cell in notebook.cells]
    assert kinds.count("markdown") >= 8 and kinds.count("code") >= 8
    assert any("solution" in cell.metadata.get("tags", []) for cell in notebook.cells)
    assert any(cell.source.startswith("## 6. Looking inside") for cell in notebook.cells)
    assert "%env DLCOURSE_FAST=1" in notebook.cells[0].source


def test_p4_runs_in_fast_mode_and_writes_figures_and_results(tmp_path):
    out = practicals.run(4, fast=True, out=tmp_path)
    results = json.loads((out / "results.json").read_text())
    assert results["fast"] is True and results["dataset"] == "digits"
    assert results["worked_example"] == [[36.0, 42.0], [60.0, 66.0]]
    assert results["parameters_32x32x3"]["LeNet-5"] == 62_006
    assert results["residual_identity_error"] == 0.0
    assert set(results["cnn_study"]) == {"fc_adam", "small_cnn", "wide_cnn"}
    assert results["cnn_study"]["fc_adam"] > 0.6
    assert results["cnn_fast_test_accuracy"] > 0.7
    assert results["transfer"]["pretrain"] > 0.9
    assert results["bn_trap_moving_stats_changed"] is True
    assert results["exercise_conv_weights"] == [1_125_216, 1_125_216]
    for png in ("samples.png", "runs/cnn_study/cnn_study.png", "runs/cnn_fast/curves.png",
                "runs/transfer/transfer.png"):
        assert (out / png).read_bytes()[:4] == b"\x89PNG", png
    assert list((out / "saved_models" / "cnn_fast").glob("*/saved_model.pb"))
