"""Test-wide settings: offline, quiet TensorFlow, headless plots."""

import os

os.environ["DLCOURSE_OFFLINE"] = "1"  # Tests never touch the network.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")
