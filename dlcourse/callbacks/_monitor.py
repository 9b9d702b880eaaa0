"""What the monitoring callbacks share: the direction of a logged quantity, and "improves".

Keras's `EarlyStopping` and `ReduceLROnPlateau` share one base class for this
(`MonitorCallback`); ours share these two functions, with the same rules:

    improves(v, best)  =  v - min_delta > best   when maximising
                          v + min_delta < best   when minimising
                          True                   when there is no best yet
"""

import warnings

from dlcourse import _compat
from dlcourse.errors import DLCourseError

MODES = ("auto", "min", "max")

# Names whose direction `mode="auto"` can infer without asking the model.
_MAXIMISED = ("accuracy", "acc", "auc", "precision", "recall", "f1_score", "r2_score")


def check_mode(mode):
    """`mode` must be "auto", "min" or "max" (Keras warns and falls back to auto; we refuse)."""
    if mode not in MODES:
        raise DLCourseError(f"`mode` must be 'auto', 'min' or 'max'. Received: mode={mode!r}")
    return mode


def maximise(monitor, mode, model, caller):
    """True if `monitor` should go up, False if down; `caller` names the callback in errors.

    `mode="auto"`: names ending in `loss` (with or without `val_`) go down, accuracy-like
    names go up, else the direction the model's compiled metric of that name records.
    """
    if mode != "auto":
        return mode == "max"
    name = monitor.removeprefix("val_")
    if name.endswith("loss"):
        return False
    if name.endswith(_MAXIMISED):
        return True
    for metric in _compiled_metrics(model):
        direction = _compat.metric_direction(metric)
        if metric.name == name and direction is not None:
            return direction == "up"
    raise DLCourseError(
        f"{caller} cannot tell whether `{monitor}` should go up or down. "
        "Pass mode='max' or mode='min'."
    )


def monitored(logs, monitor, caller):
    """`logs[monitor]` as a float, or None with a warning naming what the logs hold."""
    value = logs.get(monitor)
    if value is None:
        warnings.warn(f"{caller} watches `{monitor}`, which is not in the logs. "
                      f"Available: {', '.join(logs)}", stacklevel=3)
        return None
    return float(value)


def improves(value, reference, maximising, min_delta):
    """True if `value` beats `reference` by more than `min_delta` (always, if no reference)."""
    if reference is None:
        return True
    if maximising:
        return value - min_delta > reference
    return value + min_delta < reference


def _compiled_metrics(model):
    """The model's metric objects, unpacked from Keras's compile containers."""
    found = []
    for metric in getattr(model, "metrics", None) or []:
        found.extend(getattr(metric, "metrics", None) or [metric])
    return found
