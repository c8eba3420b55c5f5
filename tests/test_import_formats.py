"""Messy but normal workbooks: title rows, aliases, dates in every form, CSV/ODS, several files."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from placement_planner.io import load_workbooks
from workbooks import LONDON, minimal_sheets, write_xlsx


def test_title_rows_aliases_text_numbers_and_blank_rows(tmp_path):
    sheets = minimal_sheets()
    sheets["Placement Capacity"] = [
        ["North London placement offers 2025/26"], [], ["Prepared by the hub", None, "v3"],
        ["Site Code", "Discipline", "Placement setting", "Wk commencing", "Until", "No. of places"],
        ["S1 ", " RN Adult", "Acute", "01/09/2025", "15/12/2025", " 4 "],
        [], [None, None, None],
        ["S2", "Physio", None, "2025-09-01", 46006, "2"],
    ]
    del sheets["Capacity"]
    sheets["students"] = [["Ref", "University", "Course", "No. of students", "Start", "Duration (weeks)",
                           "Lat", "Long"],
                          ["D1", "Middlesex University", "RN Adult", "3", "08/09/2025", 6, 51.59, -0.23]]
    del sheets["Demand"]
    result = load_workbooks([write_xlsx(tmp_path / "messy.xlsx", sheets)])
    assert not result.has_errors, [p.line() for p in result.problems]
    cap = result.data.capacity
    assert cap["site_id"].tolist() == ["S1", "S2"]
    assert cap["profession"].tolist() == ["Adult Nursing", "Physiotherapy"]
    assert cap["setting"].tolist() == ["acute", ""]
    assert cap["places"].tolist() == [4, 2]
    assert cap["row"].tolist() == [5, 8]                       # Excel rows, title rows counted
    assert cap["end_date"].iat[1] == pd.Timestamp("2025-12-15")  # serial 46006
    assert result.data.demand["learners"].tolist() == [3]


@pytest.mark.parametrize("cell", [dt.date(2025, 9, 3), "03/09/2025", "3/9/2025", "03-09-2025", "3/9/25",
                                  "2025-09-03", "2025-09-03 00:00:00", "3 Sep 2025", "03-Sep-2025",
                                  45903, "45903"])
def test_dates_in_every_accepted_form(tmp_path, cell):
    sheets = minimal_sheets()
    sheets["Demand"][1][4] = cell
    result = load_workbooks([write_xlsx(tmp_path / "d.xlsx", sheets)])
    assert not result.has_errors, [p.line() for p in result.problems]
    assert result.data.demand["start_date"].iat[0] == pd.Timestamp("2025-09-03")


def test_csv_files_name_their_sheet_and_cp1252_and_bom_are_read(tmp_path):
    sheets = minimal_sheets()
    for name in ("Sites", "Capacity"):
        frame = pd.DataFrame(sheets[name][1:], columns=sheets[name][0])
        frame.to_csv(tmp_path / f"{name.lower()}.csv", index=False, encoding="utf-8-sig",
                     date_format="%d/%m/%Y")
    demand = pd.DataFrame(sheets["Demand"][1:], columns=sheets["Demand"][0])
    demand.loc[0, "hei"] = "Université de Café"
    demand["start_date"] = [d.strftime("%d/%m/%Y") for d in demand["start_date"]]
    demand.to_csv(tmp_path / "Demand 2025.csv", index=False, encoding="cp1252")
    paths = [tmp_path / "sites.csv", tmp_path / "capacity.csv", tmp_path / "Demand 2025.csv"]
    result = load_workbooks(paths)
    assert not result.has_errors, [p.line() for p in result.problems]
    assert result.data.demand["hei"].iat[0] == "Université de Café"
    assert result.data.capacity["start_date"].iat[0] == pd.Timestamp("2025-09-01")


def test_ods_workbook(tmp_path):
    sheets = minimal_sheets()
    path = tmp_path / "in.ods"
    with pd.ExcelWriter(path, engine="odf") as writer:
        for name, rows in sheets.items():
            pd.DataFrame(rows[1:], columns=rows[0]).to_excel(writer, sheet_name=name, index=False)
    result = load_workbooks([path])
    assert not result.has_errors, [p.line() for p in result.problems]
    assert result.data.demand["learners"].tolist() == [3, 2]


def test_supply_and_demand_in_separate_files_and_two_demand_files(tmp_path):
    sheets = minimal_sheets()
    supply = write_xlsx(tmp_path / "supply.xlsx", {k: sheets[k] for k in ("Sites", "Capacity")})
    d1 = write_xlsx(tmp_path / "uni_a.xlsx", {"Demand": sheets["Demand"][:2]})
    d2 = write_xlsx(tmp_path / "uni_b.xlsx", {"Demand": [sheets["Demand"][0], sheets["Demand"][2]]})
    result = load_workbooks([supply, d1, d2])
    assert not result.has_errors, [p.line() for p in result.problems]
    assert result.data.demand["demand_id"].tolist() == ["D1", "D2"]


def test_unreadable_and_unsupported_files_give_messages(tmp_path):
    bad = tmp_path / "notes.docx"
    bad.write_bytes(b"PK\x03\x04 not really")
    fake = tmp_path / "fake.xlsx"
    fake.write_text("hello, I am not a workbook")
    result = load_workbooks([bad, fake, tmp_path / "missing.xlsx"])
    messages = [p.message for p in result.problems.errors]
    assert any("not supported" in m for m in messages)
    assert any("not a readable spreadsheet" in m for m in messages)
    assert any("file not found" in m for m in messages)
    assert result.data is None


def test_source_sheets_keep_values_as_loaded(tmp_path):
    sheets = minimal_sheets()
    sheets["Sites"][1][1] = "=HYPERLINK(\"x\")"
    result = load_workbooks([write_xlsx(tmp_path / "in.xlsx", sheets)])
    source = result.data.source_sheets["Sites"]
    assert list(source.columns[:3]) == ["site_id", "site_name", "provider"]
    assert source.iloc[0, 1] == "=HYPERLINK(\"x\")"
    assert source.iloc[1, 3] == LONDON
