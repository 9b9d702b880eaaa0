"""The versions a run or an export depends on, recorded in its JSON files."""

import platform


def library_versions():
    """`{"dlcourse", "python", "tensorflow", "keras"}` version strings."""
    import keras
    import tensorflow as tf

    from dlcourse import __version__

    return {"dlcourse": __version__, "python": platform.python_version(),
            "tensorflow": tf.__version__, "keras": keras.__version__}
