"""Argument checks shared by the layers: one message for every size argument."""

from dlcourse.errors import DLCourseError


def check_positive_ints(**values):
    """Refuse the first argument that is not a positive int (a bool is not one), naming it."""
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise DLCourseError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
