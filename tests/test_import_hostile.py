"""Hostile and broken files give a clear message: never a crash, a hang or a silent change."""

from __future__ import annotations

import zipfile

import pytest

from placement_planner.io import load_workbooks
from placement_planner.io import readers
from workbooks import minimal_sheets, write_xlsx


def errors(result):
    return [p.message for p in result.problems.errors]


def test_formula_cells_use_cached_values_with_a_warning_and_error_cells_are_errors(tmp_path):
    import xlsxwriter

    path = tmp_path / "formulas.xlsx"
    sheets = minimal_sheets()
    write_xlsx(path, sheets)
    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        ws = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if name == "Capacity" and r == 1 and c == 5:
                    ws.write_formula(r, c, "=2+2", None, 4)          # cached value 4
                elif name == "Capacity" and r == 2 and c == 5:
                    ws.write_formula(r, c, "=1/0", None, "#DIV/0!")  # an error cell
                elif name == "Sites" and r == 2 and c == 1:
                    ws.write_formula(r, c, "=Z99", None, "#REF!")    # error in a text column
                elif hasattr(v, "year"):
                    ws.write_string(r, c, v.strftime("%d/%m/%Y"))
                elif v is not None:
                    ws.write(r, c, v)
    book.close()
    result = load_workbooks([path])
    assert any("hold formulas" in p.message and p.sheet == "Capacity" for p in result.problems.warnings)
    error_cells = [(p.sheet, p.row, p.column) for p in result.problems.errors if "Excel error" in p.message]
    assert ("Capacity", 3, "places") in error_cells
    assert ("Sites", 3, "site_name") in error_cells
    assert result.data.capacity["places"].tolist() == [4]


def test_xml_entity_bomb_is_refused(tmp_path):
    path = write_xlsx(tmp_path / "bomb.xlsx", minimal_sheets())
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + b"".join(b'<!ENTITY lol%d "&lol%d;&lol%d;&lol%d;&lol%d;">' % (i, i - 1, i - 1, i - 1, i - 1)
                       if i else b"" for i in range(1, 10))
            + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>')
    _replace_part(path, "xl/sharedStrings.xml", bomb)
    result = load_workbooks([path])
    assert any("declares XML entities" in m for m in errors(result))


def test_zip_bomb_is_refused_before_reading(tmp_path, monkeypatch):
    from placement_planner.io import safety

    path = write_xlsx(tmp_path / "zipbomb.xlsx", minimal_sheets())
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/padding.bin", b"\0" * 30_000_000)   # 30 MB of zeros: ~1000x
    monkeypatch.setattr(safety, "RATIO_CHECK_MIN_BYTES", 10_000_000)
    result = load_workbooks([path])
    assert any("zip bomb" in m for m in errors(result))
    monkeypatch.setattr(safety, "MAX_UNCOMPRESSED_BYTES", 20_000_000)
    monkeypatch.setattr(safety, "RATIO_CHECK_MIN_BYTES", 10**12)
    result = load_workbooks([path])
    assert any("would unpack to" in m for m in errors(result))


def test_too_many_rows_is_refused_with_a_limit_message(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_SHEET_ROWS", 50)
    sheets = minimal_sheets()
    sheets["Demand"] += [[f"X{i}", "Uni", "Adult Nursing", 1, "08/09/2025", 4, 51.5, -0.1] for i in range(100)]
    result = load_workbooks([write_xlsx(tmp_path / "big.xlsx", sheets)])
    assert any("at most 50 rows" in m for m in errors(result))


def test_password_protected_corrupt_empty_and_renamed_files(tmp_path):
    ole = tmp_path / "protected.xlsx"
    ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000)
    truncated = tmp_path / "truncated.xlsx"
    good = write_xlsx(tmp_path / "good.xlsx", minimal_sheets()).read_bytes()
    truncated.write_bytes(good[: len(good) // 2])
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    pdf = tmp_path / "report.xlsx"
    pdf.write_bytes(b"%PDF-1.7 not a spreadsheet")
    result = load_workbooks([ole, truncated, empty, pdf])
    text = "\n".join(errors(result))
    assert "password-protected" in text
    assert "not a valid workbook" in text or "not a readable spreadsheet" in text
    assert "empty (0 bytes)" in text
    assert "not really a .xlsx" in text
    assert result.data is None


def test_merged_title_cells_and_hidden_sheet(tmp_path):
    import xlsxwriter

    path = tmp_path / "merged.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheets = minimal_sheets()
    for name, rows in sheets.items():
        ws = book.add_worksheet(name)
        offset = 0
        if name == "Capacity":
            ws.merge_range(0, 0, 0, 5, "Placement capacity 2025/26 (merged title)")
            ws.merge_range(1, 3, 1, 4, "Dates")
            offset = 2
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                ws.write(r + offset, c, v.strftime("%d/%m/%Y") if hasattr(v, "year") else v)
        if name == "Demand":
            ws.hide()
    book.close()
    result = load_workbooks([path])
    assert not result.has_errors, [p.line() for p in result.problems]
    assert result.data.capacity["row"].tolist() == [4, 5]
    assert any("hidden" in p.message for p in result.problems.warnings)


def _replace_part(path, part, data):
    with zipfile.ZipFile(path) as src:
        items = [(i, src.read(i.filename)) for i in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, content in items:
            dst.writestr(info.filename, data if info.filename == part else content)
        if part not in {i.filename for i, _ in items}:
            dst.writestr(part, data)
