"""Practical 6 opens as a notebook and runs end to end in fast mode (digits)."""

import json
import math
from pathlib import Path

import jupytext

from dlcourse import practicals


def test_p6_opens_as_a_notebook_with_an_exercise_and_its_solution():
    notebook = jupytext.read(Path(practicals.find(6)))
    kinds = [cell.cell_type for cell in notebook.cells]
    assert kinds.count("markdown") >= 10 and kinds.count("code") >= 10
    assert any("solution" in cell.metadata.get("tags", []) for cell in notebook.cells)
    assert "%env DLCOURSE_FAST=1" in notebook.cells[0].source
    assert len(Path(practicals.find(6)).read_text().splitlines()) < 300


def test_p6_runs_in_fast_mode(tmp_path, monkeypatch):
    monkeypatch.setenv("DLCOURSE_CACHE_DIR", str(tmp_path / "cache"))  # The FID classifier, trained here.
    out = practicals.run(6, fast=True, out=tmp_path / "out")
    results = json.loads((out / "results.json").read_text())
    assert results["fast"] is True and results["dataset"] == "digits"
    assert results["D step leaves G unchanged"] is True
    assert results["export matches the model"] is True
    assert results["my gradient penalty matches"] is True
    for key in ("dcgan FID", "vae FID"):
        assert math.isfinite(results[key]) and results[key] > 0
    assert 0 <= results["cgan label accuracy"] <= 1
    assert {"gan_ring modes covered", "wgan_gp_ring modes covered", "sngan_ring modes covered"} <= set(results)
    for name in ("real", "dcgan", "cgan", "vae", "forward_process", "dcgan_epochs/epoch_001"):
        assert (out / f"{name}.png").read_bytes()[:4] == b"\x89PNG"
    assert (out / "runs" / "ring" / "mode_collapse.png").is_file()
    assert list((out / "saved_models" / "dcgan").glob("*/saved_model.pb"))
