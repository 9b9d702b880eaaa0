"""Components import no lesson: in a fresh interpreter, importing the component packages
loads neither matplotlib nor `dlcourse.classic`, `dlcourse.nn` or `dlcourse.studies`.

Imports run one way (components <- studies <- practicals) and matplotlib is imported
only inside the functions that draw. Keras itself tries `import matplotlib.pyplot` when
it is imported (keras/src/visualization, inside `try: ... except ImportError`), so the
probe refuses matplotlib to everyone and notes who asked: Keras may, our modules may not.
"""

import json
import subprocess
import sys

COMPONENTS = ("layers", "optimizers", "schedules", "callbacks", "models", "data", "export", "training", "interpret", "tuning",
              "metrics")
LESSONS = ("dlcourse.classic", "dlcourse.nn", "dlcourse.studies")

_PROBE = """
import importlib, json, sys


class RefuseMatplotlib:
    askers = []

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] != "matplotlib":
            return None
        frame = sys._getframe(1)
        while frame is not None and "importlib" in frame.f_globals.get("__name__", "importlib"):
            frame = frame.f_back
        self.askers.append(frame.f_globals["__name__"] if frame is not None else "?")
        raise ImportError("matplotlib refused by the import probe")


sys.meta_path.insert(0, RefuseMatplotlib())
lessons, errors = {}, {}
for name in PACKAGES:
    try:
        importlib.import_module("dlcourse." + name)
    except ImportError as error:
        errors["dlcourse." + name] = str(error)
    for lesson in LESSONS:
        if lesson in sys.modules and lesson not in lessons:
            lessons[lesson] = "dlcourse." + name
ours = sorted({a for a in RefuseMatplotlib.askers if a.split(".")[0] == "dlcourse"})
print(json.dumps({"lessons": lessons, "matplotlib_asked_by": ours, "errors": errors}))
"""


def _probe(packages):
    code = f"PACKAGES = {packages!r}\nLESSONS = {LESSONS!r}\n" + _PROBE
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_components_load_no_lesson_and_no_matplotlib():
    report = _probe(COMPONENTS)
    assert report == {"lessons": {}, "matplotlib_asked_by": [], "errors": {}}, report


def test_the_probe_sees_a_forbidden_import():
    # The same probe on modules that draw and teach must report them: the check above can
    # fail. (`nn` and `plots` load without TensorFlow: this control takes a second.)
    report = _probe(("plots", "nn"))
    assert report["matplotlib_asked_by"] == ["dlcourse.plots"]
    assert report["lessons"] == {"dlcourse.nn": "dlcourse.nn"}
