"""Time series for forecasting: chronological splits, training-set scaling, windows as tf.data.

    values  --split by time-->  train | validation | test  (the test stretch is the final one)
    scaled = (values - mean) / std        mean, std of the TRAIN stretch only
    window ending before t:   inputs = scaled[t - window : t]            (window, 1)
                              targets = scaled[t : t + horizon]         (horizon,)

A split owns the windows whose targets start inside its stretch; their inputs may reach
back into earlier stretches (the history a forecaster has at that time), never forward.
So no training window sees a validation or test value, and the test windows forecast
every step of the held-out final stretch. `mean` and `std` travel with the dataset
(`dataset.scaling`) so an export can scale raw windows and unscale its forecasts.

Example:

    train = data.series_windows("co2", "train", window=52, horizon=1, batch_size=32, seed=0)
    mean, std = train.scaling["mean"], train.scaling["std"]
"""

import dataclasses
import functools

import numpy as np

from dlcourse.data.catalog import DatasetInfo
from dlcourse.data.load import _check_split, _get_spec, _resolve
from dlcourse.errors import DLCourseError


@functools.lru_cache(maxsize=None)
def load_series(name):
    """The whole series `name` as a float32 1-D numpy array (e.g. 309 yearly sunspot numbers)."""
    spec, source = _resolve(name, "series")
    values, _ = source.load(spec)
    values.setflags(write=False)  # Cached and shared: nobody may change it in place.
    return values


@dataclasses.dataclass(frozen=True)
class SeriesSplit:
    """A series cut in time: `values[:train_end]`, `[train_end:validation_end]`, `[validation_end:]`."""

    name: str
    values: np.ndarray
    train_end: int
    validation_end: int
    mean: float
    std: float
    season: int

    def bounds(self, split):
        """`(start, end)` of `split`'s stretch."""
        _check_split(split)
        return {"train": (0, self.train_end), "validation": (self.train_end, self.validation_end),
                "test": (self.validation_end, len(self.values))}[split]

    def windows(self, split, window, horizon=1, scaled=True):
        """numpy `(inputs (N, window, 1), targets (N, horizon))` of `split`, in time order."""
        if window < 1 or horizon < 1:
            raise DLCourseError(
                f"`window` and `horizon` must be at least 1. Received: window={window}, horizon={horizon}")
        start, end = self.bounds(split)
        values = (self.values - self.mean) / self.std if scaled else self.values
        first = np.arange(max(start, window), end - horizon + 1)  # Index of each window's first target.
        if len(first) == 0:
            raise DLCourseError(
                f"{self.name}: the {split} stretch [{start}, {end}) holds no window of {window} inputs and "
                f"{horizon} targets. Use a smaller window or horizon, or a larger {split} share."
            )
        inputs = values[first[:, None] - window + np.arange(window)]
        targets = values[first[:, None] + np.arange(horizon)]
        return inputs[..., None].astype(np.float32), targets.astype(np.float32)


def split_series(name, validation_size=0.1, test_size=0.1):
    """`SeriesSplit` of `name`: the last `test_size`, before it `validation_size` (counts or fractions)."""
    values = load_series(name)
    n = len(values)
    n_test, n_val = _count(test_size, n, "test_size"), _count(validation_size, n, "validation_size")
    train_end = n - n_test - n_val
    if train_end < 2:
        raise DLCourseError(f"{name}: validation_size={validation_size} and test_size={test_size} leave "
                            f"{train_end} of {n} steps for training. Use smaller shares.")
    train = values[:train_end].astype(np.float64)
    std = float(train.std()) or 1.0  # A constant training stretch: nothing to scale.
    return SeriesSplit(name, values, train_end, train_end + n_val, float(train.mean()), std, _get_spec(name).season)


def _count(size, n, what):
    count = int(round(size * n)) if isinstance(size, float) else int(size)
    if not 0 <= count < n:
        raise DLCourseError(f"`{what}` must be a fraction in [0, 1) or a count below {n}. Received: {what}={size}")
    return count


def series_windows(name, split="train", window=24, horizon=1, batch_size=32, shuffle=None, seed=0,
                   validation_size=0.1, test_size=0.1, drop_remainder=False, epoch_counter=None):
    """One split of series `name` as `(inputs, targets)` windows, scaled, reshuffled per epoch.

    With `horizon=1`, the unscaled windows of `train` are those of
    `keras.utils.timeseries_dataset_from_array(values[:train_end - 1], values[window:train_end], window)`;
    this adds the chronological splits, the training-set scaling and the stateless shuffle.

    Args:
        name: a series dataset (`sunspots`, `co2`).
        split: `train`, `validation` or `test` (chronological; test is the final stretch).
        window: input steps per example; horizon: future steps to forecast.
        batch_size, shuffle, seed, drop_remainder, epoch_counter: as in `data.load`
            (shuffle defaults to True for `train`; epoch e's order depends on seed and e).
        validation_size, test_size: steps (int) or fractions (float) of the series.

    Returns:
        Batches of float32 inputs (batch, window, 1) and targets (batch, horizon), scaled
        with the training stretch's statistics, available as `dataset.scaling`
        (`{"mean", "std"}`: forecast = scaled_forecast * std + mean); `dataset.num_windows`
        is the number of windows (before batching).
    """
    from dlcourse.data.pipeline import make_batches

    parts = split_series(name, validation_size, test_size)
    inputs, targets = parts.windows(split, window, horizon)
    ds = make_batches((inputs, targets), batch_size, shuffle=split == "train" if shuffle is None else shuffle,
                      seed=seed, drop_remainder=drop_remainder, epoch_counter=epoch_counter)
    ds.scaling, ds.num_windows = {"mean": parts.mean, "std": parts.std}, len(inputs)
    return ds


def series_info(name, validation_size=0.1, test_size=0.1):
    """A `DatasetInfo` of a series: steps per split and the source in use."""
    spec, source = _resolve(name, "series")
    parts = split_series(name, validation_size, test_size)
    sizes = {s: int(np.subtract(*parts.bounds(s)[::-1])) for s in ("train", "validation", "test")}
    return DatasetInfo(name=name, description=spec.description, input_shape=(None, 1), class_names=(),
                       num_examples=sizes, source=source.describe(spec), kind="series")
