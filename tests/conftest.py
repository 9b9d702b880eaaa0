"""Test-wide settings: offline, quiet TensorFlow, headless plots."""

import os

os.environ["DLCOURSE_OFFLINE"] = "1"  # Tests never touch the network.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")
# One thread per op in each of the two xdist workers (and in the processes they start):
# two workers with TensorFlow's default pool each (one thread per core) ask for twice the
# cores. Measured on 2 cores, `make test` took 399 s with one thread against 457 s without.
os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

# The longest tests (the practicals in fast mode, 20-100 s each, and the kill-and-resume
# runs) start first: pytest-xdist then shares them between its workers instead of leaving
# one worker alone with a long test at the end.
_LONG_FIRST = ("tests/practicals/test_p", "tests/training/test_resume.py")


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: not item.nodeid.startswith(_LONG_FIRST))
