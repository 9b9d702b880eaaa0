"""Recipes of lecture 5 (sequences), each on its task:

    dlcourse train lstm_forecaster --dataset co2       # also rnn_, gru_, transformer_forecaster
    dlcourse train char_gpt                            # character language model on fortunes
    dlcourse train seq2seq_transformer --dataset add   # reverse, sort or add
    dlcourse train fortune_classifier                  # a fortune's category from its text
    dlcourse train vit                                 # vision transformer on Fashion-MNIST

Forecasters read a window of the series (two sunspot cycles; one year of weekly CO2) and
forecast the next value; their metrics put the naive and seasonal-naive MAE beside theirs.
Importing this module registers them.
"""

from dlcourse.models.sequence import build_rnn_forecaster, build_text_classifier, build_transformer_forecaster
from dlcourse.models.transformer_models import build_char_gpt, build_seq2seq_transformer
from dlcourse.models.vit import build_vit
from dlcourse.training.recipes import Recipe, register

FORECAST_WINDOWS = {"sunspots": 22, "co2": 52}
_FORECAST = dict(epochs=150, batch_size=32, optimizer="adam", learning_rate=1e-3, jit_compile=False)
_FORECAST_CO2 = dict(epochs=40)

for _cell, _what in (("rnn", "simple RNN"), ("lstm", "LSTM"), ("gru", "GRU")):
    register(Recipe(
        name=f"{_cell}_forecaster",
        build=lambda input_shape, horizon, cell=_cell: build_rnn_forecaster(input_shape[0], horizon, cell=cell),
        description=f"a {_what} (32 units, our cell) forecasting the next value of a series; Adam 1e-3",
        dataset="sunspots", settings=dict(_FORECAST), per_dataset={"co2": dict(_FORECAST_CO2)},
        task="forecast", options={"window": FORECAST_WINDOWS, "horizon": 1},
    ))

register(Recipe(
    name="transformer_forecaster",
    build=lambda input_shape, horizon: build_transformer_forecaster(input_shape[0], horizon),
    description="a 2-block pre-norm transformer encoder forecasting the next value of a series; Adam 1e-3",
    dataset="sunspots", settings=dict(_FORECAST), per_dataset={"co2": dict(_FORECAST_CO2)},
    task="forecast", options={"window": FORECAST_WINDOWS, "horizon": 1},
))

register(Recipe(
    name="char_gpt",
    build=lambda input_shape, vocab_size: build_char_gpt(vocab_size, input_shape[0], d_model=128, num_heads=4,
                                                         num_layers=4, dropout=0.0),
    description="a tiny GPT (4 causal blocks, width 128, 839k parameters) on the characters of fortunes; AdamW 3e-3",
    dataset="fortunes",
    # Measured here (2 epochs): lr 3e-3 without dropout reached 2.77 validation bits/char, lr 1e-3 with
    # dropout 0.1 3.73 after one; 1.85M training characters hardly overfit 839k parameters in 10 epochs.
    # After the 10 epochs: 2.19 validation bits/char, against 2.39 and 2.35 for the 5- and 6-gram.
    settings=dict(epochs=10, batch_size=64, optimizer="adamw", learning_rate=3e-3, schedule="cosine",
                  warmup_steps=200, clipnorm=1.0, jit_compile=False, steps_per_execution=32),
    task="language_model", options={"sequence_length": 128, "ngram_order": 5},
))

register(Recipe(
    name="seq2seq_transformer",
    build=lambda lengths, vocab_size: build_seq2seq_transformer(vocab_size, vocab_size, *lengths, d_model=64,
                                                                num_heads=4, num_layers=2, intermediate_dim=128),
    description="an encoder-decoder transformer (2+2 blocks, width 64) on reverse / sort / add; Adam 1e-3",
    dataset="reverse",
    settings=dict(epochs=15, batch_size=64, optimizer="adam", learning_rate=1e-3, warmup_steps=300,
                  schedule="cosine", jit_compile=False, steps_per_execution=32),
    task="seq2seq", options={"num_examples": 20_000, "eval_examples": 1_000, "min_length": 3, "max_length": 8},
))

register(Recipe(
    name="fortune_classifier",
    build=lambda input_shape, num_classes, vocab_size: build_text_classifier(vocab_size, num_classes, input_shape[0]),
    description="a character bidirectional GRU (our cell) naming a fortune's category from its text; Adam 1e-3",
    dataset="fortunes",
    settings=dict(epochs=10, batch_size=32, optimizer="adam", learning_rate=1e-3, jit_compile=False,
                  steps_per_execution=16),
    task="classify_text",
    # Four categories a reader tells apart by style: dictionary entries, Zippy's non
    # sequiturs, Star Trek quotes, computing jokes (3,029 fortunes; majority class 40 %).
    options={"max_length": 256, "categories": {"fortunes": ("computers", "definitions", "startrek", "zippy")}},
))

register(Recipe(
    name="vit",
    build=lambda input_shape, num_classes: build_vit(input_shape, num_classes, dropout=0.0),
    description="a vision transformer (4x4 patches, 4 pre-norm blocks, width 64, 139,018 parameters); AdamW 1e-3",
    # Measured on Fashion-MNIST with dropout 0.1 and 15 epochs: 0.876 test accuracy, training
    # 0.885: underfitting, not overfitting, so no dropout and 20 epochs. Measured so: 0.891 test
    # accuracy (training 0.96), about 80 s an epoch on 2 cores.
    settings=dict(epochs=20, batch_size=128, optimizer="adamw", learning_rate=1e-3, schedule="cosine",
                  warmup_steps=500, jit_compile=False, steps_per_execution=32),
    per_dataset={"digits": dict(epochs=40, batch_size=32, warmup_steps=100)},
))
