"""Lecture 5's studies: forecasting against the baselines, a language model against n-grams,
seq2seq exact match, and attention maps. Every model trains through `dlcourse.training.train`.

    from dlcourse import studies
    table = studies.forecasting_table(out_dir="runs/forecasting")     # MAE on the final stretch
    lm = studies.language_model_study(out_dir="runs/lm")              # bits/char vs n-gram orders
    s2s = studies.seq2seq_study(out_dir="runs/seq2seq")               # exact match per task
    print(table.to_text(), lm.to_text(), s2s.to_text(), sep="\\n\\n")

Each returns a `SequenceStudy` (rows, figures, the JSON written in `out_dir`).
"""

import dataclasses
from pathlib import Path

import numpy as np

from dlcourse import data, layers
from dlcourse._io import write_json_atomic
from dlcourse.models.ngram import CharNGram
from dlcourse.training import make_config, train
from dlcourse.training.tasks.forecast import ForecastTask

FORECASTERS = ("rnn_forecaster", "lstm_forecaster", "gru_forecaster", "transformer_forecaster")


@dataclasses.dataclass
class SequenceStudy:
    """`rows` (dicts with the keys of `columns`), `extra` (samples, histories), files."""

    name: str
    rows: list
    columns: tuple
    extra: dict
    figure_paths: list
    json_path: Path

    def to_text(self):
        """The rows as an aligned plain-text table (floats to 4 digits)."""
        fmt = lambda v: f"{v:.4f}" if isinstance(v, float) else str(v)  # noqa: E731
        body = [[fmt(row.get(c, "")) for c in self.columns] for row in self.rows]
        widths = [max(len(r[i]) for r in [list(self.columns), *body]) for i in range(len(self.columns))]
        lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in [list(self.columns), *body]]
        return "\n".join([lines[0], "  ".join("-" * w for w in widths), *lines[1:]])


def _save(name, rows, columns, extra, figures, out):
    path = write_json_atomic(Path(out) / f"{name}.json", {"rows": rows, "extra": extra})
    return SequenceStudy(name, rows, columns, extra, figures, Path(path))


def forecasting_table(datasets=("sunspots", "co2"), recipes=FORECASTERS, epochs=None, seed=0,
                      out_dir="runs/forecasting"):
    """Each forecaster on each series, and the naive and seasonal-naive forecasts: test MAE
    (series units) on the held-out final stretch, one-step-ahead.

    Returns a `SequenceStudy`; `extra["best"]` names each dataset's best model and whether
    it beats both baselines. One figure per dataset: the test stretch and the forecasts.
    """
    out, rows, best, figures = Path(out_dir), [], {}, []
    for dataset in datasets:
        results = {r: train(make_config(r, dataset, epochs=epochs, seed=seed, run_dir=str(out / dataset / r)),
                            verbose=0) for r in recipes}
        first = next(iter(results.values())).metrics
        rows += [{"dataset": dataset, "model": "naive", "test_mae": first["naive_mae"]}]
        if "seasonal_naive_mae" in first:
            rows.append({"dataset": dataset, "model": "seasonal naive", "test_mae": first["seasonal_naive_mae"]})
        rows += [{"dataset": dataset, "model": r, "test_mae": res.metrics["test_mae"],
                  "parameters": res.metrics["parameters"], "seconds": res.metrics["wall_seconds"]}
                 for r, res in results.items()]
        winner = min(results, key=lambda r: results[r].metrics["test_mae"])
        baselines = [first["naive_mae"], first.get("seasonal_naive_mae", np.inf)]
        best[dataset] = {"model": winner, "test_mae": results[winner].metrics["test_mae"],
                         "beats_baselines": bool(results[winner].metrics["test_mae"] < min(baselines))}
        figures.append(_plot_forecasts(dataset, results[winner], winner, out / f"forecast_{dataset}.png"))
    return _save("forecasting", rows, ("dataset", "model", "test_mae", "parameters", "seconds"),
                 {"best": best}, figures, out)


def _plot_forecasts(dataset, result, name, path):
    from dlcourse import plots

    parts = data.split_series(dataset)  # The runner's split: default validation and test shares.
    window = int(result.model.inputs[0].shape[1])
    windows, targets = parts.windows("test", window, 1, scaled=False)
    forecast = ForecastTask.forecast(result.model, windows[..., 0], {"mean": parts.mean, "std": parts.std})
    fig, ax = plots.figure(size=(7.0, 3.2))
    ax.plot(targets[:, 0], "k-", label="actual")
    ax.plot(forecast[:, 0], "C0-", label=f"{name} (MAE {result.metrics['test_mae']:.2f})")
    ax.plot(windows[:, -1, 0], "C1:", label=f"naive (MAE {result.metrics['naive_mae']:.2f})")
    ax.set(title=f"{dataset}: one step ahead on the held-out final stretch", xlabel="test step")
    ax.legend(fontsize=8, loc="upper left")
    return plots.save_figure(fig, path)


