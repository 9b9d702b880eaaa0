import gzip

import numpy as np
import pytest

from dlcourse.data import read_idx, write_idx
from dlcourse.errors import DLCourseError


@pytest.mark.parametrize("suffix", ["", ".gz"])
@pytest.mark.parametrize("dtype", [np.uint8, np.int32, np.float32])
def test_round_trip(tmp_path, suffix, dtype):
    array = (np.arange(2 * 3 * 4) * 3).astype(dtype).reshape(2, 3, 4)
    path = write_idx(tmp_path / f"a-idx3{suffix}", array)
    back = read_idx(path)
    assert back.dtype == np.dtype(dtype) and back.shape == (2, 3, 4)
    np.testing.assert_array_equal(back, array)


def test_header_is_big_endian_idx(tmp_path):
    path = write_idx(tmp_path / "labels-idx1", np.array([7, 2, 1], dtype=np.uint8))
    assert path.read_bytes() == bytes([0, 0, 0x08, 1, 0, 0, 0, 3, 7, 2, 1])


def test_truncated_file_is_an_error(tmp_path):
    path = write_idx(tmp_path / "x-idx3", np.ones((4, 5, 5), np.uint8))
    path.write_bytes(path.read_bytes()[:-7])
    with pytest.raises(DLCourseError, match="truncated.*needs 100 data bytes, found 93"):
        read_idx(path)


def test_truncated_header_is_an_error(tmp_path):
    path = tmp_path / "x-idx3"
    path.write_bytes(bytes([0, 0, 8, 3, 0, 0, 0]))
    with pytest.raises(DLCourseError, match="truncated inside its header"):
        read_idx(path)


def test_trailing_bytes_are_an_error(tmp_path):
    path = write_idx(tmp_path / "x-idx1", np.ones(5, np.uint8))
    path.write_bytes(path.read_bytes() + b"\x00")
    with pytest.raises(DLCourseError, match="longer than its header"):
        read_idx(path)


@pytest.mark.parametrize("magic", [b"\x01\x00\x08\x01", b"\x00\x00\x07\x01", b"PK\x03\x04"])
def test_bad_magic_is_an_error(tmp_path, magic):
    path = tmp_path / "x-idx1"
    path.write_bytes(magic + bytes([0, 0, 0, 1, 5]))
    with pytest.raises(DLCourseError, match="bad magic number"):
        read_idx(path)


# One header byte changed at a time in a valid file (uint8, shape (5,): 00 00 08 01 | 00 00 00 05),
# so each guard is tested by itself: every other byte still passes its own check.
ONE_BYTE_CHANGES = [
    (0, 0x01, "bad magic number 0x01000801"),
    (1, 0x01, "bad magic number 0x00010801"),  # Each zero byte of the magic is checked.
    (2, 0x07, "bad magic number 0x00000701"),  # Not a type code.
    (2, 0x0C, r"truncated: header \(5,\) needs 20 data bytes, found 5"),  # int32: 4 bytes each.
    (3, 0x00, r"truncated inside its header \(0 dimensions\)"),
    (3, 0x02, r"truncated: header \(5, 50398209\)"),  # The data 03 01 04 01 read as a size.
    (7, 0x06, r"truncated: header \(6,\) needs 6 data bytes, found 5"),
    (7, 0x04, "longer than its header says"),
]


@pytest.mark.parametrize("index, value, message", ONE_BYTE_CHANGES)
def test_each_header_byte_is_checked_alone(tmp_path, index, value, message):
    path = write_idx(tmp_path / "x-idx1", np.array([3, 1, 4, 1, 5], np.uint8))
    np.testing.assert_array_equal(read_idx(path), [3, 1, 4, 1, 5])  # Valid before the change.
    raw = bytearray(path.read_bytes())
    raw[index] = value
    path.write_bytes(bytes(raw))
    with pytest.raises(DLCourseError, match=message):
        read_idx(path)


def test_corrupt_gzip_is_an_error(tmp_path):
    path = tmp_path / "x-idx1.gz"
    path.write_bytes(gzip.compress(b"\x00\x00\x08\x01\x00\x00\x00\x02ab")[:-6])
    with pytest.raises(DLCourseError, match="not a valid gzip file"):
        read_idx(path)


def test_missing_file_is_an_error(tmp_path):
    with pytest.raises(DLCourseError, match="not found"):
        read_idx(tmp_path / "nope.gz")
