"""The forecast, language_model and seq2seq tasks through the one runner, with tiny
recipes, and their exports read back (the language model also by `dlcourse sample`)."""

import math
import re

import numpy as np
import pytest
import tensorflow as tf

from dlcourse import cli, data, models, training
from dlcourse.data import seq_toy
from dlcourse.errors import DLCourseError
from dlcourse.export.sampler import load_sampler, sample
from dlcourse.training.recipes import RECIPES, Recipe, register

FAST = dict(jit_compile=False, steps_per_execution=16)


@pytest.fixture
def recipe():
    """Register a test recipe for the test's duration."""
    added = []

    def add(**kwargs):
        added.append(register(Recipe(description="a test recipe", **kwargs)).name)
        return added[-1]

    yield add
    for name in added:
        RECIPES.pop(name)


def test_forecast_learns_beats_naive_and_exports_raw_units(recipe, tmp_path):
    name = recipe(name="tiny_gru_forecaster", task="forecast", dataset="sunspots",
                  build=lambda shape, horizon: models.build_rnn_forecaster(shape[0], horizon, cell="gru", units=8),
                  settings=dict(epochs=12, batch_size=32, optimizer="adam", learning_rate=3e-3, **FAST),
                  options={"window": {"sunspots": 22}, "horizon": 1})
    config = training.make_config(name, run_dir=str(tmp_path / "run"), export_dir=str(tmp_path / "export"))
    result = training.train(config, verbose=0)
    m = result.metrics
    assert m["num_examples"] == {"train": 225, "validation": 31, "test": 31} and m["test_windows"] == 31
    windows, targets = data.split_series("sunspots").windows("test", 22, 1, scaled=False)
    assert m["naive_mae"] == pytest.approx(np.mean(np.abs(windows[:, -1] - targets)))
    assert m["test_mae"] < m["naive_mae"], m  # Learned: better than tomorrow-like-today.
    exported = tf.saved_model.load(str(result.export_dir))  # Keep a reference: its variables live there.
    served = exported.serve(tf.constant(windows[..., 0])).numpy()
    scaling = data.series_windows("sunspots", window=22).scaling
    expected = result.model.predict((windows - scaling["mean"]) / scaling["std"], verbose=0)
    np.testing.assert_allclose(served, expected * scaling["std"] + scaling["mean"], rtol=1e-5, atol=1e-3)
    assert m["test_mae"] == pytest.approx(np.mean(np.abs(served - targets)), rel=1e-4)


@pytest.fixture
def tiny_corpus(tmp_path, monkeypatch):
    """A two-category strfile corpus as `fortunes`, in a fresh $DLCOURSE_DATA_DIR."""
    folder = tmp_path / "data" / "fortunes"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    words = {"animals": ["the cat sat", "a dog ran"], "places": ["on the mat", "to the sea"]}
    for category in ("animals", "places"):
        entries = [" ".join(rng.choice(words[category], 3)) for _ in range(60)]
        (folder / category).write_text("\n%\n".join(entries) + "\n")
    monkeypatch.setenv("DLCOURSE_DATA_DIR", str(tmp_path / "data"))
    data.clear_cache()
    yield
    data.clear_cache()


