"""The `classify_text` task: a raw text in, class probabilities out (a fortune's category).

    data      data.text_classification(dataset, split): raw strings and labels; each
              text becomes character ids (the training split's `CharVocabulary`),
              cut or padded to `max_length` (id 0 = padding)
    build     recipe.build((max_length,), num_classes, vocabulary size)
    compile   sparse categorical cross-entropy + accuracy
    metrics   test_loss, test_accuracy, and the majority-class accuracy to beat
    export    serve(texts: string (batch,)) -> probabilities (batch, num_classes): the
              tokenizer travels inside the export

Recipe options: `max_length` (default 256 characters), `categories` (a tuple of class
names, or `{dataset: tuple}`; default every category).
"""

import keras
import numpy as np
import tensorflow as tf

from dlcourse import data
from dlcourse.data.vocabulary import CharVocabulary
from dlcourse.training.tasks._sequence import SequenceInfo, option
from dlcourse.training.tasks.base import Task, check_replicas, register_task


class ClassifyTextTask(Task):
    name = "classify_text"
    export_command = None  # Read with tf.saved_model.load(path).serve(texts).

    def data(self, config, strategy=None):
        check_replicas(config, strategy)
        categories, max_length = option(config, "categories"), option(config, "max_length", 256)
        common = dict(batch_size=config.batch_size, seed=config.seed, categories=categories,
                      validation_size=config.validation_size)
        raw = {split: data.text_classification(config.dataset, split, drop_remainder=split == "train" and
                                               strategy is not None, **common)
               for split in ("train", "validation", "test")}
        vocabulary = CharVocabulary.from_texts(data.load_text(config.dataset, "train", config.validation_size).texts)
        to_ids = _tokenizer(vocabulary, max_length)
        splits = {}
        for split, ds in raw.items():
            splits[split] = ds.map(lambda texts, labels: (to_ids(texts), labels), num_parallel_calls=tf.data.AUTOTUNE)
            splits[split].epoch_counter = getattr(ds, "epoch_counter", None)  # `map` drops the attribute.
        labels = {s: np.concatenate([y.numpy() for _, y in data.text_classification(
            config.dataset, s, batch_size=4096, shuffle=False, categories=categories,
            validation_size=config.validation_size)]) for s in raw}
        majority = int(np.bincount(labels["train"]).argmax())
        info = SequenceInfo(name=config.dataset, source=data.info(config.dataset).source,
                            num_examples={s: len(y) for s, y in labels.items()},
                            input_shape=(max_length,), num_classes=len(raw["train"].class_names), kind="text",
                            class_names=tuple(raw["train"].class_names),
                            details={"vocabulary": vocabulary, "max_length": max_length,
                                     "majority_accuracy": float(np.mean(labels["test"] == majority))})
        return info, splits

    def build(self, config, info, recipe):
        return recipe.build(info.input_shape, info.num_classes, info.details["vocabulary"].size)

    def compile(self, model, config, make_optimizer):
        model.compile(optimizer=make_optimizer(), loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                      steps_per_execution=config.steps_per_execution, jit_compile=config.jit_compile)
        model.optimizer.build(model.trainable_variables)

    def metrics(self, config, info, model, splits):
        test = model.evaluate(splits["test"], verbose=0, return_dict=True)
        return {"test_loss": float(test["loss"]), "test_accuracy": float(test["accuracy"]),
                "majority_class_accuracy": info.details["majority_accuracy"]}

    def export(self, model, path, info, config):
        to_ids = _tokenizer(info.details["vocabulary"], info.details["max_length"])
        archive = keras.export.ExportArchive()
        archive.track(model)
        archive.track(to_ids.lookup)

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="texts")])
        def serve(texts):
            return model(to_ids(texts), training=False)

        archive.add_endpoint("serve", serve)
        archive.write_out(str(path), verbose=False)
        return {"class_names": list(info.class_names), "input": {"shape": [None], "dtype": "string"},
                "output": {"shape": [None, info.num_classes], "meaning": "class probabilities"},
                "max_length": info.details["max_length"], "vocabulary": "".join(info.details["vocabulary"].chars),
                "signature": "serve", "endpoints": ["serve"]}


def _tokenizer(vocabulary, max_length):
    """texts (batch,) -> int32 ids (batch, max_length): characters looked up, cut, padded with 0."""
    lookup = vocabulary.lookup_layer()
    lookup.build(None)

    def to_ids(texts):
        chars = tf.strings.unicode_split(texts, "UTF-8")[:, :max_length]
        return tf.cast(lookup(chars).to_tensor(default_value=0, shape=[None, max_length]), tf.int32)

    to_ids.lookup = lookup
    return to_ids


register_task(ClassifyTextTask())
