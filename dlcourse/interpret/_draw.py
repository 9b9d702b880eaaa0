"""Image grids for the interpret figures (matplotlib is imported only when drawing)."""

import math

import numpy as np


def _show(ax, image, cmap, title=None):
    image = np.asarray(image, dtype=np.float32)
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    if image.ndim == 3:  # Colour: matplotlib wants [0, 1].
        ax.imshow(np.clip(image, 0, 1))
    elif cmap == "RdBu_r":  # Signed: white is zero.
        limit = float(np.max(np.abs(image))) or 1.0
        ax.imshow(image, cmap=cmap, vmin=-limit, vmax=limit)
    else:
        ax.imshow(image, cmap=cmap)
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=8)


def image_rows(rows, path, column_titles=None, size=1.6):
    """One row per `(name, images, cmap)`; the same number of images in every row."""
    from dlcourse import plots

    ncols = max(len(images) for _, images, _ in rows)
    fig, axes = plots.figure(ncols=ncols, nrows=len(rows), size=(size, size))
    axes = np.asarray(axes).reshape(len(rows), ncols)
    for r, (name, images, cmap) in enumerate(rows):
        for c in range(ncols):
            ax = axes[r, c]
            if c >= len(images):
                ax.axis("off")
                continue
            title = column_titles[c] if (r == 0 and column_titles) else None
            _show(ax, images[c], cmap, title)
        axes[r, 0].set_ylabel(name, fontsize=8)
    return plots.save_figure(fig, path)


def image_grid(images, path, titles=None, ncols=8, cmap="gray", suptitle=None, size=1.3):
    """`images` (n, H, W[, C]) as a grid of `ncols` columns, with optional titles."""
    from dlcourse import plots

    n = len(images)
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    fig, axes = plots.figure(ncols=ncols, nrows=nrows, size=(size, size))
    axes = np.asarray(axes).reshape(-1)
    for i, ax in enumerate(axes):
        if i < n:
            _show(ax, images[i], cmap, titles[i] if titles else None)
        else:
            ax.axis("off")
    if suptitle:
        fig.suptitle(suptitle, fontsize=9)
    return plots.save_figure(fig, path)
