"""Write a plan as the contract's output workbook (and its Summary as JSON), atomically.

The workbook is for people: Excel tables with filters, a frozen header row, dates shown
dd/mm/yyyy, numbers as numbers. Text from the inputs is always written as text, never as
a formula. Files are written to a temporary file beside the target and moved into place,
so a reader never sees half a workbook; a target held open by Excel raises ExportError.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import numbers
import os
import re
import tempfile
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import xlsxwriter

from placement_planner.analysis import PlanReport, plan_report
from placement_planner.domain import Plan, PlanningData
from placement_planner.io.export_about import ABOUT_COLUMNS, ABOUT_SHEET, SUMMARY_NOTES, about_frame, summary_frame
from placement_planner.io.settings_sheet import settings_rows

__all__ = ["ExportError", "SUMMARY_NOTES", "TableWriter", "atomic_write", "summary_json",
           "write_plan_workbook"]

# Input sheets written back after the output sheets, in this order; the previous plan's
# Allocations sheet is replaced by the new one, and Settings is rewritten from data.settings.
_INPUT_ORDER = ("Sites", "Capacity", "Demand", "Locked")
_REPLACED = {"allocations", "settings", "summary", "unplaced", "gaps", "utilisation"}

class ExportError(Exception):
    """The output could not be written; ``message`` says what to do, in plain English."""

    def __init__(self, path: str | os.PathLike, message: str) -> None:
        super().__init__(message)
        self.path = Path(path)
        self.message = message


def write_plan_workbook(path: str | os.PathLike, data: PlanningData, plan: Plan, *,
                        progress=None, report: PlanReport | None = None) -> Path:
    """Write the output workbook to ``path`` (replacing it) and return the path."""
    path = Path(path)
    _report(progress, "export: computing tables", 0.0)
    report = report or plan_report(data, plan)

    def build(tmp: str) -> None:
        book = xlsxwriter.Workbook(tmp, {"strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False, "nan_inf_to_errors": False})
        try:
            TableWriter(book, progress).write_all(data, report)
        finally:
            book.close()

    atomic_write(path, build)
    _report(progress, "export: done", 1.0)
    return path


def summary_json(path: str | os.PathLike, summary: dict) -> Path:
    """The Summary figures as one JSON object (NaN written as null), atomically."""
    clean = {k: (None if isinstance(v, float) and not math.isfinite(v) else _plain(v))
             for k, v in summary.items()}
    text = json.dumps(clean, indent=2, ensure_ascii=False) + "\n"

    def build(tmp: str) -> None:
        Path(tmp).write_text(text, encoding="utf-8")

    path = Path(path)
    atomic_write(path, build)
    return path


# ---- atomic replace ---------------------------------------------------------------------

def atomic_write(path: Path, build: Callable[[str], None]) -> None:
    """Build the file at a temporary path beside ``path``, then move it into place."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise ExportError(path, f"{path} is a folder; give a file name to write.")
    if not folder.is_dir():
        raise ExportError(path, f"The folder {folder} does not exist; create it or choose another.")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix or ".tmp",
                                   dir=folder)
    except OSError as exc:
        raise ExportError(path, f"Cannot write to the folder {folder} ({exc.strerror or exc}); "
                                f"choose a folder you can save in.") from exc
    os.close(fd)
    try:
        build(tmp)
        _set_mode(tmp, path)
        os.replace(tmp, path)
    except PermissionError as exc:
        _remove(tmp)
        raise ExportError(path, f"{path.name} is open in Excel (or another program), so it cannot "
                                f"be replaced; close it and try again.") from exc
    except OSError as exc:
        _remove(tmp)
        raise ExportError(path, f"Could not write {path.name}: {exc.strerror or exc}.") from exc
    except BaseException:
        _remove(tmp)
        raise


def _set_mode(tmp: str, path: Path) -> None:
    """mkstemp makes owner-only files; give the output the mode a normal save would."""
    try:
        mode = path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    try:
        os.chmod(tmp, mode)
    except OSError:
        pass


def _remove(tmp: str) -> None:
    try:
        os.remove(tmp)
    except OSError:
        pass


def _report(progress, phase: str, fraction: float) -> None:
    if progress is not None:
        progress.report(phase, fraction=fraction)