def language_model_study(recipe="char_gpt", dataset="fortunes", epochs=None, orders=(1, 2, 3, 4, 5, 6), seed=0,
                         prompt="The ", out_dir="runs/language_model"):
    """The language model's validation bits per character against n-grams of each order.

    Returns a `SequenceStudy` (rows: model, bits per char; `extra["samples"]` at T = 0.5
    and 1.0); figures: bits per char by n-gram order with the model as a line, and the
    first block's attention on `prompt`.
    """
    out = Path(out_dir)
    result = train(make_config(recipe, dataset, epochs=epochs, seed=seed, run_dir=str(out / recipe)), verbose=0)
    vocabulary = data.char_lm_windows(dataset, sequence_length=8).vocabulary
    separator = data.SPECS[dataset].separator
    ids = {s: vocabulary.encode(separator.join(data.load_text(dataset, s).texts)) for s in ("train", "validation")}
    rows = [{"model": f"{n}-gram", "validation_bits_per_char":
             CharNGram(n).fit(ids["train"], vocabulary.size).bits_per_char(ids["validation"])} for n in orders]
    rows.append({"model": recipe, "validation_bits_per_char": result.metrics["validation_bits_per_char"],
                 "parameters": result.metrics["parameters"]})
    figures = [_plot_bits(rows, recipe, out / "bits_per_char.png")]
    prompt_ids = vocabulary.encode(prompt + result.metrics["samples"]["0.5"][:40])[None]
    scores = attention_maps(result.model, "block_1", prompt_ids)["self_attention"]
    labels = list(vocabulary.decode(prompt_ids[0]))
    figures.append(plot_attention(scores[0], labels, labels, out / "attention.png", f"{recipe}: block 1"))
    return _save("language_model", rows, ("model", "validation_bits_per_char", "parameters"),
                 {"samples": result.metrics["samples"], "metrics": result.metrics}, figures, out)


def _plot_bits(rows, recipe, path):
    from dlcourse import plots

    ngrams = [r for r in rows if r["model"].endswith("-gram")]
    fig, ax = plots.figure()
    ax.plot([int(r["model"].split("-")[0]) for r in ngrams], [r["validation_bits_per_char"] for r in ngrams],
            "o-", label="n-gram (Witten-Bell)")
    ax.axhline(rows[-1]["validation_bits_per_char"], color="C1", label=recipe)
    ax.set(xlabel="n-gram order", ylabel="validation bits per character")
    ax.legend(loc="upper right")
    return plots.save_figure(fig, path)


def seq2seq_study(tasks=("reverse", "sort", "add"), recipe="seq2seq_transformer", epochs=None, seed=0,
                  out_dir="runs/seq2seq", **overrides):
    """Exact match of greedy decoding on held-out questions, per synthetic task; one
    cross-attention map per task (reversal reads the source backwards: an anti-diagonal)."""
    out, rows, figures = Path(out_dir), [], []
    for task in tasks:
        result = train(make_config(recipe, task, epochs=epochs, seed=seed, run_dir=str(out / task), **overrides),
                       verbose=0)
        m = result.metrics
        rows.append({"task": task, "test_exact_match": m["test_exact_match"],
                     "test_token_accuracy": m["test_token_accuracy"], "epochs": m["epochs_run"],
                     "seconds": m["wall_seconds"]})
        figures.append(_plot_cross_attention(result.model, task, out / f"cross_attention_{task}.png"))
    return _save("seq2seq", rows, ("task", "test_exact_match", "test_token_accuracy", "epochs", "seconds"),
                 {}, figures, out)


def _plot_cross_attention(model, task, path):
    from dlcourse.data import seq_toy
    from dlcourse.models import greedy_decode

    source_length, target_length = (int(t.shape[1]) for t in model.inputs)
    max_length = (source_length - 1) // 2 if task == "add" else source_length
    source, _, _ = seq_toy.make_arrays(task, "test", 1, max_length=max_length)
    answer = np.asarray(greedy_decode(model, source, target_length))
    decoder_inputs = np.concatenate([[[seq_toy.START]], answer[:, :-1]], axis=1)
    last_block = [b.name for b in model.layers if isinstance(b, layers.TransformerDecoderBlock)][-1]
    scores = attention_maps(model, last_block, [source, decoder_inputs])["cross_attention"]
    rows, cols = len(seq_toy.decode(answer[0])) + 1, int(np.sum(source[0] > 0))
    labels = lambda ids, n: [seq_toy.TOKENS[i] for i in ids[:n]]  # noqa: E731
    return plot_attention(scores[0][:, :rows, :cols], labels(decoder_inputs[0], rows), labels(source[0], cols), path,
                          f"{task}: {last_block}, cross-attention")


def attention_maps(model, block_name, inputs):
    """The attention weights of block `block_name` of a functional transformer on `inputs`:
    `{"self_attention": (batch, heads, T, T)[, "cross_attention": (batch, heads, T, S)]}`.

    Padding (id 0) of token inputs is masked as in training.
    """
    import keras

    block = model.get_layer(block_name)
    arguments = block.input if isinstance(block.input, (list, tuple)) else [block.input]
    inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    features = keras.Model(model.inputs, arguments)(inputs)
    features = features if isinstance(features, (list, tuple)) else [features]
    masks = [np.asarray(i) != 0 for i in inputs]
    if len(features) == 2:  # Decoder with cross-attention: decoder inputs, then encoder outputs.
        return {k: np.asarray(v) for k, v in block.attention_scores(
            features[0], features[1], mask=masks[-1], encoder_outputs_mask=masks[0]).items()}
    return {k: np.asarray(v) for k, v in block.attention_scores(features[0], mask=masks[0]).items()}


def plot_attention(scores, query_labels, key_labels, path, title):
    """One heat map per head: weight of each key (columns) for each query (rows)."""
    from dlcourse import plots

    heads = scores.shape[0]
    fig, axes = plots.figure(ncols=heads, size=(3.0, 3.0))
    for h, ax in enumerate(np.atleast_1d(axes)):
        ax.imshow(scores[h], cmap="viridis", vmin=0, vmax=1)
        ax.set_xticks(range(len(key_labels)), [repr(c)[1:-1] for c in key_labels], fontsize=6, rotation=90)
        ax.set_yticks(range(len(query_labels)), [repr(c)[1:-1] for c in query_labels], fontsize=6)
        ax.set_title(f"{title}, head {h + 1}", fontsize=7)
    return plots.save_figure(fig, path)
