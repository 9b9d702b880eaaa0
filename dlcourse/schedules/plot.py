"""A schedule drawn over a run: learning rate against optimizer step, as a PNG."""

import numpy as np
from keras import ops

from dlcourse.errors import DLCourseError
from dlcourse.schedules._checks import check_steps


def schedule_values(schedule, steps):
    """The learning rates of `schedule` at steps `0, 1, ..., steps - 1`, as a numpy array.

    Args:
        schedule: a `LearningRateSchedule` (or any callable taking a step).
        steps: int >= 1, the number of optimizer steps in the run.

    Returns:
        float64 array of shape `(steps,)`.
    """
    steps = check_steps("steps", steps)
    # One vectorised call: every schedule here is written with element-wise ops.
    try:
        values = ops.convert_to_numpy(schedule(np.arange(steps, dtype="int64")))
        values = np.broadcast_to(np.asarray(values, dtype="float64"), (steps,))
    except (TypeError, ValueError):
        values = np.array([float(schedule(t)) for t in range(steps)])
    return np.array(values, dtype="float64")


def plot_schedule(schedule, steps, path, title=None, log_scale=False):
    """Write a PNG of the learning rate against the step, over a run of `steps` steps.

    Args:
        schedule: a `LearningRateSchedule`, or a dict `{label: schedule}` to draw
            several on one set of axes.
        steps: int >= 1, the number of optimizer steps to draw.
        path: where to write the PNG (parent folders are created).
        title: optional title; defaults to the schedule's class name.
        log_scale: plot the learning rate on a log axis (useful for decays).

    Returns:
        The `pathlib.Path` written.

    Example:

        plot_schedule(get("cosine", 0.1, 1000, warmup_steps=100), 1000, "cosine.png")
    """
    from dlcourse import plots

    named = schedule if isinstance(schedule, dict) else {type(schedule).__name__: schedule}
    if not named:
        raise DLCourseError("`schedule` is an empty dict. Pass at least one schedule.")
    fig, ax = plots.figure(size=(6.0, 4.0))
    t = np.arange(check_steps("steps", steps))
    for label, sched in named.items():
        ax.plot(t, schedule_values(sched, len(t)), label=label)
    ax.set_xlabel("step")
    ax.set_ylabel("learning rate")
    if log_scale:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    if len(named) > 1:
        ax.legend()
    ax.set_title(title or ", ".join(named))
    return plots.save_figure(fig, path)
