"""The `language_model` task: characters in, the next character at every position out.

    data      data.char_lm_windows(dataset, split, sequence_length): non-overlapping
              windows, targets shifted by one; the vocabulary of the training split
    build     recipe.build((sequence_length,), vocabulary size)
    compile   sparse cross-entropy on logits + next-character accuracy
    metrics   validation and test bits per character (cross-entropy / ln 2), the same
              for a count-based n-gram fitted on the training text (the baseline to
              beat), and samples at temperatures 0.5 and 1.0
    export    sample(prompt string, length, temperature, seed) -> string, tokenizer
              inside; read by `dlcourse sample` (`dlcourse.export.sampler`)

Recipe options: `sequence_length` (default 100), `ngram_order` (default 5; 0: no
baseline), `sample_prompt`, `sample_length`, `train_characters` (train on the first N
characters only; validation and test stay whole).
"""

import math

import keras

from dlcourse import data
from dlcourse.export.sampler import sample, write_language_model
from dlcourse.models.ngram import CharNGram
from dlcourse.training.tasks._sequence import SequenceInfo, option
from dlcourse.training.tasks.base import Task, check_replicas, register_task

SAMPLE_TEMPERATURES = (0.5, 1.0)


class LanguageModelTask(Task):
    name = "language_model"
    export_command = "sample"

    def data(self, config, strategy=None):
        check_replicas(config, strategy)
        length = option(config, "sequence_length", 100)
        common = dict(sequence_length=length, batch_size=config.batch_size, seed=config.seed,
                      validation_size=config.validation_size)
        # `train_characters`: train on the first characters only (a quick look); validation
        # and test stay whole, so bits per character remain comparable.
        train_characters = option(config, "train_characters", None)
        train = data.char_lm_windows(config.dataset, "train", drop_remainder=strategy is not None,
                                     max_characters=train_characters, **common)
        vocabulary = train.vocabulary
        splits = {"train": train}
        for split in ("validation", "test"):
            splits[split] = data.char_lm_windows(config.dataset, split, vocabulary=vocabulary, **common)
        counts = {s: ds.num_windows for s, ds in splits.items()}
        info = SequenceInfo(name=config.dataset, source=data.info(config.dataset).source, num_examples=counts,
                            input_shape=(length,), num_classes=vocabulary.size, kind="text",
                            details={"vocabulary": vocabulary, "sequence_length": length})
        return info, splits

    def compile(self, model, config, make_optimizer):
        model.compile(optimizer=make_optimizer(),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                      metrics=["accuracy"], steps_per_execution=config.steps_per_execution,
                      jit_compile=config.jit_compile)
        model.optimizer.build(model.trainable_variables)

    def metrics(self, config, info, model, splits):
        vocabulary, length = info.details["vocabulary"], info.details["sequence_length"]
        result = {}
        for split in ("validation", "test"):
            scores = model.evaluate(splits[split], verbose=0, return_dict=True)
            result[f"{split}_bits_per_char"] = float(scores["loss"]) / math.log(2)
            result[f"{split}_accuracy"] = float(scores["accuracy"])
        result["test_loss"] = result["test_bits_per_char"] * math.log(2)
        order = option(config, "ngram_order", 5)
        if order:
            result.update(ngram_bits_per_char(config, vocabulary, order))
        prompt = option(config, "sample_prompt", "The ")
        result["samples"] = {str(t): sample(model, vocabulary, prompt, option(config, "sample_length", 200), t,
                                            seed=config.seed, context=length) for t in SAMPLE_TEMPERATURES}
        return result

    def export(self, model, path, info, config):
        return write_language_model(model, path, info.details["vocabulary"], info.details["sequence_length"])


def ngram_bits_per_char(config, vocabulary, order):
    """Validation and test bits per character of a `CharNGram` counted on the training text."""
    separator = data.SPECS[config.dataset].separator
    def text(split):
        return separator.join(data.load_text(config.dataset, split, config.validation_size).texts)

    ngram = CharNGram(order).fit(vocabulary.encode(text("train")), vocabulary.size)
    return {"ngram_order": order,
            **{f"ngram_{split}_bits_per_char": ngram.bits_per_char(vocabulary.encode(text(split)))
               for split in ("validation", "test")}}


register_task(LanguageModelTask())
