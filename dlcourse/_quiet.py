"""TensorFlow without its start-up chatter, for the command line and the practicals.

TensorFlow's C++ start-up logs (oneDNN notes, CUDA probes, "All log messages before
absl::InitializeLog()") are written before `TF_CPP_MIN_LOG_LEVEL` is read, and a Jupyter
kernel copies everything written to the process's stderr into the notebook: a student
would see a screen of warnings before the first result. Python-level errors still
surface: stderr is back before anything is raised or printed.
"""

import logging
import os


def quiet_tensorflow_import(start_runtime=True):
    """Import TensorFlow and start its CPU device with stderr (file descriptor 2) silenced.

    `start_runtime=False` leaves the runtime unstarted: `MultiWorkerMirroredStrategy`
    must configure it ("Collective ops must be configured at program startup").
    """
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import tensorflow as tf

        tf.config.list_physical_devices()
        if start_runtime:
            tf.constant(0.0).numpy()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def quiet_tensorflow():
    """Import TensorFlow quietly and keep its later logs to errors.

    Later C++ logs (XLA's "Compiled cluster" notes) obey `TF_CPP_MIN_LOG_LEVEL`, set to 2
    unless the user chose a level. Python-side, TensorFlow's "triggered tf.function
    retracing" warnings are advice for library authors: a notebook that builds several
    small models in a loop triggers them by design, so only errors are logged.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    quiet_tensorflow_import()
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
