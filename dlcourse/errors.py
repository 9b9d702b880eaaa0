"""The one error type a student sees: a one-line message naming the problem and the fix.

Library code raises `DLCourseError` (a `ValueError`) for bad input it can explain; the
`dlcourse` command prints its message alone and exits with status 2.
"""


class DLCourseError(ValueError):
    """Bad input or a missing resource, with a message that says how to fix it."""
