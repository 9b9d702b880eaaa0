"""Matplotlib figures for the course: written to PNG files, and shown inline in a notebook.

Every figure in the package goes through `figure()` and `save_figure()`: files are
written atomically (temp file, then rename), and under a Jupyter kernel the figure is
also displayed, so a practical opened as a notebook shows every figure it saves.

No backend is set here: in Jupyter the inline backend stays in charge (a student's own
`plt.show()` keeps working), and headless runs pick Agg by themselves or through
`MPLBACKEND=Agg` (the tests and `dlcourse practical` set it). Component packages import
this module only inside the functions that draw.
"""

import os
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt


def figure(ncols=1, nrows=1, size=(5.0, 4.0), **kwargs):
    """A new `(fig, axes)` pair; `size` is the size of one panel in inches."""
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(size[0] * ncols, size[1] * nrows), squeeze=False, **kwargs
    )
    axes = axes.ravel()
    return fig, (axes[0] if len(axes) == 1 else axes)


def save_figure(fig, path, dpi=110):
    """Write `fig` to `path` (PNG) atomically, close it, and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".png")
    os.close(fd)
    try:
        fig.savefig(tmp, dpi=dpi, format="png")
        os.replace(tmp, path)
        if _in_notebook():
            from IPython.display import display

            display(fig)
    finally:
        plt.close(fig)
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


def _in_notebook():
    """True under a Jupyter kernel (where a saved figure should also be shown)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and "IPKernelApp" in shell.config


def plot_history(history, path, title=None):
    """Training and validation curves, one panel per metric, from a `History.history` dict.

    `history` maps names such as `loss`, `val_loss`, `accuracy` to per-epoch lists.
    """
    metrics = [k for k in history if not k.startswith("val_") and k != "learning_rate"]
    fig, axes = figure(ncols=max(1, len(metrics)))
    axes = [axes] if len(metrics) <= 1 else list(axes)
    for ax, name in zip(axes, metrics):
        epochs = range(1, len(history[name]) + 1)
        ax.plot(epochs, history[name], "o-", label=f"train {name}")
        if f"val_{name}" in history:
            ax.plot(epochs, history[f"val_{name}"], "s--", label=f"validation {name}")
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    return save_figure(fig, path)
