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
