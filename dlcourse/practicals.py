"""Find and run the course's practicals (jupytext percent-format scripts in `practicals/`).

A practical starts with `settings()` and ends with `save_results()`, so the same file
runs as a notebook, as a script and from `dlcourse practical N`:

    FAST, OUT = practicals.settings("p4_cnn")   # reads the two variables below
    ...
    practicals.save_results(OUT, results)       # OUT/results.json, atomically

    DLCOURSE_FAST=1   small data and few steps (CI and a quick look)
    DLCOURSE_OUT=DIR  where figures (PNG) and the results table go
                      (default: figures/<practical> under the current folder)

In Jupyter, set fast mode in the first cell with `%env DLCOURSE_FAST=1` before the
setup cell runs, or start Jupyter with `DLCOURSE_FAST=1 jupyter lab`.
"""

import os
import re
import runpy
import sys
from pathlib import Path

from dlcourse.errors import DLCourseError

PRACTICALS_DIR = Path(__file__).resolve().parent.parent / "practicals"


def settings(name):
    """`(fast, out)` for practical `name`: fast mode on or off, and the figures folder.

    Both come from the environment (`DLCOURSE_FAST`, `DLCOURSE_OUT`); the folder is
    created. The default folder is `figures/<name>`, the same from a notebook and from
    `dlcourse practical N`. Call it before importing TensorFlow: it imports TensorFlow
    without its start-up log, which a notebook would otherwise show.
    """
    from dlcourse._quiet import quiet_tensorflow

    quiet_tensorflow()
    fast = os.environ.get("DLCOURSE_FAST", "0") == "1"
    out = Path(os.environ.get("DLCOURSE_OUT") or Path("figures") / name)
    out.mkdir(parents=True, exist_ok=True)
    return fast, out


def save_results(out, results):
    """Write a practical's `results` dict to `out/results.json` atomically; return the path."""
    from dlcourse._io import write_json_atomic

    return write_json_atomic(Path(out) / "results.json", results)


def find(number):
    """The path of practical `number` (1 to 6, or a part such as "4b"), e.g.
    `practicals/p1_gradient_descent_newton.py`."""
    key = str(number).strip().lower()
    matches = sorted(PRACTICALS_DIR.glob(f"p{key}_*.py")) if re.fullmatch(r"\d+[a-z]?", key) else []
    if not matches:
        available = ", ".join(p.name for p in sorted(PRACTICALS_DIR.glob("p*_*.py"))) or "none"
        raise DLCourseError(
            f"No practical {number} in {PRACTICALS_DIR}. Available: {available}; "
            "run from a source checkout (`pip install -e .`)."
        )
    return matches[0]


def run(number, fast=False, out=None):
    """Run practical `number` headless in this process; return the folder of its figures."""
    path = find(number)
    out = Path(out or Path("figures") / path.stem).resolve()
    out.mkdir(parents=True, exist_ok=True)
    saved = {k: os.environ.get(k) for k in ("DLCOURSE_FAST", "DLCOURSE_OUT", "MPLBACKEND")}
    os.environ["DLCOURSE_FAST"] = "1" if fast else "0"
    os.environ["DLCOURSE_OUT"] = str(out)
    os.environ.setdefault("MPLBACKEND", "Agg")  # Headless: files only, no windows.
    argv = sys.argv
    try:
        sys.argv = [str(path)]
        runpy.run_path(str(path), run_name="__main__")
    finally:
        sys.argv = argv
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return out
