"""Series: real statsmodels data, chronological splits, training-only scaling, windows as tf.data."""

import dataclasses

import numpy as np
import pytest

from dlcourse import data
from dlcourse.errors import DLCourseError


@pytest.fixture
def ramp(tmp_path, monkeypatch):
    """A series written by the test: 0, 1, ..., 99 (every value says where it sits)."""
    (tmp_path / "sunspots").mkdir()
    np.savetxt(tmp_path / "sunspots" / "sunspots.csv", np.arange(100.0))
    monkeypatch.setenv("DLCOURSE_DATA_DIR", str(tmp_path))
    data.clear_cache()
    yield np.arange(100.0)
    data.clear_cache()


def test_real_series_from_statsmodels():
    sunspots, co2 = data.load_series("sunspots"), data.load_series("co2")
    assert sunspots.shape == (309,) and sunspots.dtype == np.float32 and sunspots[0] == 5.0
    assert co2.shape == (2284,) and np.all(np.isfinite(co2))
    # The gap weeks sit on the line between their measured neighbours (316.1 ... 317.3 ...).
    assert 310 < co2.min() < co2.max() < 380
    assert data.info("co2").num_examples == {"train": 1828, "validation": 228, "test": 228}


def test_splits_are_chronological_and_the_test_stretch_is_last(ramp):
    parts = data.split_series("sunspots", validation_size=0.2, test_size=10)
    assert [parts.bounds(s) for s in ("train", "validation", "test")] == [(0, 70), (70, 90), (90, 100)]
    for split, (start, end) in (("train", (0, 70)), ("validation", (70, 90)), ("test", (90, 100))):
        x, y = parts.windows(split, window=5, horizon=2, scaled=False)
        first_targets = y[:, 0]
        np.testing.assert_array_equal(first_targets, np.arange(max(start, 5), end - 1))
        np.testing.assert_array_equal(x[:, :, 0], first_targets[:, None] - 5 + np.arange(5))
        assert y.max() < end, "targets stay inside their own stretch"
    train_x, train_y = parts.windows("train", 5, 2, scaled=False)
    assert max(train_x.max(), train_y.max()) < 70, "no training window sees a later value"


def test_scaling_uses_training_statistics_only(ramp):
    parts = data.split_series("sunspots", validation_size=10, test_size=10)
    assert parts.mean == pytest.approx(np.arange(80.0).mean()) and parts.std == pytest.approx(np.arange(80.0).std())
    ds = data.series_windows("sunspots", "test", window=4, batch_size=64, validation_size=10, test_size=10)
    x, y = next(iter(ds))
    assert ds.scaling == {"mean": parts.mean, "std": parts.std}
    raw = np.asarray(y)[:, 0] * ds.scaling["std"] + ds.scaling["mean"]
    np.testing.assert_allclose(raw, np.arange(90, 100), atol=1e-4)
    assert x.shape == (10, 4, 1) and y.shape == (10, 1)


def test_element_spec_shuffle_and_seed(ramp):
    def firsts(ds):
        return np.concatenate([y.numpy()[:, 0] for _, y in ds])

    ds = data.series_windows("sunspots", "train", window=6, horizon=3, batch_size=10, seed=1)
    assert ds.element_spec[0].shape.as_list() == [None, 6, 1] and ds.element_spec[1].shape.as_list() == [None, 3]
    assert ds.element_spec[0].dtype.name == "float32"
    epoch1, epoch2 = firsts(ds), firsts(ds)
    np.testing.assert_array_equal(epoch1, firsts(data.series_windows("sunspots", "train", 6, 3, 10, seed=1)))
    assert not np.array_equal(epoch1, epoch2), "each epoch is reshuffled"
    assert sorted(epoch1) == sorted(epoch2) and len(epoch1) == 80 - 6 - 3 + 1 == ds.num_windows
    ds.epoch_counter.assign(1)
    np.testing.assert_array_equal(firsts(ds), epoch2)
    assert np.all(np.diff(firsts(data.series_windows("sunspots", "validation", 6, 3, 8))) > 0), "in time order"


def test_bad_settings_are_one_line_errors(ramp):
    with pytest.raises(DLCourseError, match="holds no window of 30 inputs"):
        data.series_windows("sunspots", "train", window=30, validation_size=0.4, test_size=0.4)
    with pytest.raises(DLCourseError, match="leave 0 of 100 steps"):
        data.split_series("sunspots", validation_size=50, test_size=50)
    with pytest.raises(DLCourseError, match="'sunspots' holds series, not images. Read it with data.series_windows"):
        data.load("sunspots")
    with pytest.raises(DLCourseError, match="'digits' holds images, not series. Read it with data.load"):
        data.load_series("digits")


def test_windows_equal_keras_timeseries_dataset_from_array(ramp):
    import keras

    values = data.load_series("sunspots") ** 1.5  # Not a ramp: a window's position is not its value.
    parts = dataclasses.replace(data.split_series("sunspots", validation_size=10, test_size=10), values=values)
    window, train_end = 7, parts.train_end
    ours = parts.windows("train", window, horizon=1, scaled=False)
    theirs = keras.utils.timeseries_dataset_from_array(values[: train_end - 1], values[window:train_end], window,
                                                       batch_size=1000)
    inputs, targets = next(iter(theirs))
    np.testing.assert_array_equal(ours[0][..., 0], inputs.numpy())
    np.testing.assert_array_equal(ours[1][:, 0], targets.numpy())
    assert len(ours[0]) == train_end - window
