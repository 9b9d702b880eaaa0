"""Practical 1 executed as a notebook, the way a student runs it (jupytext, then a Jupyter
kernel through nbclient) in fast mode: every figure it saves comes back as an `image/png`
output, and no cell shows a traceback, a stray `Out[...]` path or TensorFlow's log.

The kernel gets neither `MPLBACKEND` nor `TF_CPP_MIN_LOG_LEVEL` (the test process sets
both): the notebook must show its figures with Jupyter's own backend and keep TensorFlow
quiet by itself. p1 is the cheapest practical (about 20 s of CPU in fast mode).
"""

import os
import re

import jupytext
import nbclient
import pytest

from dlcourse import practicals

# What TensorFlow writes when nobody silences it: C++ log lines ("I0000 00:00:...
# port.cc:153] oneDNN custom operations are on", "E0000 ... cuInit"), the absl
# preamble, and Python warnings such as "triggered tf.function retracing".
NOISE = re.compile(r"^[IWEF]\d{4} |absl::InitializeLog|oneDNN|cuda|retracing|tensorflow:|Traceback",
                   re.MULTILINE | re.IGNORECASE)


def _execute(path, out):
    notebook = jupytext.read(path)
    env = {k: v for k, v in os.environ.items() if k not in ("MPLBACKEND", "TF_CPP_MIN_LOG_LEVEL")}
    env.update(DLCOURSE_FAST="1", DLCOURSE_OUT=str(out))
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(out)}})
    client.execute(env=env)
    return notebook


def _outputs(notebook):
    return [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]


def test_p1_as_a_notebook_shows_its_figures_and_no_noise(tmp_path):
    notebook = _execute(practicals.find(1), tmp_path)
    outputs = _outputs(notebook)
    saved = sorted(tmp_path.glob("*.png"))
    shown = [o for o in outputs if o.output_type == "display_data" and "image/png" in o.get("data", {})]
    assert len(saved) >= 9, [p.name for p in saved]
    assert len(shown) >= len(saved)
    assert (tmp_path / "results.json").is_file()
    texts = [o.get("text", "") for o in outputs if o.output_type == "stream"]
    texts += [f"{o.ename}: {o.evalue}" for o in outputs if o.output_type == "error"]
    noisy = [t for t in texts if NOISE.search(t)]
    assert not noisy, noisy[:3]
    assert any("Newton order" in t for t in texts)  # The lesson's own prints are there.
    # Cells end without a value to echo (`;` or an assignment): no `Out[...]: PosixPath(...)`.
    echoed = [o["data"].get("text/plain", "") for o in outputs if o.output_type == "execute_result"]
    assert not echoed, echoed


def _code(cell):
    return [line for line in cell.source.splitlines() if line.strip() and not line.lstrip().startswith("#")]


@pytest.mark.parametrize("number", [1, 2, 3])
def test_practical_reads_as_a_notebook(number):
    """Header with kernelspec; fast mode explained first; public API only; one way to save
    results; every solution after an empty cell to try in."""
    path = practicals.find(number)
    notebook = jupytext.read(path)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    first = notebook.cells[0]
    assert first.cell_type == "markdown" and "%env DLCOURSE_FAST=1" in first.source and "minute" in first.source
    source = path.read_text()
    assert not re.search(r"from dlcourse\.\w+\.|import dlcourse\.\w+\.|dlcourse\._", source)
    assert "practicals.settings(" in source and "practicals.save_results(" in source
    code_cells = [c for c in notebook.cells if c.cell_type == "code"]
    solutions = [i for i, c in enumerate(code_cells) if "solution" in c.metadata.get("tags", [])]
    assert solutions
    for i in solutions:
        before = code_cells[i - 1]
        assert "solution" in before.metadata.get("tags", []) or not _code(before), before.source
