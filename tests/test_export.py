"""The output workbook: sheets, Excel tables, formats, text safety, atomic writes, round trip."""

from __future__ import annotations

import datetime as dt
import json
import math
import os

import openpyxl
import pandas as pd
import pytest

from placement_planner.build import build_planning_data
from placement_planner.domain import ALLOCATION_COLUMNS, Plan, PlanStatus, Settings
from placement_planner.io import load_workbooks
from placement_planner.io.export import ExportError, summary_json, write_plan_workbook
from workbooks import minimal_sheets, write_xlsx

MON = dt.date(2025, 9, 1)
NASTY = ["=SUM(A1:A9)", "+44 20 7946 0000", "-5", "@risk", "=HYPERLINK(\"http://x\")"]


def _data():
    sites = [{"site_id": "S1", "site_name": NASTY[0], "provider": NASTY[3], "ics": "NCL",
              "region": "London", "latitude": 51.5, "longitude": -0.1, "hub": NASTY[1]},
             {"site_id": "S2", "site_name": "Two", "provider": "P2", "ics": "NCL",
              "region": "London", "latitude": 51.6, "longitude": -0.2}]
    capacity = [{"site_id": "S1", "profession": "Physiotherapy", "setting": "acute",
                 "start_date": MON, "end_date": dt.date(2025, 10, 27), "places": 2}]
    demand = [{"demand_id": NASTY[2], "hei": NASTY[4], "profession": "Physiotherapy",
               "learners": 3, "start_date": dt.date(2025, 9, 3), "weeks": 4,
               "latitude": 51.5, "longitude": -0.12}]
    source = {
        "Sites": pd.DataFrame({"Site code": ["S1", "S2"], "Name": [NASTY[0], "Two"],
                               "Opened": [pd.Timestamp(2020, 1, 6), None],
                               "Beds": [12, float("nan")]}, dtype=object),
        "Demand": pd.DataFrame({"demand_id": [NASTY[2]], "hei": [NASTY[4]], "note": [NASTY[1]]},
                               dtype=object),
        "Allocations": pd.DataFrame({"demand_id": ["old"]}, dtype=object),  # replaced by the new plan
    }
    return build_planning_data(sites=sites, capacity=capacity, demand=demand, week0=MON,
                               settings=Settings(default_max_travel_km=40.0,
                                                 extra={"owner": "=cmd|' /C calc'!A0"}),
                               source_sheets=source)


def _plan():
    rows = pd.DataFrame([(NASTY[2], "S1", "acute", 0, 2, True)], columns=ALLOCATION_COLUMNS)
    return Plan(allocations=rows, status=PlanStatus.OPTIMAL, bound=2.0, gap=0.0, solve_seconds=0.25)


@pytest.fixture
def written(tmp_path):
    path = tmp_path / "plan.xlsx"
    write_plan_workbook(path, _data(), _plan())
    return path


def _rows(ws):
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_sheets_in_order_with_tables_and_frozen_headers(written):
    book = openpyxl.load_workbook(written)
    assert book.sheetnames == ["Summary", "Allocations", "Unplaced", "Gaps", "Utilisation",
                               "About this workbook", "Sites", "Demand", "Settings"]
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert len(ws.tables) == 1, ws.title
        table = next(iter(ws.tables.values()))
        assert table.ref.startswith("A1:")
        assert table.autoFilter is not None


def test_every_sheet_prints_landscape_one_page_wide_with_the_header_repeated(written):
    for ws in openpyxl.load_workbook(written).worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.fitToWidth in (None, 1), ws.title   # absent means 1 in OOXML
        assert ws.page_setup.fitToHeight == 0, ws.title            # as many pages down as needed
        assert ws.print_title_rows.replace("$", "") == "1:1", ws.title


def _widths(ws) -> dict[int, float]:
    """Column index -> width; openpyxl keys a run of equal widths by its first column."""
    out = {}
    for dim in ws.column_dimensions.values():
        for col in range(dim.min, dim.max + 1):
            out[col] = dim.width
    return out


def test_columns_are_wide_enough_for_their_headers_and_text(written):
    book = openpyxl.load_workbook(written)
    for ws in book.worksheets:
        widths = _widths(ws)
        for cell in ws[1]:
            assert len(str(cell.value)) <= widths[cell.column] <= 100, (ws.title, cell.value)
    alloc = book["Allocations"]
    header = [c.value for c in alloc[1]]
    assert _widths(alloc)[header.index("site_name") + 1] >= len(NASTY[0])


