"""Atomic file writes: a crash never leaves a half-written file behind."""

import json
import os
import shutil
import tempfile
from pathlib import Path


def write_text_atomic(path, text):
    """Write `text` to `path` through a temp file in the same folder, then rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return path


def write_json_atomic(path, obj):
    """Write `obj` as indented JSON to `path`, atomically."""
    return write_text_atomic(path, json.dumps(obj, indent=2, sort_keys=True, default=_jsonable) + "\n")


def replace_dir_atomic(tmp_dir, final_dir):
    """Move the finished folder `tmp_dir` to `final_dir`, replacing any old one.

    The old folder is renamed aside first and removed only after the new one is in
    place, so at every instant `final_dir` is either the old or the new complete folder.
    """
    tmp_dir, final_dir = Path(tmp_dir), Path(final_dir)
    old = final_dir.with_name(f".{final_dir.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if final_dir.exists():
        os.replace(final_dir, old)
    os.replace(tmp_dir, final_dir)
    if old.exists():
        shutil.rmtree(old)
    return final_dir


def _jsonable(value):
    """Numpy scalars and arrays, paths and sets become plain JSON values."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, (Path, set, tuple)):
        return str(value) if isinstance(value, Path) else list(value)
    raise TypeError(f"Cannot write {type(value).__name__} to JSON.")
