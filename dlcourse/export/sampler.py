"""Text from a character language model: in Python, inside an export, and from an export.

What goes in: a Keras model mapping character ids (batch, T) to next-character logits
(batch, T, vocab_size), and its `CharVocabulary`. What comes out of `write_language_model`,
in `path/` (a version folder, see `dlcourse.export.versions`):

    sample(prompt: string, length: int32, temperature: float32, seed: int32) -> string
        `length` characters continuing `prompt`; the tokenizer (a StringLookup and
        its inverse) is inside, so the export takes and gives raw text
    dlcourse.json: the vocabulary, the context length, the test bits per character

Read it back with `load_sampler(model_dir)` or `dlcourse sample MODEL_DIR --prompt TEXT`
(TensorFlow alone, no Keras). Sampling, for each new character:

    logits = model(ids[-context:])[-1]                     # the last position's prediction
    logits[padding] = logits[unknown] = -inf               # never emit those
    next = argmax(logits)                  if temperature == 0
           categorical(logits / temperature)  otherwise    # stateless: seed and step fix it

Low temperatures sharpen the distribution (repetitive, safe text), high ones flatten it.
"""

import json

import tensorflow as tf

from dlcourse._traced import traced
from dlcourse.errors import DLCourseError
from dlcourse.export.versions import METADATA_FILE, resolve_version

_SPECIAL_IDS = (0, 1)  # Padding and unknown (`CharVocabulary` and StringLookup layout).


def generate_ids(model, prompt_ids, length, temperature, seed, context):
    """`length` ids continuing the int32 ids `prompt_ids` (1-D, non-empty): tf, traceable."""
    prompt_ids = tf.convert_to_tensor(prompt_ids, tf.int32)
    temperature = tf.cast(temperature, tf.float32)
    seed = tf.cast(seed, tf.int32)

    def step(i, ids):
        logits = tf.cast(model(ids[None, -context:], training=False)[0, -1], tf.float32)  # (vocab,)
        vocab = tf.shape(logits)[0]
        banned = tf.reduce_any(tf.equal(tf.range(vocab)[:, None], tf.constant(_SPECIAL_IDS)[None]), axis=1)
        logits = tf.where(banned, tf.fill([vocab], -1e9), logits)
        sampled = tf.random.stateless_categorical(logits[None] / tf.maximum(temperature, 1e-6), 1,
                                                  seed=tf.stack([seed, i]))[0, 0]
        chosen = tf.cond(temperature > 0, lambda: tf.cast(sampled, tf.int32),
                         lambda: tf.cast(tf.argmax(logits), tf.int32))
        return i + 1, tf.concat([ids, chosen[None]], axis=0)

    _, ids = tf.while_loop(lambda i, _: i < length, step, [tf.constant(0), prompt_ids],
                           shape_invariants=[tf.TensorShape([]), tf.TensorShape([None])])
    return ids[tf.shape(prompt_ids)[0]:]


def sample(model, vocabulary, prompt, length=200, temperature=1.0, seed=0, context=None):
    """Text continuing `prompt`, from a Keras language model and its `CharVocabulary`.

    Args:
        model: ids (batch, T) -> logits (batch, T, vocabulary.size).
        vocabulary: the `CharVocabulary` it was trained with.
        prompt: non-empty text to continue.
        length: characters to add; temperature: >= 0 (0: always the most likely).
        seed: same seed, same text. context: most ids the model reads (default: all).

    Returns:
        The `length` new characters (a str).
    """
    _check(prompt, length, temperature)
    context = context or 1_000_000
    generate = traced(model, ("generate_ids", context),
                      lambda m, *args: generate_ids(m, *args, context),
                      [tf.TensorSpec([None], tf.int32), tf.TensorSpec([], tf.int32), tf.TensorSpec([], tf.float32),
                       tf.TensorSpec([], tf.int32)])
    ids = generate(tf.constant(vocabulary.encode(prompt), tf.int32), tf.constant(length, tf.int32),
                   tf.constant(temperature, tf.float32), tf.constant(seed, tf.int32))
    return vocabulary.decode(ids.numpy())


def write_language_model(model, path, vocabulary, context):
    """Write `model` with its tokenizer and a `sample` endpoint into `path`; return metadata."""
    import keras

    to_ids, to_chars = vocabulary.lookup_layer(), vocabulary.lookup_layer(invert=True)
    archive = keras.export.ExportArchive()
    archive.track(model)
    for lookup in (to_ids, to_chars):
        lookup.build(None)  # Their tables exist from the vocabulary; an export wants built layers.
        archive.track(lookup)

    @tf.function(input_signature=[tf.TensorSpec([], tf.string, name="prompt"),
                                  tf.TensorSpec([], tf.int32, name="length"),
                                  tf.TensorSpec([], tf.float32, name="temperature"),
                                  tf.TensorSpec([], tf.int32, name="seed")])
    def sample_endpoint(prompt, length, temperature, seed):
        prompt_ids = tf.cast(to_ids(tf.strings.unicode_split(prompt, "UTF-8")), tf.int32)
        ids = generate_ids(model, prompt_ids, length, temperature, seed, context)
        return tf.strings.reduce_join(to_chars(tf.cast(ids, tf.int64)))

    archive.add_endpoint("sample", sample_endpoint)
    archive.write_out(str(path), verbose=False)
    return {"vocabulary": "".join(vocabulary.chars), "context": int(context),
            "input": {"prompt": "text (string)", "length": "int32", "temperature": "float32 >= 0",
                      "seed": "int32"},
            "output": "the continuation (string)", "signature": "sample", "endpoints": ["sample"]}


class Sampler:
    """An exported language model, loaded with TensorFlow alone.

    Example:
        >>> sampler = load_sampler("saved_models/char_gpt")
        >>> sampler.sample("The ", length=80, temperature=0.5)
    """

    def __init__(self, path):
        self.path = path
        self.metadata = json.loads((path / METADATA_FILE).read_text())
        if "sample" not in self.metadata.get("endpoints", []):
            raise DLCourseError(f"{path} is not a language model export (it has no `sample` endpoint; "
                                f"its task is {self.metadata.get('task')!r}). Use `dlcourse predict` for classifiers.")
        self._module = tf.saved_model.load(str(path))

    def sample(self, prompt, length=200, temperature=1.0, seed=0):
        """`length` characters continuing `prompt` (see `sample`)."""
        _check(prompt, length, temperature)
        out = self._module.sample(tf.constant(prompt), tf.constant(length, tf.int32),
                                  tf.constant(temperature, tf.float32), tf.constant(seed, tf.int32))
        return out.numpy().decode("utf-8")


def load_sampler(model_dir, version=None):
    """A `Sampler` for the export in `model_dir` (the highest version unless `version`)."""
    return Sampler(resolve_version(model_dir, version))


def _check(prompt, length, temperature):
    if not prompt:
        raise DLCourseError("`prompt` must not be empty: the model continues a text. Received: prompt=''")
    if length < 1:
        raise DLCourseError(f"`length` must be at least 1. Received: length={length}")
    if not temperature >= 0:
        raise DLCourseError(f"`temperature` must be 0 or more (0: most likely character). "
                            f"Received: temperature={temperature}")
