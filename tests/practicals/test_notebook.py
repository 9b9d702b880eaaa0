"""Each practical reads as a notebook (`test_p1.py` also executes practical 1 as one)."""

import re

import jupytext
import pytest

from dlcourse import practicals


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
