"""files.write_new: a new file beside the earlier ones, never half-written, nothing left behind
when writing or the step the rename belongs to fails (report exports and the province roll-up)."""

from __future__ import annotations

import os
import stat
from contextlib import contextmanager

import pytest

from dukcapil_tui import files


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "out"
    path.mkdir()
    return path


def test_a_new_file_takes_the_first_free_name_and_is_private(folder):
    (folder / "rekap.xlsx").write_bytes(b"earlier")
    path, written = files.write_new(folder / "rekap.xlsx", lambda partial: partial.write_bytes(b"new"))
    assert path == folder / "rekap_v2.xlsx" and path.read_bytes() == b"new" and written == 3
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert (folder / "rekap.xlsx").read_bytes() == b"earlier"
    assert sorted(p.name for p in folder.iterdir()) == ["rekap.xlsx", "rekap_v2.xlsx"]


def test_a_failure_while_writing_leaves_nothing(folder):
    def breaks(partial):
        partial.write_bytes(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        files.write_new(folder / "rekap.xlsx", breaks)
    assert list(folder.iterdir()) == []


def test_a_failure_in_the_step_the_rename_belongs_to_leaves_nothing(folder):
    seen = []

    @contextmanager
    def refused(final, written):
        seen.append((final.name, written, final.exists()))  # the name is reserved while it runs
        raise KeyboardInterrupt
        yield

    with pytest.raises(KeyboardInterrupt):
        files.write_new(folder / "rekap.xlsx", lambda partial: partial.write_bytes(b"abc"), refused)
    assert seen == [("rekap.xlsx", 3, True)]
    assert list(folder.iterdir()) == []  # neither the temporary file nor the reserved name
