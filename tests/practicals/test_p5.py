"""Practical 5 runs end to end in fast mode and writes its figures and results table."""

import json

from dlcourse import practicals


def test_p5_runs_in_fast_mode(tmp_path):
    out = practicals.run(5, fast=True, out=tmp_path)
    results = json.loads((out / "results.json").read_text())
    assert results["fast"] is True
    assert results["lstm vs keras, largest difference"] < 1e-5
    assert isinstance(results["sunspots beats baselines"], bool)
    assert 0.0 <= results["reverse exact match"] <= 1.0
    # Characters of fortunes: uniform guessing is log2(114) = 6.8 bits; one fast epoch does better.
    assert 0.5 < results["gpt validation bits/char"] < 6.0 and 0.5 < results["5-gram validation bits/char"] < 4.0
    assert 0.1 <= results["vit test accuracy"] <= 1.0
    for name in ("bptt.png", "causal_attention.png", "forecasting/forecast_sunspots.png",
                 "seq2seq/cross_attention_reverse.png", "language_model/bits_per_char.png",
                 "language_model/attention.png"):
        assert (out / name).read_bytes()[:4] == b"\x89PNG", name
