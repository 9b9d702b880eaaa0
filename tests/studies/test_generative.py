"""The generative studies on tiny settings: rows, tables and figures."""

import json

import numpy as np

from dlcourse import metrics, models, studies, training

training.register(training.Recipe(
    name="tiny_vae_study_test", description="test", dataset="digits", task="generate",
    settings=dict(epochs=1, batch_size=64, optimizer="adam", learning_rate=1e-3, jit_compile=False),
    build=lambda shape, k: models.VAE(models.build_vae_encoder(shape, 4, (4, 8), 16),
                                      models.build_vae_decoder(4, shape, (8, 4))),
    options={"fid_samples": 0}))


def test_fid_table_rows_and_figure(tmp_path, monkeypatch):
    # Any classifier with a `hidden` layer will do for the bookkeeping tested here.
    classifier = models.build_cnn((8, 8, 1), 10, filters=(4, 8), dense_units=8)
    monkeypatch.setattr(metrics, "load_fid_classifier", lambda dataset: classifier)
    table = studies.fid_table(("tiny_vae_study_test",), "digits", fid_samples=50, out_dir=tmp_path)
    (row,) = table.rows
    assert row["recipe"] == "tiny_vae_study_test" and row["fid_samples"] == 50 and row["epochs"] == 1
    assert row["fid"] > 0 and sum(row["class_histogram"]) == 50 and 0.1 <= row["top_class_share"] <= 1
    assert "tiny_vae_study_test" in table.to_text() and "FID" in table.to_text()
    assert table.figure_path.read_bytes()[:4] == b"\x89PNG"
    assert json.loads(table.json_path.read_text())["rows"][0]["fid"] == row["fid"]


def test_mode_collapse_table_over_seeds(tmp_path):
    table = studies.mode_collapse_table(("gan_ring",), seeds=(0, 1), epochs=1, samples=500, out_dir=tmp_path)
    (row,) = table.rows
    assert [r["seed"] for r in row["runs"]] == [0, 1]
    covered = [r["modes_covered"] for r in row["runs"]]
    assert row["modes_min"] == min(covered) and row["modes_mean"] == np.mean(covered)
    assert 0 <= row["high_quality_mean"] <= 1
    assert "modes (mean)" in table.to_text()
    assert table.figure_path.read_bytes()[:4] == b"\x89PNG"
