"""Journeys in the output workbook (contract v2, "Journeys"): the Journeys sheet from a hand-built
plan, the Summary's variety figure, the About sheet, unplaced reasons for whole journeys, and a
re-opened export that is planned and written again."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pandas as pd
import pytest

from placement_planner.analysis import plan_report
from placement_planner.domain import ALLOCATION_COLUMNS, JOURNEY_COLUMNS, Plan, PlanStatus
from placement_planner.io import load_workbooks
from placement_planner.io.export import summary_json, write_plan_workbook
from workbooks import CAPACITY_HEADER, SITES_HEADER, write_xlsx

MON = dt.date(2025, 9, 1)
LONDON = "NHS North Central London Integrated Care Board"
HEADER = ["demand_id", "hei", "profession", "learners", "start_date", "weeks", "latitude", "longitude",
          "journey", "required_settings"]


def _sheets():
    nurse = "Adult Nursing"
    return {
        "Sites": [list(SITES_HEADER),
                  ["S1", "Royal Free", "Royal Free London", LONDON, "London", 51.553, -0.165, "ok"],
                  ["S2", "Whittington", "Whittington Health", LONDON, "London", 51.566, -0.139, "ok"]],
        "Capacity": [list(CAPACITY_HEADER),
                     ["S1", nurse, "acute", MON, dt.date(2025, 12, 28), 4],
                     ["S1", nurse, "community", MON, dt.date(2025, 12, 28), 2],
                     ["S2", nurse, "community", MON, dt.date(2025, 12, 28), 2],
                     # J2's second placement (from 03/11/2025) finds nothing: places end 26/10/2025
                     ["S2", "Physiotherapy", "", MON, dt.date(2025, 10, 26), 3]],
        "Demand": [list(HEADER),
                   # J1: two learners, acute then community (required)
                   ["J1-a", "Middlesex University", nurse, 2, MON, 4, 51.59, -0.23, "J1", ""],
                   ["J1-b", "Middlesex University", nurse, 2, dt.date(2025, 10, 6), 4, 51.59, -0.23, "J1",
                    "community"],
                   # J2: physio, its second row has no places in its weeks
                   ["J2-a", "City St George's", "Physiotherapy", 1, MON, 4, 51.53, -0.10, "J2", ""],
                   ["J2-b", "City St George's", "Physiotherapy", 1, dt.date(2025, 11, 3), 4, 51.53, -0.10,
                    "J2", ""],
                   # J3: requires a mental health placement nobody offers
                   ["J3-a", "City St George's", nurse, 1, MON, 2, 51.53, -0.10, "J3", "mental health"],
                   ["J3-b", "City St George's", nurse, 1, dt.date(2025, 10, 6), 2, 51.53, -0.10, "J3", ""],
                   # J4: places are free for both placements, the (hand-built) plan leaves it out
                   ["J4-a", "Kingston University", nurse, 1, dt.date(2025, 11, 3), 2, 51.53, -0.10, "J4", ""],
                   ["J4-b", "Kingston University", nurse, 1, dt.date(2025, 12, 1), 2, 51.53, -0.10, "J4", ""],
                   # not a journey
                   ["D9", "Middlesex University", nurse, 1, MON, 2, 51.59, -0.23, "", ""]],
    }


def _plan(data) -> Plan:
    week = {d: int(w) for d, w in zip(data.demand["demand_id"], data.demand["start_week"])}
    alloc = pd.DataFrame([("J1-a", "S1", "acute", week["J1-a"], 2, False),
                          ("J1-b", "S2", "community", week["J1-b"], 1, False),
                          ("J1-b", "S1", "community", week["J1-b"], 1, False),
                          ("D9", "S1", "acute", week["D9"], 1, False)], columns=ALLOCATION_COLUMNS)
    # learner 2 goes back to S1: one repeat (the variety tier)
    paths = pd.DataFrame([("J1", "J1-b", 1, "S2", "community", week["J1-b"], 4),
                          ("J1", "J1-a", 1, "S1", "acute", week["J1-a"], 4),
                          ("J1", "J1-a", 2, "S1", "acute", week["J1-a"], 4),
                          ("J1", "J1-b", 2, "S1", "community", week["J1-b"], 4)], columns=JOURNEY_COLUMNS)
    return Plan(allocations=alloc, status=PlanStatus.FEASIBLE, journeys=paths, tier_values={"variety": 1.0},
                bound=8.0, solve_seconds=0.5)


@pytest.fixture
def case(tmp_path):
    loaded = load_workbooks([write_xlsx(tmp_path / "in.xlsx", _sheets())])
    assert not loaded.has_errors, [p.line() for p in loaded.problems]
    data = loaded.data
    plan = _plan(data)
    out = write_plan_workbook(tmp_path / "out.xlsx", data, plan)
    return data, plan, out


def _rows(ws):
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_journeys_sheet_one_row_per_placed_learner_per_row_in_path_order(case):
    data, plan, out = case
    book = openpyxl.load_workbook(out)
    assert book.sheetnames.index("Journeys") == book.sheetnames.index("Utilisation") + 1
    ws = book["Journeys"]
    rows = _rows(ws)
    assert rows[0][:7] == ["journey", "demand_id", "learner", "site_id", "setting", "start_date", "weeks"]
    assert rows[0][7:] == ["site_name", "hei", "profession"]
    body = [r[:7] for r in rows[1:]]
    oct6 = dt.datetime(2025, 10, 6)
    assert body == [["J1", "J1-a", 1, "S1", "acute", dt.datetime(2025, 9, 1), 4],
                    ["J1", "J1-b", 1, "S2", "community", oct6, 4],
                    ["J1", "J1-a", 2, "S1", "acute", dt.datetime(2025, 9, 1), 4],
                    ["J1", "J1-b", 2, "S1", "community", oct6, 4]]
    assert [r[7] for r in rows[1:]] == ["Royal Free", "Whittington", "Royal Free", "Royal Free"]
    assert all(ws.cell(i, 6).number_format == "dd/mm/yyyy" and ws.cell(i, 6).is_date for i in range(2, 6))
    assert next(iter(ws.tables.values())).ref == "A1:J5" and ws.freeze_panes == "A2"


def test_summary_counts_repeated_sites_and_the_about_sheet_explains_journeys(case, tmp_path):
    data, plan, out = case
    book = openpyxl.load_workbook(out)
    summary = {r[0]: r[1] for r in _rows(book["Summary"])[1:]}
    assert summary["variety_repeats"] == 1
    keys = [r[0] for r in _rows(book["Summary"])[1:]]
    assert keys[:11] == ["learners_requested", "learners_placed", "weighted_placed", "bound", "gap",
                         "min_group_fill", "kept_from_previous", "preferred_placed", "learner_km", "status",
                         "solve_seconds"]
    meaning = {r[0]: r[3] for r in _rows(book["Summary"])[1:]}
    assert "journey" in meaning["variety_repeats"]
    report = plan_report(data, plan)
    path = summary_json(tmp_path / "s.json", report.summary)
    assert json.loads(path.read_text())["variety_repeats"] == 1
    about = _rows(book["About this workbook"])
    described = {(r[0], r[1]) for r in about[1:]}
    for column in ("", "journey", "demand_id", "learner", "site_id", "setting", "start_date", "weeks"):
        assert ("Journeys", column) in described
    assert all(r[2] for r in about[1:] if r[0] == "Journeys")


def test_variety_is_counted_from_the_paths_when_the_solver_gave_none(case):
    data, plan, _ = case
    plan.tier_values = {}
    assert plan_report(data, plan).summary["variety_repeats"] == 1


def test_unplaced_journey_rows_say_the_whole_journey_was_not_placed_and_why(case):
    data, plan, out = case
    unplaced = pd.read_excel(out, sheet_name="Unplaced").set_index("demand_id")
    assert "J1-a" not in unplaced.index and "J1-b" not in unplaced.index
    # J2: its second row has no places in its weeks; both rows say so, naming that row
    for row in ("J2-a", "J2-b"):
        reason = unplaced.loc[row, "reason"]
        assert reason.startswith("journey J2 was not placed for its 1 learner (")
        assert "every one of its 2 placements" in reason
        assert unplaced.loc[row, "reason_code"] == "no_places_in_weeks"
    assert "placement J2-b: no Physiotherapy places" in unplaced.loc["J2-a", "reason"]
    assert "this placement: no Physiotherapy places" in unplaced.loc["J2-b", "reason"]
    assert "03/11/2025" in unplaced.loc["J2-a", "reason"]
    # J3: a required setting no site offers
    for row in ("J3-a", "J3-b"):
        assert unplaced.loc[row, "reason_code"] == "required_setting"
        assert "'mental health'" in unplaced.loc[row, "reason"]
    # J4: places free for each placement on its own; the plan left the journey out
    assert unplaced.loc["J4-a", "reason_code"] == "journey"
    assert "free for each placement on its own" in unplaced.loc["J4-a", "reason"]
    assert "plan status: feasible" in unplaced.loc["J4-a", "reason"]


def test_reopened_export_replaces_its_journeys_sheet(case, tmp_path):
    data, plan, out = case
    again = load_workbooks([out])
    assert not again.has_errors, [p.line() for p in again.problems]
    assert list(again.data.demand["journey"]) == list(data.demand["journey"])
    second = write_plan_workbook(tmp_path / "second.xlsx", again.data, plan)
    names = openpyxl.load_workbook(second).sheetnames
    assert names.count("Journeys") == 1
    assert _rows(openpyxl.load_workbook(second)["Journeys"]) == _rows(openpyxl.load_workbook(out)["Journeys"])


def test_no_journeys_no_sheet_and_no_variety_figure(tmp_path):
    sheets = _sheets()
    sheets["Demand"] = [r[:8] for r in sheets["Demand"]]
    data = load_workbooks([write_xlsx(tmp_path / "in.xlsx", sheets)]).data
    plan = Plan(allocations=pd.DataFrame(columns=ALLOCATION_COLUMNS), status=PlanStatus.OPTIMAL)
    out = write_plan_workbook(tmp_path / "out.xlsx", data, plan)
    book = openpyxl.load_workbook(out)
    assert "Journeys" not in book.sheetnames
    assert "variety_repeats" not in [r[0] for r in _rows(book["Summary"])]


def test_journeys_but_none_placed_gives_a_header_only_sheet(tmp_path):
    data = load_workbooks([write_xlsx(tmp_path / "in.xlsx", _sheets())]).data
    plan = Plan(allocations=pd.DataFrame(columns=ALLOCATION_COLUMNS), status=PlanStatus.CANCELLED)
    out = write_plan_workbook(tmp_path / "out.xlsx", data, plan)
    rows = _rows(openpyxl.load_workbook(out)["Journeys"])
    assert rows[0][:7] == ["journey", "demand_id", "learner", "site_id", "setting", "start_date", "weeks"]
    assert all(v is None for r in rows[1:] for v in r)
    summary = {r[0]: r[1] for r in _rows(openpyxl.load_workbook(out)["Summary"])[1:]}
    assert summary["variety_repeats"] == 0
