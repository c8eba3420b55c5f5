"""A workbook held open by Excel (exclusive lock) or a OneDrive cloud-only file that is not
downloaded: a typed FileLockedError in the core, a plain message on the command line (no
traceback) and a file the app can offer to retry."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from placement_planner.cli import main
from placement_planner.io import load_workbooks
from placement_planner.io.problems import FileLockedError, WorkbookError, is_locked_error
from placement_planner.io.readers import read_file

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


def _lock(monkeypatch, name: str, error: OSError) -> None:
    real_open = Path.open

    def open_(self, *args, **kwargs):
        if self.name == name:
            raise error
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_)


def _cloud_error(path) -> OSError:
    exc = OSError(22, "The cloud file provider is not running", str(path), 362)
    if getattr(exc, "winerror", None) is None:      # POSIX: no winerror slot; set it as Windows would
        exc.winerror = 362
    return exc


@pytest.fixture
def locked_copy(tmp_path):
    path = tmp_path / "LOCKED.xlsx"
    shutil.copy(SAMPLE / "demo_supply.xlsx", path)
    return path


def test_validate_on_a_locked_workbook_prints_a_plain_message_and_exits_1(monkeypatch, capsys, locked_copy):
    _lock(monkeypatch, locked_copy.name, PermissionError(13, "Permission denied", str(locked_copy)))
    assert main(["validate", str(locked_copy)]) == 1
    out, err = capsys.readouterr()
    assert "LOCKED.xlsx" in out
    assert "open in another program (for example Excel) or not yet downloaded by OneDrive" in out
    assert "Traceback" not in out + err and "PermissionError" not in out + err
    assert "1 error(s)" in err


def test_a_cloud_only_file_is_locked_and_a_broken_one_is_not(monkeypatch, locked_copy, tmp_path):
    _lock(monkeypatch, locked_copy.name, _cloud_error(locked_copy))
    with pytest.raises(FileLockedError) as raised:
        read_file(locked_copy)
    assert "OneDrive" in raised.value.message
    result = load_workbooks([locked_copy, SAMPLE / "demo_demand.xlsx"])
    assert result.locked == [locked_copy] and result.has_errors
    # Any other read failure stays a plain WorkbookError, not one the app would retry.
    broken = tmp_path / "broken.xlsx"
    shutil.copy(SAMPLE / "demo_supply.xlsx", broken)
    _lock(monkeypatch, broken.name, OSError(5, "Input/output error", str(broken)))
    with pytest.raises(WorkbookError) as raised:
        read_file(broken)
    assert not isinstance(raised.value, FileLockedError)
    assert "Input/output error" in raised.value.message
    assert load_workbooks([broken]).locked == []


def test_locked_csv_is_locked_too(monkeypatch, tmp_path):
    path = tmp_path / "Demand.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    real = Path.read_bytes

    def read_bytes(self):
        if self == path:
            raise PermissionError(13, "Permission denied", str(path))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    with pytest.raises(FileLockedError):
        read_file(path)


def test_which_os_errors_count_as_locked():
    assert is_locked_error(PermissionError(13, "denied"))
    sharing = OSError(22, "The process cannot access the file", "x.xlsx", 32)
    if getattr(sharing, "winerror", None) is None:
        sharing.winerror = 32          # ERROR_SHARING_VIOLATION, as Windows sets it
    assert is_locked_error(sharing)
    assert is_locked_error(_cloud_error("x.xlsx"))
    assert not is_locked_error(OSError(2, "No such file"))
    assert not is_locked_error(OSError(5, "Input/output error"))