def test_language_model_learns_reports_ngram_and_samples_through_export(recipe, tiny_corpus, tmp_path, capsys):
    name = recipe(name="tiny_gpt", task="language_model", dataset="fortunes",
                  build=lambda shape, vocab: models.build_char_gpt(vocab, shape[0], d_model=16, num_heads=2,
                                                                   num_layers=1, dropout=0.0),
                  settings=dict(epochs=8, batch_size=16, optimizer="adam", learning_rate=1e-2, **FAST),
                  options={"sequence_length": 32, "ngram_order": 3, "sample_length": 20})
    config = training.make_config(name, run_dir=str(tmp_path / "run"), export_dir=str(tmp_path / "lm"))
    result = training.train(config, verbose=0)
    m = result.metrics
    vocab_size = result.model.output.shape[-1]
    assert m["validation_bits_per_char"] < 0.6 * math.log2(vocab_size), m  # Far below uniform guessing.
    assert 0 < m["ngram_validation_bits_per_char"] < math.log2(vocab_size) and m["ngram_order"] == 3
    assert set(m["samples"]) == {"0.5", "1.0"} and all(len(s) == 20 for s in m["samples"].values())

    sampler = load_sampler(tmp_path / "lm")
    vocabulary = data.char_lm_windows("fortunes", sequence_length=32).vocabulary
    for temperature in (0.0, 1.0):  # The export samples exactly what the Python API does.
        exported = sampler.sample("the ", length=15, temperature=temperature, seed=3)
        assert exported == sample(result.model, vocabulary, "the ", 15, temperature, seed=3, context=32)
    assert cli.main(["sample", str(tmp_path / "lm"), "--prompt", "a dog", "--temperature", "0.5",
                     "--length", "12"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("a dog") and len(out.rstrip("\n")) == len("a dog") + 12


@pytest.mark.parametrize("argv, message", [
    (["--prompt", ""], "`prompt` must not be empty"),
    (["--prompt", "x", "--temperature", "-1"], "`temperature` must be 0 or more"),
    (["--prompt", "x", "--length", "0"], "`length` must be at least 1"),
])
def test_sample_cli_bad_arguments_are_one_line_errors(argv, message, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("dlcourse.export.sampler.Sampler.__init__", lambda self, path: None)
    (tmp_path / "m" / "1").mkdir(parents=True)
    (tmp_path / "m" / "1" / "saved_model.pb").write_bytes(b"")
    assert cli.main(["sample", str(tmp_path / "m"), *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_sample_cli_refuses_a_model_dir_without_an_export(tmp_path, capsys):
    assert cli.main(["sample", str(tmp_path), "--prompt", "x"]) == 2
    assert "No exported model" in capsys.readouterr().err


@pytest.mark.parametrize("task", ["reverse", "add"])
def test_seq2seq_exact_match_and_export_answers_strings(recipe, tmp_path, task):
    name = recipe(name=f"tiny_seq2seq_{task}", task="seq2seq", dataset=task,
                  build=lambda lengths, vocab: models.build_seq2seq_transformer(
                      vocab, vocab, *lengths, d_model=16, num_heads=2, num_layers=1, intermediate_dim=32),
                  settings=dict(epochs=2, batch_size=64, optimizer="adam", learning_rate=3e-3, **FAST),
                  options={"num_examples": 640, "eval_examples": 64, "min_length": 2, "max_length": 4})
    config = training.make_config(name, run_dir=str(tmp_path / "run"), export_dir=str(tmp_path / "s2s"))
    result = training.train(config, verbose=0)
    m = result.metrics
    assert 0.0 <= m["test_exact_match"] <= m["test_token_accuracy"] <= 1.0
    assert len(m["examples"]) == 3 and m["num_examples"]["train"] == 640
    source, _, targets = seq_toy.make_arrays(task, "test", 64, min_length=2, max_length=4)
    questions = [seq_toy.decode(q) for q in source]
    predicted = [seq_toy.decode(p) for p in np.asarray(models.greedy_decode(result.model, source, targets.shape[1]))]
    exact = np.mean([p == seq_toy.decode(t) for p, t in zip(predicted, targets)])
    assert exact == pytest.approx(m["test_exact_match"])
    if task == "add":  # Served as people write numbers: "2100+5430" is asked as "12 + 345", answers read forwards.
        questions = [" + ".join(str(int(n[::-1])) for n in q.split("+")) for q in questions]
        predicted = [re.sub(r"^0+(.)", r"\1", p[::-1]) for p in predicted]
        assert questions[0].count("0") < seq_toy.decode(source[0]).count("0")
    exported = tf.saved_model.load(str(result.export_dir))
    answers = exported.serve(tf.constant(questions)).numpy()
    assert [a.decode() for a in answers] == predicted


def test_seq2seq_refuses_a_dataset_that_is_not_a_synthetic_task(tmp_path):
    config = training.make_config("seq2seq_transformer", "fortunes", run_dir=str(tmp_path / "run"))
    with pytest.raises(DLCourseError, match="Use --dataset reverse or sort or add"):
        training.train(config, verbose=0)


def test_classify_text_learns_categories_and_exports_raw_strings(recipe, tiny_corpus, tmp_path):
    name = recipe(name="tiny_text_classifier", task="classify_text", dataset="fortunes",
                  build=lambda shape, classes, vocab: models.build_text_classifier(
                      vocab, classes, shape[0], embedding_dim=8, units=8),
                  settings=dict(epochs=6, batch_size=16, optimizer="adam", learning_rate=1e-2, **FAST),
                  options={"max_length": 40})
    config = training.make_config(name, run_dir=str(tmp_path / "run"), export_dir=str(tmp_path / "txt"))
    result = training.train(config, verbose=0)
    m = result.metrics
    assert m["test_accuracy"] > m["majority_class_accuracy"] + 0.2, m
    texts = ["a dog ran the cat sat", "to the sea on the mat"]
    exported = tf.saved_model.load(str(result.export_dir))
    probabilities = exported.serve(tf.constant(texts)).numpy()
    vocabulary = data.CharVocabulary.from_texts(data.load_text("fortunes", "train").texts)
    ids = np.zeros((2, 40), "int32")
    for row, text in enumerate(texts):
        ids[row, :len(text)] = vocabulary.encode(text)
    np.testing.assert_allclose(probabilities, result.model.predict(ids, verbose=0), atol=1e-5)
    assert probabilities.argmax(axis=1).tolist() == [0, 1]  # animals, places (sorted names)
