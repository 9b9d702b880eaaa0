"""A run folder: created or refused in one line, and held by one training at a time.

    with open_run_dir("runs/mlp") as run_dir:   # refuses a file, a folder under a file,
        ...                                     # an unwritable place, a folder in use

The lock is `run_dir/.lock` holding the owner's process id, created atomically
(`O_EXCL`). A lock whose process is gone (killed) is stale and taken over.
"""

import contextlib
import os
from pathlib import Path

from dlcourse._io import process_alive
from dlcourse.errors import DLCourseError

LOCK_FILE = ".lock"


@contextlib.contextmanager
def open_run_dir(path):
    """Create `path` if needed, lock it for this process, yield it as a `Path`."""
    run_dir = _make(Path(path))
    lock = run_dir / LOCK_FILE
    _acquire(lock, run_dir)
    try:
        yield run_dir
    finally:
        with contextlib.suppress(FileNotFoundError):
            if lock.read_text().strip() == str(os.getpid()):
                lock.unlink()


def _make(run_dir):
    if run_dir.exists() and not run_dir.is_dir():
        raise DLCourseError(f"Run dir {run_dir} is a file. Choose another --run-dir.")
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
        probe = run_dir / f".write-test-{os.getpid()}"
        probe.write_text("")
        probe.unlink()
    except (NotADirectoryError, FileExistsError):
        raise DLCourseError(f"Run dir {run_dir} is under a file. Choose another --run-dir.") from None
    except OSError as err:
        raise DLCourseError(f"Cannot write to run dir {run_dir} ({err.strerror}). Choose another --run-dir.") from None
    return run_dir


def _acquire(lock, run_dir):
    for _ in range(3):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            owner = _owner(lock)
            if owner is not None and owner != os.getpid() and process_alive(owner):
                raise DLCourseError(
                    f"Run dir {run_dir} is in use by another training (process {owner}). "
                    "Wait for it to finish, or choose another --run-dir."
                ) from None
            with contextlib.suppress(FileNotFoundError):
                lock.unlink()  # Stale: its process is gone.
            continue
        with os.fdopen(fd, "w") as f:
            f.write(str(os.getpid()))
        return
    raise DLCourseError(f"Could not lock run dir {run_dir}: another process keeps taking it.")


def _owner(lock):
    try:
        return int(lock.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
