"""Lecture 5's studies, tiny: BPTT gradient norms, forecasting table, LM vs n-grams, seq2seq, attention maps."""

import json

import numpy as np
import pytest

from dlcourse import data, models, studies
from dlcourse.training.recipes import RECIPES, Recipe, register

FAST = dict(jit_compile=False, steps_per_execution=16)


@pytest.fixture
def recipe():
    added = []

    def add(**kwargs):
        added.append(register(Recipe(description="a test recipe", **kwargs)).name)
        return added[-1]

    yield add
    for name in added:
        RECIPES.pop(name)


def test_bptt_vanishing_exploding_and_clipping(tmp_path):
    result = studies.bptt_study(length=40, gains=(0.5, 1.0, 2.0), out_dir=tmp_path)
    n = {key: np.array(v) for key, v in result.norms.items()}
    assert n["rnn/0.5"][39] < 1e-6 * n["rnn/0.5"][0]       # vanishing
    assert n["rnn/2"][39] > 10 * n["rnn/2"][0]              # exploding
    # The LSTM's carry keeps more of the gradient at the same (Keras default) gain.
    assert n["lstm/1"][39] / n["lstm/1"][0] > 10 * n["rnn/1"][39] / n["rnn/1"][0]
    rows = {(r["cell"], r["gain"]): r for r in result.rows}
    assert len(rows) == 9 and rows[("rnn", 2.0)]["total"] > 1.0 == rows[("rnn", 2.0)]["clipped"]
    assert rows[("rnn", 0.5)]["clipped"] == min(rows[("rnn", 0.5)]["total"], 1.0)
    assert "lag 10" in result.to_text()
    assert result.figure_path.is_file() and json.loads(result.json_path.read_text())["settings"]["length"] == 40


def test_forecasting_table_has_baselines_and_names_the_best(tmp_path):
    table = studies.forecasting_table(datasets=("sunspots",), recipes=("gru_forecaster",), epochs=1,
                                      out_dir=tmp_path)
    models_seen = [r["model"] for r in table.rows]
    assert models_seen == ["naive", "seasonal naive", "gru_forecaster"]
    windows, targets = data.split_series("sunspots").windows("test", 22, 1, scaled=False)
    assert table.rows[0]["test_mae"] == pytest.approx(np.mean(np.abs(windows[:, -1] - targets)))
    best = table.extra["best"]["sunspots"]
    assert best["model"] == "gru_forecaster" and isinstance(best["beats_baselines"], bool)
    assert all(p.is_file() for p in table.figure_paths) and "seasonal naive" in table.to_text()


def test_seq2seq_study_and_cross_attention_maps(recipe, tmp_path):
    name = recipe(name="tiny_s2s_study", task="seq2seq", dataset="reverse",
                  build=lambda lengths, vocab: models.build_seq2seq_transformer(
                      vocab, vocab, *lengths, d_model=16, num_heads=2, num_layers=1, intermediate_dim=32),
                  settings=dict(epochs=1, batch_size=64, optimizer="adam", learning_rate=3e-3, **FAST),
                  options={"num_examples": 256, "eval_examples": 32, "min_length": 2, "max_length": 4})
    result = studies.seq2seq_study(tasks=("reverse",), recipe=name, out_dir=tmp_path)
    assert [r["task"] for r in result.rows] == ["reverse"] and 0 <= result.rows[0]["test_exact_match"] <= 1
    assert all(p.is_file() for p in result.figure_paths)

    model = models.build_seq2seq_transformer(14, 14, 5, 6, d_model=16, num_heads=2, num_layers=1,
                                             intermediate_dim=32)
    source = np.array([[4, 5, 6, 0, 0]])
    maps = studies.attention_maps(model, "decoder_1", [source, np.array([[1, 7, 8, 0, 0, 0]])])
    assert maps["cross_attention"].shape == (1, 2, 6, 5) and maps["self_attention"].shape == (1, 2, 6, 6)
    assert np.all(maps["cross_attention"][0, :, :3, 3:] == 0.0)  # Padded source: no weight.
    np.testing.assert_allclose(maps["cross_attention"][0, :, :3].sum(-1), 1.0, atol=1e-5)
    assert np.all(np.triu(maps["self_attention"][0, 0], 1) == 0.0)  # Causal.


def test_language_model_study_against_ngrams(recipe, tmp_path, monkeypatch):
    folder = tmp_path / "data" / "fortunes"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    words = ["the cat sat", "on the mat", "a dog ran"]
    (folder / "misc").write_text("\n%\n".join(" ".join(rng.choice(words, 3)) for _ in range(80)) + "\n")
    monkeypatch.setenv("DLCOURSE_DATA_DIR", str(tmp_path / "data"))
    data.clear_cache()
    try:
        name = recipe(name="tiny_gpt_study", task="language_model", dataset="fortunes",
                      build=lambda shape, vocab: models.build_char_gpt(vocab, shape[0], d_model=16, num_heads=2,
                                                                       num_layers=1, dropout=0.0),
                      settings=dict(epochs=2, batch_size=16, optimizer="adam", learning_rate=1e-2, **FAST),
                      options={"sequence_length": 32, "ngram_order": 2, "sample_length": 20})
        result = studies.language_model_study(recipe=name, orders=(1, 2, 3), out_dir=tmp_path / "lm")
    finally:
        data.clear_cache()
    bits = [r["validation_bits_per_char"] for r in result.rows]
    assert [r["model"] for r in result.rows] == ["1-gram", "2-gram", "3-gram", name]
    assert bits[2] < bits[1] < bits[0]  # Longer contexts help on this repetitive text.
    assert set(result.extra["samples"]) == {"0.5", "1.0"} and all(p.is_file() for p in result.figure_paths)
