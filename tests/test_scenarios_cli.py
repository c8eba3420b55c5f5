"""The scenario commands end to end: `solve --scenario`, `compare`, `validate` on a Scenarios sheet."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pandas as pd
import pytest

from placement_planner.cli import main
from placement_planner.io import load_workbooks
from workbooks import minimal_sheets, write_xlsx

SUMMARY_KEYS = ["learners_requested", "learners_placed", "weighted_placed", "bound", "gap", "min_group_fill",
                "kept_from_previous", "preferred_placed", "learner_km", "status", "solve_seconds"]


def _sheets():
    sheets = minimal_sheets()
    sheets["Scenarios"] = [
        ["scenario", "change", "site_id", "provider", "hei", "profession", "from_date", "to_date", "value"],
        ["Theatres close", "withdraw", "S1", "", "", "", dt.date(2025, 10, 6), dt.date(2025, 10, 20), None],
        ["Theatres close", "scale_demand", "", "", "Middlesex University", "", None, None, 1.5],
        ["Later start", "shift_start", "", "", "Middlesex University", "", None, None, 2],
        ["More physio", "add_places", "S2", "", "", "Physiotherapy", dt.date(2025, 9, 1), dt.date(2025, 9, 29), 2],
    ]
    return sheets


@pytest.fixture
def workbook(tmp_path):
    return write_xlsx(tmp_path / "in.xlsx", _sheets())


def _table(path, sheet):
    book = openpyxl.load_workbook(path, read_only=True)
    rows = list(book[sheet].values)
    book.close()
    return pd.DataFrame(rows[1:], columns=rows[0])


def test_solve_scenario_writes_the_scenarios_data_and_learners_moved(workbook, tmp_path, capsys):
    out, js = tmp_path / "out.xlsx", tmp_path / "out.json"
    assert main(["solve", str(workbook), "--scenario", "theatres CLOSE", "-o", str(out),
                 "--summary-json", str(js)]) == 0
    summary = json.loads(js.read_text())
    assert summary["learners_requested"] == 5 + 2          # D1 3 x 1.5 = 4.5 -> 5
    # D1 (6 weeks from 08/09) cannot fit around the withdrawn weeks at S1: its 3 baseline learners moved
    assert summary["learners_moved"] == 3 and summary["learners_placed"] == 2
    names = openpyxl.load_workbook(out, read_only=True).sheetnames
    assert "Scenarios" not in names and {"Summary", "Allocations", "Capacity", "Demand"} <= set(names)
    capacity = _table(out, "Capacity")
    s1 = capacity[capacity["site_id"] == "S1"]
    assert [(pd.Timestamp(a).date(), pd.Timestamp(b).date()) for a, b in zip(s1["start_date"], s1["end_date"])] == \
        [(dt.date(2025, 9, 1), dt.date(2025, 10, 5)), (dt.date(2025, 10, 27), dt.date(2025, 12, 15))]
    summary_sheet = _table(out, "Summary").set_index("key")["value"]
    assert int(summary_sheet["learners_moved"]) == 3
    # The output reads back as the scenario's data.
    again = load_workbooks([out])
    assert not again.has_errors
    assert again.data.learners_requested == 7 and again.scenarios is None


def test_solve_unknown_scenario_is_exit_1_listing_the_names(workbook, tmp_path, capsys):
    out = tmp_path / "out.xlsx"
    assert main(["solve", str(workbook), "--scenario", "Nope", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "'Nope'" in err and "'Theatres close', 'Later start', 'More physio'" in err
    assert not out.exists()


def test_compare_writes_the_three_sheets_and_json(workbook, tmp_path, capsys):
    out, js = tmp_path / "cmp.xlsx", tmp_path / "cmp.json"
    assert main(["compare", str(workbook), "-o", str(out), "--summary-json", str(js), "--time-limit", "20"]) == 0
    assert openpyxl.load_workbook(out, read_only=True).sheetnames == ["Compare", "Compare by area", "Moves"]
    compare = _table(out, "Compare")
    assert list(compare.columns) == ["scenario", *SUMMARY_KEYS, "learners_moved"]
    assert compare["scenario"].tolist() == ["baseline", "Theatres close", "Later start", "More physio"]
    body = json.loads(js.read_text())
    assert set(body) == {"baseline", "scenarios"}
    assert list(body["scenarios"]) == ["Theatres close", "Later start", "More physio"]
    for name, figures in body["scenarios"].items():
        assert set(SUMMARY_KEYS) <= set(figures)
        row = compare[compare["scenario"] == name].iloc[0]
        assert row["learners_moved"] == figures["learners_moved"]
    assert body["scenarios"]["Theatres close"]["learners_moved"] == 3
    assert body["scenarios"]["Later start"]["learners_moved"] == 3     # same site, two weeks later
    assert body["scenarios"]["More physio"]["learners_moved"] == 0
    moves = _table(out, "Moves")
    assert list(moves.columns) == ["scenario", "demand_id", "hei", "profession", "learners", "from_site_id",
                                   "to_site_id", "from_start", "to_start"]
    per = moves.groupby("scenario")["learners"].sum().to_dict()
    assert per == {"Theatres close": 3, "Later start": 3}
    later = moves[moves["scenario"] == "Later start"].iloc[0]
    assert (later["from_site_id"], later["to_site_id"]) == ("S1", "S1")
    assert pd.Timestamp(later["to_start"]) - pd.Timestamp(later["from_start"]) == pd.Timedelta(days=14)
    closed = moves[moves["scenario"] == "Theatres close"].iloc[0]
    assert closed["to_site_id"] in (None, "")
    area = _table(out, "Compare by area")
    assert list(area.columns) == ["scenario", "profession", "region", "unmet_learners", "change_vs_baseline"]
    row = area[(area["scenario"] == "Theatres close") & (area["profession"] == "Adult Nursing")].iloc[0]
    assert (row["region"], row["unmet_learners"], row["change_vs_baseline"]) == ("London", 5, 5)


def test_compare_without_scenarios_is_exit_1(tmp_path, capsys):
    path = write_xlsx(tmp_path / "in.xlsx", minimal_sheets())
    assert main(["compare", str(path), "-o", str(tmp_path / "c.xlsx")]) == 1
    assert "no Scenarios sheet" in capsys.readouterr().err


def test_validate_reports_scenario_rows(tmp_path, capsys):
    sheets = _sheets()
    sheets["Scenarios"].append(["Typo", "withdrawl", "S1", "", "", "", dt.date(2025, 10, 6), None, None])
    path = write_xlsx(tmp_path / "in.xlsx", sheets)
    assert main(["validate", str(path)]) == 1
    lines = [l for l in capsys.readouterr().out.splitlines() if l.startswith("ERROR")]
    assert lines == ["ERROR\tScenarios\trow 6\tchange\t'withdrawl' is not a change the planner knows. Did you "
                     "mean 'withdraw'? Use one of: add_places, withdraw, scale_demand, shift_start, travel_limit."]


def test_scenarios_survive_a_plain_solve_and_reopen(workbook, tmp_path, capsys):
    out = tmp_path / "plan.xlsx"
    assert main(["solve", str(workbook), "-o", str(out)]) == 0
    first = load_workbooks([workbook]).scenarios
    again = load_workbooks([out])
    assert not again.has_errors
    assert again.scenarios.names == first.names
    assert again.scenarios.changes == first.changes
