"""Versioned export folders, laid out as TensorFlow Serving reads them.

    saved_models/NAME/          the model: only numbered versions inside
        1/                      saved_model.pb, variables/, assets/, dlcourse.json
        2/                      a later export of the same name
        .tmp-<pid>-xxxx/        a version being written (renamed into place when done)

Each version is written once, under a temp name in NAME/, then renamed to the next
free number: at every instant a version folder is complete or absent, and an export
never overwrites or deletes anything it did not write. Readers (`predict`, `generate`,
`sample`, `attack`) take NAME and use the highest version, or the one asked for. Temp
folders of processes that died are removed at the next export.
"""

import os
import re
import shutil
import tempfile
from pathlib import Path

from dlcourse._io import process_alive, write_json_atomic
from dlcourse.errors import DLCourseError

METADATA_FILE = "dlcourse.json"
_TMP = re.compile(r"^\.tmp-(\d+)-")


def check_target(export_dir):
    """Refuse, before any training, an export target that is not a model folder.

    A model folder is absent, empty, or holds only numbered versions (and temp folders
    of exports under way). Anything else (a file, a run folder, a project) is refused.
    """
    path = Path(export_dir)
    if not path.exists():
        if path.parent.exists() and not path.parent.is_dir():
            raise DLCourseError(f"Cannot export to {path}: {path.parent} is a file. Choose another --export-dir.")
        return path
    if not path.is_dir():
        raise DLCourseError(f"Cannot export to {path}: it is a file. Choose another --export-dir.")
    others = sorted(p.name for p in path.iterdir() if not (p.name.isdigit() and p.is_dir()) and not _TMP.match(p.name))
    if others:
        shown = ", ".join(others[:3]) + (", ..." if len(others) > 3 else "")
        raise DLCourseError(
            f"Cannot export to {path}: it holds files that are not model versions ({shown}). "
            "Choose a new folder, e.g. --export-dir saved_models/NAME."
        )
    return path


def versions(model_dir):
    """The version numbers in `model_dir` that hold a SavedModel, ascending."""
    path = Path(model_dir)
    if not path.is_dir():
        return []
    return sorted(int(p.name) for p in path.iterdir()
                  if p.name.isdigit() and (p / "saved_model.pb").is_file())


def resolve_version(model_dir, version=None):
    """The folder of one version of the model in `model_dir` (the highest by default).

    `model_dir` may also be a version folder itself (it holds `saved_model.pb`).
    """
    path = Path(model_dir)
    if (path / "saved_model.pb").is_file() and version is None:
        return path
    found = versions(path)
    if not found:
        raise DLCourseError(
            f"No exported model in {path}: expected numbered versions (1/, 2/, ...) holding "
            "saved_model.pb. Export one with `dlcourse train RECIPE --export-dir DIR`."
        )
    if version is None:
        return path / str(found[-1])
    if int(version) not in found:
        raise DLCourseError(f"{path} has no version {version}. It has: {', '.join(map(str, found))}.")
    return path / str(int(version))


def write_version(export_dir, write, metadata):
    """Write the next version of `export_dir`: `write(tmp_path)` fills a new folder and
    returns extra metadata; `dlcourse.json` gets `metadata` and that, then the folder is
    renamed into place. Returns the new version's path."""
    root = check_target(export_dir)
    root.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(root)
    tmp = Path(tempfile.mkdtemp(dir=root, prefix=f".tmp-{os.getpid()}-"))
    try:
        extra = write(tmp) or {}
        number = (versions(root) or [0])[-1] + 1
        while True:  # Another process may take a number first: take the next one.
            write_json_atomic(tmp / METADATA_FILE, {"name": root.name, **metadata, **extra, "version": number})
            final = root / str(number)
            try:
                os.rename(tmp, final)
                return final
            except OSError:
                if not final.exists():
                    raise
                number += 1
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _remove_stale_temps(root):
    for p in root.iterdir():
        match = _TMP.match(p.name)
        if match and not process_alive(int(match.group(1))):
            shutil.rmtree(p, ignore_errors=True)
