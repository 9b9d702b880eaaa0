# dlcourse: the two commands a newcomer needs.
#   make demo   install, train the course MLP on real data, evaluate, export, classify test images
#   make test   install, then run the whole test suite
# Both do all their set-up: a virtual environment in .venv, `pip install -e ".[dev]"`, and,
# where the machine has apt and root, Debian's dataset-fashion-mnist.

VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin

.PHONY: demo test test-slow setup data benchmarks clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

data:
	@bash scripts/install-data.sh

demo: setup data
	@PATH="$(abspath $(BIN)):$$PATH" bash scripts/demo.sh

# The whole suite but the few `slow` end-to-end tests (two-process multi-worker training,
# distributed keras-tuner search, kills of searches and GAN runs). Measured on 2 cores, nothing
# else running: 399 s (1,439 tests; the practicals in fast mode are about 40 % of the work).
test: setup data
	$(PY) -m pytest -n 2 -q -m "not slow" --durations=15

# Only the slow end-to-end tests (about 15 minutes on 2 cores).
test-slow: setup data
	$(PY) -m pytest -n 2 -q -m slow --durations=15

benchmarks: setup data
	$(PY) benchmarks/spine.py

clean:
	rm -rf $(VENV) runs figures benchmarks/results
