"""Test-wide settings: offline, quiet TensorFlow, headless plots."""

import os

os.environ["DLCOURSE_OFFLINE"] = "1"  # Tests never touch the network.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")

# The longest tests (the practicals in fast mode, 20-100 s each, and the kill-and-resume
# runs) start first: pytest-xdist then shares them between its workers instead of leaving
# one worker alone with a long test at the end.
_LONG_FIRST = ("tests/practicals/test_p", "tests/training/test_resume.py")


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: not item.nodeid.startswith(_LONG_FIRST))
