"""Helpers shared by the test suite (kept in the package so every test stays a few lines)."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args, env=None, timeout=600):
    """Run `dlcourse ARGS...` in a fresh process; return the CompletedProcess (text)."""
    full_env = {**os.environ, "DLCOURSE_OFFLINE": "1", "TF_CPP_MIN_LOG_LEVEL": "2", **(env or {})}
    return subprocess.run([sys.executable, "-m", "dlcourse.cli", *map(str, args)], capture_output=True,
                          text=True, env=full_env, timeout=timeout, cwd=REPO_ROOT)


def run_python(code, env=None, timeout=600):
    """Run Python `code` in a fresh process (e.g. to control TensorFlow start-up)."""
    full_env = {**os.environ, "DLCOURSE_OFFLINE": "1", "TF_CPP_MIN_LOG_LEVEL": "2", **(env or {})}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=full_env, timeout=timeout, cwd=REPO_ROOT)


def max_weight_difference(model_a, model_b):
    """The largest absolute difference between corresponding weights of two models."""
    return max(float(np.max(np.abs(np.asarray(a) - np.asarray(b))))
               for a, b in zip(model_a.get_weights(), model_b.get_weights()))


def forward_and_gradients(layer, x, training):
    """A layer's output and d(sum(y * c))/d[x, trainable weights...] for a fixed `c`.

    The same fixed, non-constant `c` for ours and the Keras twin makes the gradient
    comparison check every output position, not just their sum.
    """
    import tensorflow as tf

    x = tf.convert_to_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = layer(x, training=training)
        c = tf.cast(tf.reshape(tf.range(tf.size(y)) % 7 - 3, tf.shape(y)), y.dtype)
        loss = tf.reduce_sum(y * c)
    return y, tape.gradient(loss, [x] + layer.trainable_weights)


def assert_layers_match(ours, reference, x, training, atol):
    """Our layer and its Keras twin give the same output and gradients (inputs and
    weights) to `atol`; returns our output for further checks."""
    y_ref, g_ref = forward_and_gradients(reference, x, training)
    y_ours, g_ours = forward_and_gradients(ours, x, training)
    np.testing.assert_allclose(y_ours, y_ref, atol=atol)
    assert len(g_ours) == len(g_ref)
    for a, b in zip(g_ours, g_ref):
        np.testing.assert_allclose(a, b, atol=atol)
    return y_ours
