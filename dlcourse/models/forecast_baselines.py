"""The two forecasts any forecaster must beat: naive and seasonal naive."""

import numpy as np

from dlcourse.errors import DLCourseError


def naive_forecast(windows, horizon=1):
    """Tomorrow is like today: every future step equals the window's last value.

        forecast[:, k] = windows[:, -1]        for k = 0 .. horizon - 1

    Args:
        windows: (batch, window) or (batch, window, 1) past values.
        horizon: steps to forecast.

    Returns:
        (batch, horizon) float array.

    Reference: R. J. Hyndman, G. Athanasopoulos, "Forecasting: principles and practice",
    3rd ed., Sec. 5.2.
    """
    w = _as_2d(windows)
    return np.repeat(w[:, -1:], horizon, axis=1)


def seasonal_naive_forecast(windows, season, horizon=1):
    """This season is like the last one: each future step equals the value one season before.

        forecast[:, k] = windows[:, window - season + (k % season)]

    Args:
        windows: (batch, window) or (batch, window, 1), with window >= season.
        season: the period in steps (11 years of sunspots, 52 weeks of CO2).
        horizon: steps to forecast.

    Returns:
        (batch, horizon) float array.
    """
    w = _as_2d(windows)
    if not 1 <= season <= w.shape[1]:
        raise DLCourseError(f"`season` must be between 1 and the window ({w.shape[1]} steps). "
                            f"Received: season={season}; use a window of at least one season.")
    return w[:, w.shape[1] - season + np.arange(horizon) % season]


def _as_2d(windows):
    w = np.asarray(windows, dtype=np.float64)
    return w[..., 0] if w.ndim == 3 else w