def _plain(value):
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    return value


# ---- the workbook -----------------------------------------------------------------------

class TableWriter:
    """Writes DataFrames as formatted Excel tables, cell by typed cell, each ready to print."""

    def __init__(self, book: xlsxwriter.Workbook, progress) -> None:
        self.book = book
        self.progress = progress
        self.header = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self.date = book.add_format({"num_format": "dd/mm/yyyy"})
        self.integer = book.add_format({"num_format": "0"})
        self.decimal = book.add_format({"num_format": "#,##0.0"})
        self.general = book.add_format({"num_format": "General"})
        self.percent = book.add_format({"num_format": "0.0%"})
        self.text = book.add_format({"num_format": "@"})
        self.tables: set[str] = set()

    def write_all(self, data: PlanningData, report: PlanReport, extra: list | tuple = ()) -> None:
        """The output workbook's sheets; ``extra`` (name, frame, sheet() options) rows are more
        output sheets (Advice, Journeys...), written after Utilisation and described in About."""
        outputs = [("Summary", summary_frame(report.summary),
                    {"formats": {"value": self.general}, "widths": {"meaning": 80}}),
                   ("Allocations", report.allocations, {"formats": {"distance_km": self.decimal}}),
                   ("Unplaced", report.unplaced, {"widths": {"reason": 90}}),
                   ("Gaps", report.gaps, {}),
                   ("Utilisation", report.utilisation, {"formats": {"utilisation": self.percent}}),
                   *extra]
        sources = dict(data.source_sheets)
        names = [n for n in _INPUT_ORDER if n in sources]
        names += [n for n in sources if n not in names and n.lower() not in _REPLACED]
        inputs = [(name, sources[name], {"source": True}) for name in names]
        inputs.append(("Settings", pd.DataFrame(settings_rows(data.settings), columns=["key", "value"],
                                                dtype=object), {}))
        listed = outputs + [(ABOUT_SHEET, pd.DataFrame(columns=ABOUT_COLUMNS), {})] + inputs
        about = about_frame([(name, headers(frame), options.get("source", False))
                             for name, frame, options in listed])
        for name, frame, options in outputs:
            self.sheet(name, frame, **options)
        self.sheet(ABOUT_SHEET, about, widths={"sheet": 20, "column": 24, "meaning": 90})
        for i, (name, frame, options) in enumerate(inputs):
            _report(self.progress, f"export: writing input sheet {name}", 0.8 + 0.15 * i / len(inputs))
            self.sheet(name, frame, **options)

    def sheet(self, name: str, frame: pd.DataFrame, *, formats: dict | None = None,
              widths: dict | None = None, source: bool = False):
        """One DataFrame as an Excel table on a new sheet; returns the worksheet."""
        _report(self.progress, f"export: writing {name}", None)
        ws = self.book.add_worksheet(name[:31])
        formats, widths = formats or {}, widths or {}
        names = headers(frame)
        n = len(frame)
        for col, (header, series) in enumerate(zip(names, frame.items())):
            values = series[1]
            fmt = formats.get(header)
            width = self._column(ws, col, values, fmt, source)
            ws.set_column(col, col, widths.get(header, min(max(width, len(header)) + 2, 60)))
        if names:
            table = {"name": self._table_name(name), "style": "Table Style Medium 2",
                     "columns": [{"header": h, "header_format": self.header} for h in names]}
            ws.add_table(0, 0, max(n, 1), len(names) - 1, table)
        ws.freeze_panes(1, 0)
        print_setup(ws)
        return ws

    def _column(self, ws, col: int, values: pd.Series, fmt, source: bool) -> int:
        """Write one column from row 1 down; returns a width that fits its contents."""
        dtype = values.dtype
        width = 8
        if pd.api.types.is_bool_dtype(dtype):
            for row, v in enumerate(values.to_numpy(), start=1):
                ws.write_boolean(row, col, bool(v))
            return 8
        if pd.api.types.is_datetime64_any_dtype(dtype):
            for row, v in enumerate(values.dt.tz_localize(None) if getattr(values.dt, "tz", None)
                                    else values, start=1):
                if not pd.isna(v):
                    ws.write_datetime(row, col, v.to_pydatetime(), fmt or self.date)
            return 12
        if pd.api.types.is_integer_dtype(dtype) and not values.isna().any():
            for row, v in enumerate(values.to_numpy(), start=1):
                ws.write_number(row, col, int(v), fmt or self.integer)
            return max(width, len(str(values.max())) if len(values) else 0)
        if pd.api.types.is_float_dtype(dtype):
            for row, v in enumerate(values.to_numpy(dtype=float), start=1):
                if math.isfinite(v):
                    ws.write_number(row, col, v, fmt)
            return 12
        cells = values.to_numpy(dtype=object)
        kind = pd.api.types.infer_dtype(cells, skipna=True)
        if kind == "string":  # the common case, written without per-cell type tests
            write_string = ws.write_string
            for row, v in enumerate(cells, start=1):
                if v is not None and v == v:
                    write_string(row, col, v)
            sample = [len(v) for v in cells[:5000] if isinstance(v, str)]
            return max([width] + sample)
        if kind in ("floating", "integer", "mixed-integer-float", "decimal"):
            write_number = ws.write_number
            for row, v in enumerate(cells, start=1):
                if v is not None and v == v and math.isfinite(v):
                    write_number(row, col, float(v), fmt)
            return 12
        for row, v in enumerate(cells, start=1):
            used = self._cell(ws, row, col, v, fmt)
            if row <= 5000:  # enough rows to size the column by
                width = max(width, used)
        return width

    def _cell(self, ws, row: int, col: int, v, fmt) -> int:
        """One value of any type, written as its own kind; text always as text."""
        if v is None or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
            return 0
        if isinstance(v, (bool, np.bool_)):
            ws.write_boolean(row, col, bool(v))
            return 5
        if isinstance(v, numbers.Number) and not isinstance(v, complex):
            number = float(v)
            if math.isfinite(number):
                ws.write_number(row, col, number, fmt)
                return len(f"{number:g}")
            ws.write_string(row, col, str(v))
            return len(str(v))
        if isinstance(v, (dt.datetime, dt.date)):
            if isinstance(v, pd.Timestamp):
                v = v.tz_localize(None).to_pydatetime() if v.tzinfo else v.to_pydatetime()
            elif isinstance(v, dt.datetime) and v.tzinfo:
                v = v.replace(tzinfo=None)
            ws.write_datetime(row, col, v, self.date)
            return 12
        if isinstance(v, dt.time):
            ws.write_datetime(row, col, v, self.book.add_format({"num_format": "hh:mm"}))
            return 8
        text = v if isinstance(v, str) else (", ".join(map(str, v)) if isinstance(v, (tuple, list))
                                             else str(v))
        ws.write_string(row, col, text)
        return len(text)

    def _table_name(self, sheet: str) -> str:
        base = "".join(ch if ch.isalnum() else "_" for ch in sheet) or "Table"
        base = base if base[0].isalpha() else f"T_{base}"
        name, i = base, 1
        while name.lower() in self.tables or _looks_like_cell(name):
            i += 1
            name = f"{base}_{i}"
        self.tables.add(name.lower())
        return name


def print_setup(ws) -> None:
    """Landscape A4, one page wide, the header row on every page, sheet name and page numbers."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_header("&L&A")
    ws.set_footer("&LPage &P of &N")


def headers(frame: pd.DataFrame) -> list[str]:
    """The frame's column names as Excel table headers (text, never blank, unique ignoring case)."""
    return _unique([_header(c, i) for i, c in enumerate(frame.columns)])


def _header(column, i: int) -> str:
    text = "" if column is None or (isinstance(column, float) and math.isnan(column)) else str(column)
    return text.strip() or f"Column {i + 1}"


def _unique(headers: list[str]) -> list[str]:
    """Excel table headers must differ ignoring case."""
    seen: set[str] = set()
    out = []
    for h in headers:
        name, i = h, 1
        while name.lower() in seen:
            i += 1
            name = f"{h} ({i})"
        seen.add(name.lower())
        out.append(name)
    return out


def _looks_like_cell(name: str) -> bool:
    """Excel refuses table names that read as a cell reference (A1, XFD9, R1C1)."""
    return bool(re.fullmatch(r"[A-Za-z]{1,3}\d+|[Rr]\d*[Cc]?\d*", name))
