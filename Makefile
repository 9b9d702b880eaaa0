# dlcourse: the two commands a newcomer needs.
#   make demo   install, train the course MLP on real data, evaluate, export, classify test images
#   make test   install, then run the whole test suite
# Both do all their set-up: a virtual environment in .venv, `pip install -e ".[dev]"`, and,
# where the machine has apt and root, Debian's dataset-fashion-mnist.

VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin

.PHONY: demo test setup data benchmarks clean

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

test: setup data
	$(PY) -m pytest -n 2 -q --durations=15

benchmarks: setup data
	$(PY) benchmarks/spine.py

clean:
	rm -rf $(VENV) runs figures benchmarks/results
