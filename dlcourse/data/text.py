"""Text datasets: documents with categories, as char-LM windows or for classification.

    load_text(name, split)        a `TextCorpus`: iterate it for (text, category) pairs
    char_lm_windows(name, split)  (inputs, targets) int32 (batch, sequence_length),
                                  targets = inputs shifted by one character
    text_classification(name, split)   (texts tf.string (batch,), labels int32 (batch,))

Splits are deterministic and disjoint by document: the source's test split (TFDS's, or a
fixed 20 % of a strfile folder), and a validation split carved from train by a fixed
permutation, as for images. A language model reads a split's documents joined by the
dataset's separator (`"\\n%\\n"` for fortunes, as in the files) and cut into
non-overlapping windows; the vocabulary comes from the training split only.

Example:

    train = data.char_lm_windows("fortunes", "train", sequence_length=100, batch_size=64)
    vocab = train.vocabulary          # a CharVocabulary; vocab.lookup_layer() for an export
"""

import functools

import numpy as np

from dlcourse.data.catalog import DatasetInfo
from dlcourse.data.load import DEFAULT_VALIDATION_SIZE, _check_split, _get_spec, _resolve, _validation_indices
from dlcourse.data.sources_text import TextCorpus
from dlcourse.data.vocabulary import CharVocabulary
from dlcourse.errors import DLCourseError


@functools.lru_cache(maxsize=None)
def text_splits(name):
    """`(train, test, class_names)` of text dataset `name`, from the first source present."""
    spec, source = _resolve(name, "text")
    train, test = source.load(spec)
    class_names = spec.class_names or tuple(sorted(set(train.categories + test.categories) - {""}))
    return train, test, class_names


def load_text(name, split=None, validation_size=DEFAULT_VALIDATION_SIZE):
    """The documents of `name` (all of them, or one split) as a `TextCorpus` of (text, category).

    Example:

        for text, category in data.load_text("fortunes", "validation"): ...
    """
    train, test, _ = text_splits(name)
    if split is None:
        return TextCorpus(train.texts + test.texts, train.categories + test.categories, train.source)
    _check_split(split)
    if split == "test":
        return test
    train_idx, val_idx = _validation_indices(len(train), validation_size)
    return train.take(train_idx if split == "train" else val_idx)


def char_lm_windows(name, split="train", sequence_length=100, batch_size=64, shuffle=None, seed=0,
                    vocabulary=None, validation_size=DEFAULT_VALIDATION_SIZE, drop_remainder=False,
                    epoch_counter=None, max_characters=None):
    """Character language-model windows of one split: inputs and the next character of each.

    Args:
        name: a text dataset (`fortunes`, `tiny_shakespeare`, `imdb_reviews`).
        split: `train`, `validation` or `test`.
        sequence_length: characters per window.
        vocabulary: a `CharVocabulary`; default: the training split's characters.
        max_characters: keep only the split's first characters (a quick look); None: all.
        batch_size, shuffle, seed, validation_size, drop_remainder, epoch_counter: as in `data.load`.

    Returns:
        Batches of int32 `(inputs, targets)` of shape (batch, sequence_length), where
        `targets[:, i]` is the character after `inputs[:, i]`; `dataset.vocabulary` is the
        vocabulary used, `dataset.num_windows` the number of windows (before batching).
    """
    from dlcourse.data.pipeline import make_batches

    if sequence_length < 1:
        raise DLCourseError(f"`sequence_length` must be at least 1. Received: sequence_length={sequence_length}")
    separator = _get_spec(name).separator
    if vocabulary is None:
        train = load_text(name, "train", validation_size)
        vocabulary = CharVocabulary.from_texts([separator.join(train.texts)])
    ids = vocabulary.encode(separator.join(load_text(name, split, validation_size).texts))
    if max_characters is not None:
        if max_characters < 2:
            raise DLCourseError(f"`max_characters` must be at least 2. Received: max_characters={max_characters}")
        ids = ids[:max_characters]
    count = (len(ids) - 1) // sequence_length
    if count == 0:
        raise DLCourseError(f"{name} {split}: {len(ids)} characters make no window of {sequence_length}. "
                            "Use a shorter sequence_length.")
    inputs = ids[: count * sequence_length].reshape(count, sequence_length)
    targets = ids[1 : count * sequence_length + 1].reshape(count, sequence_length)
    ds = make_batches((inputs, targets), batch_size, shuffle=split == "train" if shuffle is None else shuffle,
                      seed=seed, drop_remainder=drop_remainder, epoch_counter=epoch_counter)
    ds.vocabulary, ds.num_windows = vocabulary, count
    return ds


def text_classification(name, split="train", batch_size=32, shuffle=None, seed=0, categories=None,
                        validation_size=DEFAULT_VALIDATION_SIZE, drop_remainder=False, epoch_counter=None):
    """Raw texts and their category index, for a model that tokenises inside itself.

    Args:
        name: a text dataset with categories (`fortunes`, `imdb_reviews`).
        categories: the class names to keep, in label order; default all of them.
        Other arguments as in `data.load`.

    Returns:
        Batches of `(texts, labels)`: tf.string (batch,) and int32 (batch,);
        `dataset.class_names` names the labels. Raw strings in, so an exported model
        (with `keras.layers.TextVectorization` or a `CharVocabulary.lookup_layer()`)
        takes raw strings too.
    """
    from dlcourse.data.pipeline import make_batches

    class_names = _class_names(name, categories)
    corpus = load_text(name, split, validation_size)
    index = {c: i for i, c in enumerate(class_names)}
    keep = [i for i, c in enumerate(corpus.categories) if c in index]
    texts = _strings([corpus.texts[i] for i in keep])
    labels = np.array([index[corpus.categories[i]] for i in keep], dtype=np.int32)
    ds = make_batches((texts, labels), batch_size,
                      shuffle=split == "train" if shuffle is None else shuffle, seed=seed,
                      drop_remainder=drop_remainder, epoch_counter=epoch_counter)
    ds.class_names = class_names
    return ds


def _strings(texts):
    import tensorflow as tf

    return tf.constant(list(texts), dtype=tf.string)


def _class_names(name, categories):
    _, _, class_names = text_splits(name)
    if not class_names:
        raise DLCourseError(f"{name!r} has no categories to classify. Use a dataset with categories "
                            "(fortunes, imdb_reviews) or char_lm_windows.")
    if categories is None:
        return class_names
    unknown = [c for c in categories if c not in class_names]
    if unknown or len(set(categories)) < 2:
        raise DLCourseError(f"`categories` must be at least two of {name}'s categories: {', '.join(class_names)}. "
                            f"Received: {list(categories)}")
    return tuple(categories)


def text_info(name, validation_size=DEFAULT_VALIDATION_SIZE):
    """A `DatasetInfo` of a text dataset: documents per split, categories, source."""
    spec = _get_spec(name, "text")
    train, test, class_names = text_splits(name)
    train_idx, val_idx = _validation_indices(len(train), validation_size)
    return DatasetInfo(name=name, description=spec.description, input_shape=(), class_names=class_names,
                       num_examples={"train": len(train_idx), "validation": len(val_idx), "test": len(test)},
                       source=train.source, kind="text")
