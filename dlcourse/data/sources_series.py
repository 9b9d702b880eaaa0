"""Series sources: real time series that install offline, as float32 1-D arrays.

    sunspots   statsmodels: yearly sunspot numbers 1700-2008 (309 values, no gaps)
    co2        statsmodels: weekly Mauna Loa CO2 in ppm, March 1958 - December 2001
               (2,284 weeks; 59 missing weeks filled by linear interpolation in time,
               so the weekly spacing the models see stays regular)
    your own   `$DLCOURSE_DATA_DIR/<name>/<name>.npy` (read without pickles) or
               `<name>.csv` (one number per line, `#` comments)

A source's `load` returns `(values, source)`, checked by `checks.series` (finite, 1-D).
"""

import importlib.util

import numpy as np

from dlcourse.data import checks
from dlcourse.data.sources import DataDirSource, data_dir_entry
from dlcourse.errors import DLCourseError


def read_sunspots():
    from statsmodels.datasets import sunspots

    return sunspots.load_pandas().data["SUNACTIVITY"].to_numpy()


def read_co2():
    from statsmodels.datasets import co2

    weekly = co2.load_pandas().data["co2"]
    # Linear in time between the neighbouring measured weeks; the ends are measured.
    return weekly.interpolate(method="time").to_numpy()


_STATSMODELS = {"sunspots": read_sunspots, "co2": read_co2}


class Statsmodels:
    """A series that ships inside `statsmodels.datasets`."""

    def describe(self, spec):
        return f"statsmodels.datasets.{spec.name} (bundled)"

    def present(self, spec):
        return importlib.util.find_spec("statsmodels") is not None

    def load(self, spec):
        label = self.describe(spec)
        return checks.series(_STATSMODELS[spec.name](), label), label


class SeriesDataDir(DataDirSource):
    """`$DLCOURSE_DATA_DIR/<name>/<name>.npy` or `<name>.csv`."""

    def load(self, spec):
        entry = data_dir_entry(spec)
        npy, csv = entry / f"{spec.name}.npy", entry / f"{spec.name}.csv"
        if npy.is_file():
            return checks.series(_read_npy(npy), str(npy)), str(npy)
        if csv.is_file():
            return checks.series(_read_csv(csv), str(csv)), str(csv)
        raise DLCourseError(f"{entry} has neither {npy.name} nor {csv.name}. Add one, "
                            "or remove the folder to use another source.")


def _read_npy(path):
    try:
        values = np.load(path, allow_pickle=False)
    except ValueError as err:
        raise DLCourseError(f"{path} holds Python objects or a pickle ({err}); refused because loading it "
                            "could run code. Save a numeric array with np.save.") from None
    except (OSError, EOFError) as err:
        raise DLCourseError(f"{path} is not a readable .npy file ({err}). Re-create it with np.save.") from None
    if not isinstance(values, np.ndarray):
        values.close()
        raise DLCourseError(f"{path} is an .npz archive, expected one array. Save it with np.save.")
    return values


def _read_csv(path):
    try:
        return np.loadtxt(path, dtype=np.float64, comments="#", ndmin=1)
    except ValueError as err:
        first = str(err).splitlines()[0]
        raise DLCourseError(f"{path} is not one number per line ({first}). Fix the file.") from None