def test_summary_is_key_value_rows_with_numbers(written):
    ws = openpyxl.load_workbook(written)["Summary"]
    values = {r[0]: r[1] for r in _rows(ws)[1:]}
    assert values["learners_requested"] == 3 and values["learners_placed"] == 2
    assert values["bound"] == 2 and values["status"] == "optimal"
    assert values["min_group_fill"] == pytest.approx(2 / 3)
    assert values["solve_seconds"] == 0.25          # rounded only where people read it


def test_summary_adds_the_value_as_a_person_reads_it(written):
    rows = _rows(openpyxl.load_workbook(written)["Summary"])
    assert rows[0][:3] == ["key", "value", "shown_as"]
    shown = {r[0]: r[2] for r in rows[1:]}
    assert shown["status"] == "Best possible plan"
    assert shown["min_group_fill"] == "66.7 %"
    assert shown["gap"] == "0.0 %"
    assert shown["solve_seconds"] in ("0.2 s", "0.3 s")          # 0.25 s, as Python rounds it
    assert shown["learners_requested"] == "3"
    assert all(isinstance(r[1], (int, float)) for r in rows[1:] if r[0] != "status")


def test_shown_as_rounds_labels_and_separates_thousands():
    from placement_planner.io.export_about import shown_as
    assert shown_as("learners_placed", 14739) == "14,739"
    assert shown_as("weighted_placed", 14739.0) == "14,739"
    assert shown_as("bound", 14750.27) == "14,750.3"
    assert shown_as("bound", math.nan) == "no proven bound"
    assert shown_as("gap", 0.0345) == "3.5 %"
    assert shown_as("min_group_fill", 0.96) == "96.0 %"
    assert shown_as("learner_km", 123456.78) == "123,457 km"
    assert shown_as("solve_seconds", 0.4772) == "0.5 s"
    assert shown_as("solve_seconds", 125.4) == "2 min 05 s"
    assert shown_as("solve_seconds", 3725) == "1 h 02 min"
    assert shown_as("status", "time_limit") == "Stopped at the time limit (best plan found)"
    assert shown_as("status", "brand_new") == "Brand new"
    assert shown_as("learners_moved", 1200) == "1,200"


def test_about_sheet_explains_every_sheet_and_column(written):
    book = openpyxl.load_workbook(written)
    about = _rows(book["About this workbook"])
    assert about[0] == ["sheet", "column", "meaning"]
    described = {(r[0], r[1] or "") : r[2] for r in about[1:]}
    for ws in book.worksheets:
        assert described.get((ws.title, ""), ""), ws.title
        for cell in ws[1]:
            assert described.get((ws.title, cell.value)), (ws.title, cell.value)
    # the user's own headers are explained by what the planner read them as
    assert "read as site_id" in described[("Sites", "Site code")]
    assert "does not use" in described[("Sites", "Opened")]


def test_dates_are_dates_shown_uk_style(written):
    ws = openpyxl.load_workbook(written)["Allocations"]
    header = [c.value for c in ws[1]]
    cell = ws.cell(row=2, column=header.index("start_date") + 1)
    assert cell.value == dt.datetime(2025, 9, 1)
    assert cell.number_format == "dd/mm/yyyy"
    assert ws.cell(row=2, column=header.index("learners") + 1).value == 2
    assert ws.cell(row=2, column=header.index("locked") + 1).value is True
    sites = openpyxl.load_workbook(written)["Sites"]
    assert sites["C2"].value == dt.datetime(2020, 1, 6) and sites["C2"].is_date
    assert sites["D2"].value == 12 and sites["D3"].value is None


def test_extra_output_sheets_come_after_utilisation_and_are_described(tmp_path):
    import xlsxwriter

    from placement_planner.analysis import plan_report
    from placement_planner.io.export import TableWriter

    data, plan = _data(), _plan()
    advice = pd.DataFrame({"rank": [1], "site_id": ["S2"], "places": [2]})
    path = tmp_path / "advice.xlsx"
    book = xlsxwriter.Workbook(str(path))
    TableWriter(book, None).write_all(data, plan_report(data, plan), extra=[("Advice", advice, {})])
    book.close()
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[4:7] == ["Utilisation", "Advice", "About this workbook"]
    about = {(r[0], r[1] or ""): r[2] for r in _rows(wb["About this workbook"])[1:]}
    assert "Capacity row" in about[("Advice", "")] and "places per week" in about[("Advice", "places")]


