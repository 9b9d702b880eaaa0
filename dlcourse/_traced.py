"""One traced `tf.function` per model for loops that call the model step by step.

Run eagerly, a decoding loop pays Python for every op of every step: a one-block GPT
samples 0.12 s a character that way (measured on 2 CPU cores), traced a few ms. The
functions are cached per model and key; the cache holds the model weakly, so a model
and its functions go together.
"""

import weakref

import tensorflow as tf

_CACHE = weakref.WeakKeyDictionary()  # model -> {key: tf.function}


def traced(model, key, fn, input_signature):
    """`fn(model, *args)` as a `tf.function` of `*args` with `input_signature`, made once per
    `(model, key)`; `key` names what else `fn` bakes in (e.g. a context length)."""
    functions = _CACHE.setdefault(model, {})
    if key not in functions:
        ref = weakref.ref(model)  # The function must not keep its model (the cache's key) alive.
        functions[key] = tf.function(lambda *args: fn(ref(), *args), input_signature=input_signature)
    return functions[key]
