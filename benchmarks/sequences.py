"""Lecture 5 benchmarks: our cells and attention vs Keras's, and the sequence tasks' numbers.

    python benchmarks/sequences.py [--quick] [--only step_time,forecasting,lm,seq2seq,vit]

    step_time     keras.layers.RNN(our SimpleRNN/LSTM/GRU cell) vs keras.layers.SimpleRNN/LSTM/GRU,
                  and our MultiHeadAttention vs Keras's: median seconds per `fit` step,
                  alternating ABBA after a warm-up each; target ratio <= 1.5
    forecasting   RNN, LSTM, GRU, transformer vs naive and seasonal naive: test MAE on
                  the final stretch of sunspots and CO2; target: the best beats both
    lm            char_gpt on fortunes: validation bits/char vs n-grams of order 1-6
    seq2seq       seq2seq_transformer on reverse, sort, add: exact match; target >= 0.99
    vit           vit on Fashion-MNIST: test accuracy (target >= 0.88) and time

Writes benchmarks/results/sequences.json after each section (a section run alone replaces
only its own part). `--quick` is a smoke run (tiny settings, a few
minutes): its numbers mean nothing.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import keras  # noqa: E402
import numpy as np  # noqa: E402

from dlcourse import layers, models, studies, training  # noqa: E402
from dlcourse._io import write_json_atomic  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "sequences.json"
OUT = Path("runs") / "benchmarks" / "sequences"
STEP_TIME_TARGET = 1.5
SECTIONS = ("step_time", "forecasting", "lm", "seq2seq", "vit")


def _recurrent(cell_name, ours):
    def build():
        inputs = keras.Input((50, 8))
        if ours:
            cell = {"rnn": layers.SimpleRNNCell, "lstm": layers.LSTMCell, "gru": layers.GRUCell}[cell_name](64)
            x = keras.layers.RNN(cell)(inputs)
        else:
            builtin = {"rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}[cell_name]
            x = builtin(64)(inputs)
        return keras.Model(inputs, keras.layers.Dense(1)(x)), (50, 8)
    return build


def _attention(ours):
    def build():
        inputs = keras.Input((64, 64))
        mha = (layers if ours else keras.layers).MultiHeadAttention(num_heads=4, key_dim=16)
        x = mha(inputs, inputs, use_causal_mask=True)
        return keras.Model(inputs, keras.layers.Dense(1)(keras.layers.GlobalAveragePooling1D()(x))), (64, 64)
    return build


def _time_fit(model, x, y):
    start = time.perf_counter()
    model.fit(x, y, batch_size=32, epochs=1, verbose=0, shuffle=False)
    return (time.perf_counter() - start) / (len(x) // 32)


def step_time(quick):
    steps, repeats = (10, 3) if quick else (40, 9)
    rows = {}
    for name, pair in {"SimpleRNN": (_recurrent("rnn", False), _recurrent("rnn", True)),
                       "LSTM": (_recurrent("lstm", False), _recurrent("lstm", True)),
                       "GRU": (_recurrent("gru", False), _recurrent("gru", True)),
                       "MultiHeadAttention": (_attention(False), _attention(True))}.items():
        built = {}
        for label, build in zip(("keras", "dlcourse"), pair):
            keras.utils.set_random_seed(0)
            model, shape = build()
            model.compile(optimizer="adam", loss="mse", jit_compile=False)
            x = np.random.default_rng(0).normal(size=(steps * 32, *shape)).astype("float32")
            y = np.zeros((len(x), 1), "float32")
            _time_fit(model, x[:64], y[:64])  # Warm-up: tracing.
            built[label] = (model, x, y)
        times, order = {k: [] for k in built}, list(built)
        for _ in range(repeats):
            for label in order:
                times[label].append(_time_fit(*built[label]))
            order.reverse()
        k, o = statistics.median(times["keras"]), statistics.median(times["dlcourse"])
        rows[name] = {"keras_ms": 1e3 * k, "dlcourse_ms": 1e3 * o, "ratio": o / k,
                      "ratio_of_minimums": min(times["dlcourse"]) / min(times["keras"])}
        print(f"{name:20s} keras {1e3 * k:8.2f} ms  ours {1e3 * o:8.2f} ms  ratio {o / k:5.2f} "
              f"{'ok' if o / k <= STEP_TIME_TARGET else f'> {STEP_TIME_TARGET}'}")
    return rows


def forecasting(quick):
    kwargs = dict(datasets=("sunspots",), recipes=("gru_forecaster",), epochs=2) if quick else {}
    table = studies.forecasting_table(out_dir=OUT / "forecasting", **kwargs)
    print(table.to_text())
    return {"rows": table.rows, "best": table.extra["best"]}


def _tiny_recipes():
    """Small stand-ins for --quick (a smoke run)."""
    training.register(training.Recipe(
        "bench_tiny_gpt", lambda shape, vocab: models.build_char_gpt(vocab, shape[0], d_model=16, num_layers=1),
        "smoke", dataset="fortunes", task="language_model", settings=dict(batch_size=64, optimizer="adam"),
        options=dict(sequence_length=32, ngram_order=3, sample_length=20)))
    training.register(training.Recipe(
        "bench_tiny_seq2seq", lambda lengths, vocab: models.build_seq2seq_transformer(
            vocab, vocab, *lengths, d_model=16, num_heads=2, num_layers=1, intermediate_dim=32),
        "smoke", dataset="reverse", task="seq2seq", settings=dict(batch_size=64, optimizer="adam",
                                                                   learning_rate=3e-3),
        options=dict(num_examples=512, eval_examples=64, max_length=4)))


def language_model(quick):
    kwargs = dict(recipe="bench_tiny_gpt", epochs=1, orders=(1, 3)) if quick else {}
    lm = studies.language_model_study(out_dir=OUT / "lm", **kwargs)
    print(lm.to_text())
    for temperature, text in lm.extra["samples"].items():
        print(f"--- T = {temperature}: The {text!r}")
    return {"rows": lm.rows, "samples": lm.extra["samples"], "metrics": lm.extra["metrics"]}


def seq2seq(quick):
    kwargs = dict(tasks=("reverse",), recipe="bench_tiny_seq2seq", epochs=1) if quick else {}
    result = studies.seq2seq_study(out_dir=OUT / "seq2seq", **kwargs)
    print(result.to_text())
    return {"rows": result.rows, "target": 0.99}


def vit(quick):
    config = training.make_config("vit", "digits" if quick else "fashion_mnist", epochs=1 if quick else None,
                                  warmup_steps=10 if quick else None, run_dir=str(OUT / "vit"))
    start = time.perf_counter()
    result = training.train(config, verbose=0 if quick else 2, restart=True)
    m = result.metrics
    print(f"vit on {config.dataset}: test accuracy {m['test_accuracy']:.4f} in {time.perf_counter() - start:.0f} s "
          f"({m['epochs_run']} epochs, {m['parameters']:,} parameters)")
    return {"dataset": config.dataset, "test_accuracy": m["test_accuracy"], "seconds": time.perf_counter() - start,
            "training_seconds": m["wall_seconds"], "epochs": m["epochs_run"], "target": 0.88}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: tiny settings, numbers mean nothing")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated among {', '.join(SECTIONS)}")
    args = parser.parse_args(argv)
    chosen = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(chosen) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown sections {unknown}; use {', '.join(SECTIONS)}")
    if args.quick:
        _tiny_recipes()
    run = {"step_time": step_time, "forecasting": forecasting, "lm": language_model, "seq2seq": seq2seq, "vit": vit}
    for section in chosen:
        print(f"== {section}")
        outcome = run[section](args.quick)
        # Sections run alone (`--only`), even at once, update their part of the file and keep
        # the others: the file is read again just before each write.
        previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        results = previous.get("results", {}) if previous.get("quick") == args.quick else {}
        results[section] = outcome
        write_json_atomic(RESULTS, {"benchmark": "sequences", "quick": args.quick, "keras_version": keras.__version__,
                                    "cpu_count": os.cpu_count(), "results": results})
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
