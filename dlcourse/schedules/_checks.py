"""Argument checks shared by the schedules: one-line errors naming the fix."""

import numbers

from dlcourse.errors import DLCourseError


def check_learning_rate(value, name="initial_learning_rate"):
    """`value` (a rate called `name`) must be a finite number > 0; returns it as a float."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not value > 0
        or value == float("inf")
    ):
        raise DLCourseError(f"`{name}` must be a finite number > 0. Received: {name}={value!r}")
    return float(value)


def check_steps(name, value, minimum=1):
    """`value` must be an integer >= `minimum`; returns it as an int."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Integral)
        or value < minimum
    ):
        raise DLCourseError(
            f"`{name}` must be an integer >= {minimum}. Received: {name}={value!r}"
        )
    return int(value)


def check_range(name, value, low, high, low_open=False, high_open=False):
    """`value` must be a number in the interval from `low` to `high`; returns a float."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if ok:
        ok = (value > low if low_open else value >= low) and (
            value < high if high_open else value <= high
        )
    if not ok:
        interval = f"{'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"
        raise DLCourseError(
            f"`{name}` must be a number in {interval}. Received: {name}={value!r}"
        )
    return float(value)
