"""ImageGrid: tiling by hand, one PNG per epoch from a stand-in model, TensorBoard image."""

import keras
import numpy as np
import pytest
from PIL import Image

from dlcourse import callbacks
from dlcourse.errors import DLCourseError


class StandIn(keras.Model):
    """A "generator" whose samples are known: image k is filled with k / 10."""

    def sample(self, n, seed=0):
        assert seed == 7
        return np.arange(n, dtype="float32").reshape(n, 1, 1, 1) / 10 * np.ones((n, 4, 4, 1), "float32")


def test_tile_images_by_hand():
    images = np.arange(5, dtype="float32").reshape(5, 1, 1, 1) * np.ones((5, 2, 3, 1), "float32") / 10
    grid = callbacks.tile_images(images)  # 3 columns, 2 rows; the sixth cell stays black
    assert grid.shape == (4, 9, 1)
    np.testing.assert_allclose(grid[:2, 3:6, 0], 0.1)
    np.testing.assert_allclose(grid[2:, 3:6, 0], 0.4)
    np.testing.assert_allclose(grid[2:, 6:, 0], 0.0)
    assert callbacks.tile_images(images, columns=5).shape == (2, 15, 1)
    with pytest.raises(DLCourseError, match="images"):
        callbacks.tile_images(np.zeros((4, 4)))


def test_grid_saved_every_other_epoch_and_logged_to_tensorboard(tmp_path):
    grid = callbacks.ImageGrid(tmp_path / "samples", n=4, seed=7, every=2, log_dir=tmp_path / "logs")
    grid.set_model(StandIn())
    for epoch in range(4):
        grid.on_epoch_end(epoch, {})
    assert [p.name for p in grid.saved] == ["epoch_002.png", "epoch_004.png"]
    assert all(Image.open(p).size[0] > 100 for p in grid.saved)
    assert list((tmp_path / "logs").glob("events.out.tfevents.*"))


def test_a_model_without_sample_is_refused(tmp_path):
    grid = callbacks.ImageGrid(tmp_path, n=4)
    grid.set_model(keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]))
    with pytest.raises(DLCourseError, match="sample"):
        grid.on_epoch_end(0, {})


@pytest.mark.parametrize("kwargs", [{"n": 0}, {"every": 0}])
def test_bad_arguments_raise(kwargs, tmp_path):
    with pytest.raises(DLCourseError):
        callbacks.ImageGrid(tmp_path, **kwargs)
