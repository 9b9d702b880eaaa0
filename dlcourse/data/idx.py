"""A strict reader for the IDX format of MNIST and Fashion-MNIST (plain or gzip).

The format (LeCun et al., http://yann.lecun.com/exdb/mnist/):

    bytes 0-1   0x00 0x00               magic: two zero bytes
    byte  2     type code               0x08 uint8, 0x09 int8, 0x0B int16,
                                        0x0C int32, 0x0D float32, 0x0E float64
    byte  3     ndim                    number of dimensions
    then        ndim big-endian uint32  the size of each dimension
    then        the data, big-endian, C order

Every field is checked; a truncated or corrupt file is a `DLCourseError` naming the
file and what is wrong, never silently wrong arrays.
"""

import gzip
import zlib
from pathlib import Path

import numpy as np

from dlcourse.errors import DLCourseError

_DTYPES = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def read_idx(path):
    """Read an IDX file (`.gz` or plain) into a numpy array of its declared shape.

    Args:
        path: the file, e.g. `train-images-idx3-ubyte.gz`.

    Returns:
        A numpy array, native byte order, e.g. uint8 of shape (60000, 28, 28).

    Raises:
        DLCourseError: the file is missing, not IDX, or shorter or longer than its header says.
    """
    path = Path(path)
    if not path.is_file():
        raise DLCourseError(f"IDX file not found: {path}. Check the path or re-install the dataset.")
    raw = _read_bytes(path)
    if len(raw) < 4:
        raise DLCourseError(f"{path} is not an IDX file: only {len(raw)} bytes. Re-download it.")
    if raw[0] != 0 or raw[1] != 0 or raw[2] not in _DTYPES:
        raise DLCourseError(
            f"{path} is not an IDX file: bad magic number 0x{raw[:4].hex()}. Re-download it."
        )
    dtype, ndim = _DTYPES[raw[2]], raw[3]
    header_size = 4 + 4 * ndim
    if ndim == 0 or len(raw) < header_size:
        raise DLCourseError(f"{path} is truncated inside its header ({ndim} dimensions). Re-download it.")
    shape = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    expected = int(np.prod(shape)) * dtype.itemsize
    actual = len(raw) - header_size
    if actual != expected:
        what = "truncated" if actual < expected else "longer than its header says"
        raise DLCourseError(
            f"{path} is {what}: header {shape} needs {expected} data bytes, found {actual}. Re-download it."
        )
    data = np.frombuffer(raw, dtype=dtype, offset=header_size).reshape(shape)
    return data.astype(dtype.newbyteorder("="), copy=True)


def write_idx(path, array):
    """Write `array` as an IDX file (gzip if `path` ends in `.gz`); used by tests and tools."""
    array = np.asarray(array)
    codes = {v.newbyteorder("=").str.lstrip("<>|="): k for k, v in _DTYPES.items()}
    code = codes.get(array.dtype.newbyteorder("=").str.lstrip("<>|="))
    if code is None:
        raise DLCourseError(
            f"IDX cannot store dtype {array.dtype}. Use one of uint8, int8, int16, int32, float32, float64.")
    header = bytes([0, 0, code, array.ndim]) + np.asarray(array.shape, dtype=">u4").tobytes()
    payload = header + array.astype(_DTYPES[code], copy=False).tobytes()
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wb") as f:
        f.write(payload)
    return path


def _read_bytes(path):
    if path.suffix != ".gz":
        return path.read_bytes()
    try:
        with gzip.open(path, "rb") as f:
            return f.read()
    except (OSError, EOFError, zlib.error) as err:  # Bad header, truncation, corrupt deflate stream.
        raise DLCourseError(f"{path} is not a valid gzip file ({err}). Re-download it.") from None
