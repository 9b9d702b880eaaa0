"""Run a practical as a notebook, the way a student does: jupytext, then a Jupyter kernel
through nbclient, in fast mode.

The kernel gets neither `MPLBACKEND` nor `TF_CPP_MIN_LOG_LEVEL` (the test process sets
both): the notebook must show its figures with Jupyter's own backend and keep TensorFlow
quiet by itself.
"""

import os
import re

import jupytext
import nbclient

# What TensorFlow writes when nobody silences it: C++ log lines ("I0000 00:00:...
# port.cc:153] oneDNN custom operations are on", "E0000 ... cuInit"), the absl
# preamble, and Python warnings such as "triggered tf.function retracing".
NOISE = re.compile(r"^[IWEF]\d{4} |absl::InitializeLog|oneDNN|cuda|retracing|tensorflow:|Traceback",
                   re.MULTILINE | re.IGNORECASE)


def execute(path, out):
    notebook = jupytext.read(path)
    env = {k: v for k, v in os.environ.items() if k not in ("MPLBACKEND", "TF_CPP_MIN_LOG_LEVEL")}
    env.update(DLCOURSE_FAST="1", DLCOURSE_OUT=str(out))
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(out)}})
    client.execute(env=env)
    return notebook


def outputs_of(notebook):
    return [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
