"""`ImageGrid`: a generative model's samples from fixed noise, saved as a grid after each epoch.

    model.fit(images, epochs=5, callbacks=[callbacks.ImageGrid("runs/dcgan/samples", n=64)])
    # runs/dcgan/samples/epoch_001.png ... and, with log_dir, an image in TensorBoard

The same seed every epoch draws the same latent vectors, so the grids show one set of
samples evolving as the model trains. `tile_images` and `save_image_grid` also serve the
`dlcourse generate` command.
"""

import math
from pathlib import Path

import keras
import numpy as np

from dlcourse.errors import DLCourseError


def tile_images(images, columns=None):
    """(n, H, W, C) images in [0, 1] as one (rows * H, columns * W, C) array, row by row.

    `columns` defaults to ceil(sqrt(n)); missing cells at the end stay black.
    """
    images = np.asarray(images, dtype=np.float32)
    if images.ndim != 4 or len(images) == 0:
        raise DLCourseError(f"`images` must be a non-empty (n, H, W, C) array. Received shape {images.shape}.")
    n, height, width, channels = images.shape
    columns = int(columns or math.ceil(math.sqrt(n)))
    rows = math.ceil(n / columns)
    grid = np.zeros((rows * columns, height, width, channels), np.float32)
    grid[:n] = np.clip(images, 0.0, 1.0)
    grid = grid.reshape(rows, columns, height, width, channels).transpose(0, 2, 1, 3, 4)
    return grid.reshape(rows * height, columns * width, channels)


def save_image_grid(images, path, columns=None, title=None):
    """Write `images` (n, H, W, C) in [0, 1] as one PNG grid (atomically); return the path."""
    from dlcourse import plots  # Drawing loads matplotlib: only when a grid is saved.

    grid = tile_images(images, columns)
    fig, ax = plots.figure(size=(4.0, 4.0 * grid.shape[0] / grid.shape[1] + (0.3 if title else 0.0)))
    ax.imshow(grid[..., 0] if grid.shape[-1] == 1 else grid, cmap="gray", vmin=0.0, vmax=1.0,
              interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=9)
    return plots.save_figure(fig, path)


class ImageGrid(keras.callbacks.Callback):
    """Saves `model.sample(n, seed=seed)` as a grid every `every` epochs. No Keras twin.

    Works with any model that has `sample(n, seed=...)` returning images in [0, 1]:
    `GAN` and its variants, `VAE`, `DiffusionModel` (pass `sample_kwargs` such as
    `{"steps": 20}` to sample a diffusion model faster).

    Args:
        directory: where `epoch_NNN.png` files go.
        n: images per grid.
        seed: the noise seed (the same each epoch).
        every: save after epochs every, 2 * every, ... (counting from 1).
        log_dir: if given, also write the grid to TensorBoard under `samples`.
        sample_kwargs: extra keyword arguments for `model.sample`.
    """

    def __init__(self, directory, n=64, seed=0, every=1, log_dir=None, sample_kwargs=None):
        super().__init__()
        if isinstance(n, bool) or int(n) != n or n < 1:
            raise DLCourseError(f"`n` must be a positive integer. Received: n={n!r}")
        if isinstance(every, bool) or int(every) != every or every < 1:
            raise DLCourseError(f"`every` must be a positive integer. Received: every={every!r}")
        self.directory, self.n, self.seed, self.every = Path(directory), int(n), int(seed), int(every)
        self.log_dir, self.sample_kwargs = log_dir, dict(sample_kwargs or {})
        self.saved = []

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        if not hasattr(self.model, "sample"):
            raise DLCourseError(
                f"ImageGrid needs a model with `sample(n, seed)`; {type(self.model).__name__} has none.")
        images = np.asarray(self.model.sample(self.n, seed=self.seed, **self.sample_kwargs))
        path = save_image_grid(images, self.directory / f"epoch_{epoch + 1:03d}.png", title=f"epoch {epoch + 1}")
        self.saved.append(path)
        if self.log_dir is not None:
            self._log(tile_images(images), epoch + 1)

    def _log(self, grid, step):
        import tensorflow as tf  # TensorBoard's image summary: no Keras equivalent.

        with tf.summary.create_file_writer(str(self.log_dir)).as_default():
            tf.summary.image("samples", grid[None], step=step)
