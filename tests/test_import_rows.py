"""The row limit counts rows that hold data (streamed), not the sheet's declared used range."""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest
from openpyxl.styles import PatternFill

from placement_planner.io import load_workbooks
from placement_planner.io import safety
from placement_planner.io.problems import WorkbookError
from placement_planner.io.readers import MAX_SHEET_ROWS, read_file

ICB = "NHS Cheshire and Merseyside Integrated Care Board"


def _small_workbook(path, rows=10):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sites"
    sheet.append(["site_id", "provider", "ics", "region"])
    for i in range(rows):
        sheet.append([f"S{i}", "Trust", ICB, "North West"])
    book.save(path)
    return path


def _rewrite_sheet(src, dst, change):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            zout.writestr(item.filename, data)
    return dst


def test_huge_declared_used_range_with_ten_rows_loads(tmp_path):
    src = _small_workbook(tmp_path / "small.xlsx")
    path = _rewrite_sheet(src, tmp_path / "declared.xlsx",
                          lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml))
    with zipfile.ZipFile(path) as z:
        assert b'ref="A1:XFD1048576"' in z.read("xl/worksheets/sheet1.xml")
    (sheet,) = read_file(path)
    assert len(sheet.rows) == 11 and sheet.rows[10][0] == "S9"
    result = load_workbooks([path])
    assert not any("rows a sheet" in p.message for p in result.problems)


def test_formatted_but_empty_rows_far_below_do_not_count(tmp_path):
    src = _small_workbook(tmp_path / "small.xlsx")
    book = openpyxl.load_workbook(src)
    for row in (600_000, 1_048_576):
        book.active.cell(row=row, column=3).fill = PatternFill("solid", fgColor="FFFF00")
    book.save(tmp_path / "styled.xlsx")
    notes = safety.check_zip_container(tmp_path / "styled.xlsx", MAX_SHEET_ROWS)
    assert notes.rows["Sites"] == 11
    assert len(read_file(tmp_path / "styled.xlsx")[0].rows) == 11


def _million_rows(xml: bytes) -> bytes:
    head, _, rest = xml.partition(b"<sheetData>")
    _, _, end = rest.partition(b"</sheetData>")
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i) for i in range(1, 1_000_001))
    return head + b"<sheetData>" + rows + b"</sheetData>" + end


def test_a_real_million_row_sheet_is_still_refused(tmp_path):
    src = _small_workbook(tmp_path / "small.xlsx", rows=0)
    path = _rewrite_sheet(src, tmp_path / "million.xlsx", _million_rows)
    notes = safety.check_zip_container(path, MAX_SHEET_ROWS)
    assert MAX_SHEET_ROWS < notes.rows["Sites"] < 1_000_000     # the scan stops past the limit
    with pytest.raises(WorkbookError, match=r"more than 500,001 rows holding data.*at most 500,000"):
        read_file(path)


def test_formulas_and_error_cells_are_found_across_scan_chunks(tmp_path, monkeypatch):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Demand"
    sheet.append(["demand_id", "learners"])
    for i in range(2, 60):
        sheet.append([f"D{i}", f"=1+{i}" if i % 7 == 0 else i])
    book.save(tmp_path / "f.xlsx")
    path = _rewrite_sheet(tmp_path / "f.xlsx", tmp_path / "e.xlsx", lambda xml: xml.replace(
        b'<c r="B30" t="n"><v>30</v></c>', b'<c r="B30" t="e"><v>#REF!</v></c>'))
    whole = safety.check_zip_container(path, MAX_SHEET_ROWS)
    monkeypatch.setattr(safety, "_CHUNK_BYTES", 97)     # rows and cells cut across many reads
    pieces = safety.check_zip_container(path, MAX_SHEET_ROWS)
    assert pieces.rows == whole.rows == {"Demand": 59}
    assert pieces.formulas == whole.formulas and len(whole.formulas["Demand"]) == 8
    assert pieces.errors == whole.errors == {"Demand": [(30, 1, "#REF!")]}