def test_formula_looking_text_stays_text(written):
    book = openpyxl.load_workbook(written)
    seen = set()
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    seen.add(cell.value)
    assert set(NASTY) <= seen
    assert "=cmd|' /C calc'!A0" in seen


def test_previous_allocations_sheet_is_replaced_and_settings_reflect_data(written):
    book = openpyxl.load_workbook(written)
    alloc = _rows(book["Allocations"])
    assert alloc[1][0] == NASTY[2]
    settings = {r[0]: r[1] for r in _rows(book["Settings"])[1:]}
    assert settings["default_max_travel_km"] == "40"


def test_atomic_write_leaves_only_the_target(tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"old")
    write_plan_workbook(path, _data(), _plan())
    assert os.listdir(tmp_path) == ["plan.xlsx"]
    assert openpyxl.load_workbook(path).sheetnames[0] == "Summary"


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_new_file_gets_normal_permissions(tmp_path):
    path = tmp_path / "plan.xlsx"
    write_plan_workbook(path, _data(), _plan())
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


def test_file_open_in_excel_gives_clear_error_and_no_temp_file(tmp_path, monkeypatch):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"old")

    def locked(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(ExportError) as info:
        write_plan_workbook(path, _data(), _plan())
    assert "open in Excel" in info.value.message and "close it and try again" in info.value.message
    assert os.listdir(tmp_path) == ["plan.xlsx"]
    assert path.read_bytes() == b"old"


def test_missing_folder_is_an_export_error(tmp_path):
    with pytest.raises(ExportError, match="does not exist"):
        write_plan_workbook(tmp_path / "nope" / "plan.xlsx", _data(), _plan())


def test_summary_json_writes_nan_as_null(tmp_path):
    path = tmp_path / "s.json"
    summary_json(path, {"bound": math.nan, "learners_placed": 3, "status": "optimal"})
    assert json.loads(path.read_text()) == {"bound": None, "learners_placed": 3, "status": "optimal"}
    assert os.listdir(tmp_path) == ["s.json"]


def test_export_reloads_as_input_with_the_plan_as_previous(tmp_path):
    source = write_xlsx(tmp_path / "in.xlsx", minimal_sheets())
    loaded = load_workbooks([source])
    assert not loaded.has_errors, [p.line() for p in loaded.problems]
    data = loaded.data
    plan = Plan(allocations=pd.DataFrame([("D1", "S1", "acute", 1, 3, False),
                                          ("D2", "S2", "", 2, 1, True)], columns=ALLOCATION_COLUMNS),
                status=PlanStatus.OPTIMAL)
    out = write_plan_workbook(tmp_path / "out.xlsx", data, plan)
    again = load_workbooks([out])
    assert not again.has_errors, [p.line() for p in again.problems]
    # the output-only sheets (About this workbook too) are never taken for input sheets
    assert not [p for p in again.problems if "was not used" in p.message], [p.line() for p in again.problems]
    assert not [p for p in again.problems if p.sheet not in ("Sites", "Capacity", "Demand", "Locked",
                                                               "Allocations", "Settings")]
    for name in ("sites", "capacity", "demand"):
        mine = getattr(data, name).drop(columns="row").reset_index(drop=True)
        theirs = getattr(again.data, name).drop(columns="row").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, theirs, check_dtype=False)
    previous = again.data.previous[ALLOCATION_COLUMNS].sort_values("demand_id").reset_index(drop=True)
    expected = plan.allocations.sort_values("demand_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(previous, expected, check_dtype=False)
    assert again.data.settings == data.settings


def test_empty_plan_exports_and_reloads_without_problems(tmp_path):
    data = load_workbooks([write_xlsx(tmp_path / "in.xlsx", minimal_sheets())]).data
    empty = Plan(allocations=pd.DataFrame(columns=ALLOCATION_COLUMNS), status=PlanStatus.CANCELLED)
    out = write_plan_workbook(tmp_path / "out.xlsx", data, empty)
    again = load_workbooks([out])
    assert not again.has_errors, [p.line() for p in again.problems]
    assert len(again.data.previous) == 0
    unplaced = pd.read_excel(out, sheet_name="Unplaced")
    assert sorted(unplaced["demand_id"]) == ["D1", "D2"]
