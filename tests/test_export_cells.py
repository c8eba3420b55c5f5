"""The export's column-at-a-time cell writer: every kind of value comes back from the file as the
same value and kind (openpyxl and calamine, the loader's reader), text never as a formula, and the
table, filter, frozen header and print set-up cover every row."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from placement_planner.io.export import TableWriter

LONG = "x" * 40000
TEXTS = ["=SUM(A1:A9)", "  padded  ", "bell\x07here", "<r> rich & odd </r>", "_x0041_", "a & b < c > d",
         "emoji 😀", "", "+44 20 7946 0000", "-5"]


def _write(path, frame: pd.DataFrame, **options):
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                           "strings_to_numbers": False, "nan_inf_to_errors": False,
                                           "in_memory": True})
    writer = TableWriter(book, None)
    writer.sheet("Cells", frame, **options)
    book.close()
    return openpyxl.load_workbook(path)["Cells"]


def _column(ws, header):
    names = [c.value for c in ws[1]]
    return [row[names.index(header)] for row in ws.iter_rows(min_row=2)]


@pytest.fixture
def frame():
    n = len(TEXTS)
    when = pd.to_datetime(["2025-09-01", "1900-01-15", "1900-03-01", None, "2031-12-29 12:00",
                           "2025-09-08", "2025-09-15", "2026-02-23", "2024-02-29", "2025-01-06"], format="ISO8601")
    objects = [dt.date(2025, 9, 1), "text", 7, None, (1, 2), 2.5, True, dt.time(9, 30),
               pd.Timestamp("2025-09-01 10:00", tz="Europe/London"), float("nan")]
    return pd.DataFrame({
        "text": pd.Series(TEXTS, dtype=object),
        "text_dtype": pd.Series(TEXTS[:-1] + [None], dtype="str"),
        "integer": np.arange(n, dtype=np.int64) * 1_000_003,
        "decimal": [0.1, -2.5, math.nan, math.inf, 1e-7, 123456789.123, 0.0, -0.0, 3.0, 2 / 3],
        "flag": [True, False] * (n // 2),
        "date": when,
        "object_dates": pd.Series([dt.date(2025, 9, 1) + dt.timedelta(days=7 * i) for i in range(n - 1)]
                                  + [None], dtype=object),
        "object_numbers": pd.Series([1, 2.5, None, 4, 5, 6, 7, 8, 9, 10], dtype=object),
        "mixed": pd.Series(objects, dtype=object),
        "long": pd.Series([LONG] + ["short"] * (n - 1), dtype=object),
        "maybe": pd.Series([True, None, False] + [True] * (n - 3), dtype="boolean"),
    })


def test_every_kind_of_value_reads_back_as_itself(tmp_path, frame):
    ws = _write(tmp_path / "cells.xlsx", frame)
    text = _column(ws, "text")
    as_openpyxl_reads = [t.replace("\x07", "_x0007_") for t in TEXTS]   # calamine decodes _xHHHH_
    assert [c.value for c in text] == as_openpyxl_reads
    assert all(c.data_type == "s" for c in text)   # text, never a formula
    assert [c.value for c in _column(ws, "text_dtype")] == as_openpyxl_reads[:-1] + [None]
    assert [c.value for c in _column(ws, "integer")] == list(frame["integer"])
    assert all(c.number_format == "0" for c in _column(ws, "integer"))
    decimals = [c.value for c in _column(ws, "decimal")]
    expected = [None if not math.isfinite(v) else v for v in frame["decimal"]]
    assert decimals == expected
    assert [c.value for c in _column(ws, "flag")] == list(frame["flag"])
    dates = _column(ws, "date")
    assert [c.value for c in dates] == [None if pd.isna(v) else v.to_pydatetime() for v in frame["date"]]
    assert all(c.number_format == "dd/mm/yyyy" for c in dates if c.value is not None)
    assert [c.value for c in _column(ws, "object_dates")] == \
        [None if v is None else dt.datetime.combine(v, dt.time()) for v in frame["object_dates"]]
    assert [c.value for c in _column(ws, "object_numbers")] == [1, 2.5, None, 4, 5, 6, 7, 8, 9, 10]
    mixed = [c.value for c in _column(ws, "mixed")]
    assert mixed[:3] == [dt.datetime(2025, 9, 1), "text", 7]
    assert mixed[3] is None and mixed[4] == "1, 2" and mixed[5] == 2.5 and mixed[6] is True
    assert mixed[7] == dt.time(9, 30)
    assert mixed[8] == dt.datetime(2025, 9, 1, 10, 0)      # wall-clock time, zone dropped
    assert mixed[9] is None
    assert [c.value for c in _column(ws, "maybe")][:4] == [True, None, False, True]
    long = _column(ws, "long")
    assert long[0].value == LONG[:32767] and long[1].value == "short"


def test_calamine_reads_the_same_cells(tmp_path, frame):
    path = tmp_path / "cells.xlsx"
    _write(path, frame)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Cells").to_python()
    header = rows[0]
    assert header == list(frame.columns)
    text = [r[header.index("text")] for r in rows[1:]]
    assert text == TEXTS
    assert [r[header.index("integer")] for r in rows[1:]] == list(frame["integer"])
    assert rows[1][header.index("date")] in (dt.date(2025, 9, 1), dt.datetime(2025, 9, 1))
    assert rows[4][header.index("text")] == "<r> rich & odd </r>"


def test_table_filter_frozen_header_and_print_setup_cover_every_row(tmp_path):
    n = 5000
    frame = pd.DataFrame({"id": [f"D{i}" for i in range(n)], "learners": np.arange(n)})
    ws = _write(tmp_path / "big.xlsx", frame)
    table = next(iter(ws.tables.values()))
    assert table.ref == f"A1:B{n + 1}"
    assert table.autoFilter.ref == f"A1:B{n + 1}"
    assert ws.freeze_panes == "A2"
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$1"
    assert ws.max_row == n + 1
    assert ws.cell(n + 1, 1).value == f"D{n - 1}" and ws.cell(n + 1, 2).value == n - 1


def test_empty_and_one_row_frames_still_make_a_table(tmp_path):
    for n in (0, 1):
        frame = pd.DataFrame({"a": ["x"] * n, "b": [1] * n})
        ws = _write(tmp_path / f"t{n}.xlsx", frame)
        assert next(iter(ws.tables.values())).ref == "A1:B2"
        assert [c.value for c in ws[1]] == ["a", "b"]
        assert ws.max_row == 2 if n else ws.cell(2, 1).value is None
