"""Read spreadsheet files into raw sheets (cells as stored, positions as Excel numbers them)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from placement_planner.io.problems import LOCKED_MESSAGE, FileLockedError, WorkbookError, is_locked_error
from placement_planner.io.safety import CellNotes, check_zip_container

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
ZIP_SUFFIXES = {".xlsx", ".xlsm", ".ods"}
# Real planning sheets hold tens of thousands of rows; a sheet far beyond that is refused
# with a message instead of filling the laptop's memory.
MAX_SHEET_ROWS = 500_000
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}


@dataclass
class RawSheet:
    """One sheet as stored: ``rows[i][j]`` is the cell at Excel row i+1, column j+1."""

    name: str
    file: str           # file name (no folders), for messages
    path: Path
    rows: list[list]
    hidden: bool = False
    formula_cells: list[tuple[int, int]] = field(default_factory=list)   # (Excel row, column index)


def read_file(path: str | Path) -> list[RawSheet]:
    """Every sheet of one file. Raises WorkbookError with a plain-English message."""
    path = Path(path)
    if not path.exists():
        raise WorkbookError(path, "file not found. Check the name and folder.")
    if path.is_dir():
        raise WorkbookError(path, "this is a folder, not a spreadsheet file.")
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return [_read_csv(path)]
    if suffix in SPREADSHEET_SUFFIXES:
        return _read_spreadsheet(path)
    raise WorkbookError(path, f"'{suffix or 'no extension'}' files are not supported. "
                              "Save it as .xlsx (Excel workbook), .ods or .csv and open that.")


def _unreadable(path: Path, exc: OSError) -> WorkbookError:
    """Locked (Excel, OneDrive not downloaded) is a FileLockedError the app offers to retry."""
    if is_locked_error(exc):
        return FileLockedError(path, LOCKED_MESSAGE)
    return WorkbookError(path, f"the file cannot be read ({exc.strerror or exc}).")


def _read_spreadsheet(path: Path) -> list[RawSheet]:
    from python_calamine import CalamineWorkbook

    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise _unreadable(path, exc) from None
    if not head:
        raise WorkbookError(path, "the file is empty (0 bytes).")
    if head.startswith(b"\xd0\xcf\x11\xe0") and path.suffix.lower() in {".xlsx", ".xlsm"}:
        raise WorkbookError(path, "this workbook is password-protected (encrypted) or an old .xls saved "
                                  "with an .xlsx name. Remove the password in Excel (File > Info > Protect "
                                  "Workbook) or save it again as .xlsx.")
    notes = check_zip_container(path, MAX_SHEET_ROWS) if head.startswith(b"PK") else CellNotes()
    for name, n_rows in notes.rows.items():   # rows holding data, not the declared used range
        if n_rows > MAX_SHEET_ROWS + 1:
            raise WorkbookError(path, _too_many_rows(name, n_rows, counted=True))
    if path.suffix.lower() in ZIP_SUFFIXES and not head.startswith(b"PK"):
        if not head.startswith(b"\xd0\xcf\x11\xe0"):
            raise WorkbookError(path, f"the file is not a readable spreadsheet: it is not really a {path.suffix} "
                                      "file (it may be damaged, or another kind of file renamed).")
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except OSError as exc:
        raise _unreadable(path, exc) from None
    except Exception as exc:  # calamine raises its own error types for corrupt files
        raise WorkbookError(path, "the file is not a readable spreadsheet (it may be corrupt, "
                                  f"password-protected, or not really a {path.suffix} file): {_short(exc)}") from None
    sheets = []
    try:
        for meta in workbook.sheets_metadata:
            if str(meta.typ).rsplit(".", 1)[-1] != "WorkSheet":
                continue  # chart sheets hold no cells
            sheet = workbook.get_sheet_by_name(meta.name)
            if sheet.total_height > MAX_SHEET_ROWS + 1:
                raise WorkbookError(path, _too_many_rows(meta.name, sheet.total_height))
            rows = sheet.to_python(skip_empty_area=False)
            for row, col, text in notes.errors.get(meta.name, ()):
                if row - 1 < len(rows) and col < len(rows[row - 1]):
                    rows[row - 1][col] = text     # calamine returns error cells as blanks
            hidden = str(meta.visible).rsplit(".", 1)[-1] != "Visible"
            sheets.append(RawSheet(meta.name, path.name, path, rows, hidden,
                                   notes.formulas.get(meta.name, [])))
    except WorkbookError:
        raise
    except Exception as exc:
        raise WorkbookError(path, f"a sheet could not be read (the file may be damaged): {_short(exc)}") from None
    finally:
        try:
            workbook.close()
        except Exception:
            pass
    return sheets


def _read_csv(path: Path) -> RawSheet:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _unreadable(path, exc) from None
    if b"\x00" in data[:4096]:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data.decode("utf-16")
        else:
            raise WorkbookError(path, "this does not look like a text (CSV) file. Save the sheet from "
                                      "Excel as 'CSV UTF-8' or open the .xlsx workbook itself.")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")  # Excel's 'CSV' on Windows
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|") if sample.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), dialect)]
    return RawSheet(path.stem, path.name, path, rows)


def _too_many_rows(sheet: str, n_rows: int, counted: bool = False) -> str:
    # The streamed count stops just past the limit, so it says "more than", not a total.
    held = f"more than {MAX_SHEET_ROWS + 1:,} rows holding data" if counted else f"{n_rows:,} rows"
    return (f"sheet '{sheet}' has {held}; the planner reads at most {MAX_SHEET_ROWS:,} rows a sheet. "
            f"Remove unused rows, or split the data into several workbooks.")


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]
