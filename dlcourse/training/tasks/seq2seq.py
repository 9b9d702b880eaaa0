"""The `seq2seq` task: a synthetic question in, its answer out (reverse, sort, add).

    data      data.seq_toy.make_dataset(task, split): ((source, decoder_inputs), targets),
              splits disjoint by question; the dataset name is the task (`reverse`,
              `sort`, `add`)
    build     recipe.build((source_length, target_length), number of tokens)
    compile   sparse cross-entropy on logits, padding ignored (teacher forcing)
    metrics   exact match of greedy decoding (the whole answer right) on held-out
              questions, and token accuracy
    export    serve(questions: string (batch,), e.g. "31415" or "123+45") -> answers
              string (batch,): tokenizing, greedy decoding and detokenizing inside

Recipe options: `num_examples` (training questions), `eval_examples` (validation and
test), `min_length`, `max_length`.
"""

import keras
import numpy as np
import tensorflow as tf

from dlcourse.data import seq_toy
from dlcourse.errors import DLCourseError
from dlcourse.models.transformer_models import greedy_decode
from dlcourse.training.tasks._sequence import SequenceInfo, option
from dlcourse.training.tasks.base import Task, check_replicas, register_task


class Seq2SeqTask(Task):
    name = "seq2seq"
    export_command = None  # Read with tf.saved_model.load(path).serve(questions).

    def data(self, config, strategy=None):
        check_replicas(config, strategy)
        if config.dataset not in seq_toy.TASKS:
            raise DLCourseError(f"Recipe {config.recipe!r} trains on a synthetic task. "
                                f"Use --dataset {' or '.join(seq_toy.TASKS)}. Received: {config.dataset!r}")
        lengths = dict(min_length=option(config, "min_length", 3), max_length=option(config, "max_length", 8))
        counts = {"train": option(config, "num_examples", 20_000)}
        counts["validation"] = counts["test"] = option(config, "eval_examples", 1_000)
        splits = {split: seq_toy.make_dataset(config.dataset, split, counts[split], config.batch_size,
                                              seed=config.seed, drop_remainder=split == "train" and
                                              strategy is not None, **lengths)
                  for split in counts}
        source_length, target_length = seq_toy.lengths(config.dataset, lengths["max_length"])
        info = SequenceInfo(name=config.dataset, source="synthetic (dlcourse.data.seq_toy)", num_examples=counts,
                            input_shape=(source_length, target_length), num_classes=len(seq_toy.TOKENS),
                            kind="seq2seq", details={**lengths, "seed": config.seed})
        return info, splits

    def compile(self, model, config, make_optimizer):
        model.compile(optimizer=make_optimizer(),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=seq_toy.PAD),
                      steps_per_execution=config.steps_per_execution, jit_compile=config.jit_compile)
        model.optimizer.build(model.trainable_variables)

    def metrics(self, config, info, model, splits):
        result = {"test_loss": float(model.evaluate(splits["test"], verbose=0, return_dict=True)["loss"])}
        for split in ("validation", "test"):
            source, _, targets = seq_toy.make_arrays(config.dataset, split, info.num_examples[split],
                                                     seed=info.details["seed"], min_length=info.details["min_length"],
                                                     max_length=info.details["max_length"])
            exact, tokens = exact_match(model, source, targets)
            result[f"{split}_exact_match"], result[f"{split}_token_accuracy"] = exact, tokens
        result["examples"] = _examples(model, source[:3], targets[:3])
        return result

    def export(self, model, path, info, config):
        source_length, target_length = info.input_shape
        columns = info.details["max_length"] if config.dataset == "add" else 0
        archive = keras.export.ExportArchive()
        archive.track(model)

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="questions")])
        def serve(questions):
            questions = tf.strings.regex_replace(questions, r"\s", "")
            if columns:  # add: "123+45" -> "32100+54000", and the answer back from "861000" to "168".
                operands = [tf.strings.regex_replace(questions, r"\+.*", ""),
                            tf.strings.regex_replace(questions, r"^[^+]*\+", "")]
                questions = tf.strings.join([_reversed(_zero_pad(n, columns)) for n in operands], separator="+")
            return _detokenize(greedy_decode(model, _tokenize(questions, source_length), target_length),
                               reverse=bool(columns))

        archive.add_endpoint("serve", serve)
        archive.write_out(str(path), verbose=False)
        example = {"reverse": "31415 -> 51413", "sort": "31415 -> 11345", "add": "123+45 -> 168"}[config.dataset]
        return {"input": {"shape": [None], "dtype": "string", "example": example,
                          "max_length": info.details["max_length"]},
                "output": "the answers (strings)", "tokens": list(seq_toy.TOKENS),
                "signature": "serve", "endpoints": ["serve"]}


def exact_match(model, source, targets, batch_size=500):
    """(fraction of answers entirely right, fraction of answer tokens right), greedy decoding."""
    predicted = np.concatenate([np.asarray(greedy_decode(model, source[i:i + batch_size], targets.shape[1]))
                                for i in range(0, len(source), batch_size)])
    real = targets != seq_toy.PAD  # Answer tokens and <end>; anything after <end> is ignored.
    right = (predicted == targets) | ~real
    return float(np.mean(right.all(axis=1))), float(np.sum((predicted == targets) & real) / np.sum(real))


def _examples(model, source, targets):
    """A few held-out questions with the true and the greedy answer, as text."""
    predicted = np.asarray(greedy_decode(model, source, targets.shape[1]))
    return [{"question": seq_toy.decode(q), "answer": seq_toy.decode(t), "predicted": seq_toy.decode(p)}
            for q, t, p in zip(source, targets, predicted)]


def _tokenize(questions, source_length):
    """Strings of digits and "+" -> padded token ids (digit d -> 3 + d, "+" -> 13)."""
    codes = tf.strings.unicode_decode(questions, "UTF-8")
    tokens = tf.ragged.map_flat_values(lambda c: tf.where(c == ord("+"), seq_toy.PLUS, c - ord("0") + 3), codes)
    return tf.cast(tokens.to_tensor(default_value=seq_toy.PAD, shape=[None, source_length]), tf.int32)


def _zero_pad(numbers, width):
    """Strings of digits, left-padded with zeros to `width` characters."""
    padded = tf.strings.join(["0" * width, numbers])
    return tf.strings.substr(padded, tf.strings.length(padded) - width, tf.fill(tf.shape(padded), width))


def _reversed(strings):
    """Each (ASCII) string backwards."""
    return tf.strings.reduce_join(tf.reverse(tf.strings.bytes_split(strings).to_tensor(""), [1]), axis=1)


def _detokenize(ids, reverse=False):
    """Token ids -> strings, cut at the first <end>; `reverse`: digits least significant
    first -> the number as written, leading zeros dropped."""
    ended = tf.cumsum(tf.cast(ids == seq_toy.END, tf.int32), axis=1) > 0
    text = tf.where(ended, "", tf.gather(tf.constant(["", "", "", *"0123456789", "+"]), ids))
    if reverse:
        return tf.strings.regex_replace(tf.strings.reduce_join(tf.reverse(text, [1]), axis=1), "^0+(.)", r"\1")
    return tf.strings.reduce_join(text, axis=1)


register_task(Seq2SeqTask())
