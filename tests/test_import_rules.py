"""Every validation rule on a tiny workbook the test writes itself: kind, sheet, row, column."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from placement_planner.io import load_workbooks
from workbooks import write_xlsx, minimal_sheets


def load(tmp_path, sheets, name="in.xlsx"):
    return load_workbooks([write_xlsx(tmp_path / name, sheets)])


def only(problems, severity="ERROR"):
    return [p for p in problems if p.severity.value == severity]


def find(result, sheet, row, column, text, severity="ERROR"):
    hits = [p for p in result.problems if p.sheet == sheet and p.row == row and p.column == column
            and text in p.message and p.severity.value == severity]
    assert hits, "\n".join(p.line() for p in result.problems)
    return hits[0]


def test_minimal_workbook_is_valid(tmp_path):
    result = load(tmp_path, minimal_sheets())
    assert not result.has_errors, [p.line() for p in result.problems]
    data = result.data
    assert list(data.sites["site_id"]) == ["S1", "S2"]
    assert data.capacity["places"].tolist() == [4, 2]
    assert data.demand["learners"].tolist() == [3, 2]
    assert data.week0 == dt.date(2025, 9, 1)
    assert data.demand["start_week"].tolist() == [1, 2]
    assert data.sites.loc["S2", "quality"] == "ok"       # blank quality means ok


def mutate(fn):
    sheets = copy.deepcopy(minimal_sheets())
    fn(sheets)
    return sheets


@pytest.mark.parametrize("change, sheet, row, column, text", [
    (lambda s: s["Capacity"][1].__setitem__(0, "S9"), "Capacity", 2, "site_id", "not in the Sites sheet"),
    (lambda s: s["Sites"].append(["S1", "Dup", "X", "London", "London", 51.5, -0.1, "ok"]),
     "Sites", 4, "site_id", "used twice (first on row 2)"),
    (lambda s: s["Demand"][2].__setitem__(0, "D1"), "Demand", 3, "demand_id", "used twice"),
    (lambda s: s["Capacity"][1].__setitem__(4, dt.date(2025, 8, 1)), "Capacity", 2, "end_date", "is before"),
    (lambda s: s["Capacity"][2].__setitem__(5, -2), "Capacity", 3, "places", "cannot be negative"),
    (lambda s: s["Demand"][1].__setitem__(3, 0), "Demand", 2, "learners", "at least 1"),
    (lambda s: s["Demand"][2].__setitem__(5, 0), "Demand", 3, "weeks", "at least 1"),
    (lambda s: s["Demand"][1].__setitem__(3, 2.5), "Demand", 2, "learners", "not a whole number"),
    (lambda s: s["Sites"][1].__setitem__(5, -0.165) or s["Sites"][1].__setitem__(6, 51.553),
     "Sites", 2, "latitude", "look swapped"),
    (lambda s: s["Sites"][2].__setitem__(7, "great"), "Sites", 3, "quality", "Use ok, monitor or suspended"),
    (lambda s: s["Capacity"][1].__setitem__(3, "31/02/2025"), "Capacity", 2, "start_date", "not a date"),
    (lambda s: s["Demand"][1].__setitem__(4, "09/13/2025"), "Demand", 2, "start_date", "no month 13"),
    (lambda s: s["Sites"][1].__setitem__(2, ""), "Sites", 2, "provider", "is blank"),
    (lambda s: s["Demand"][1].__setitem__(6, None), "Demand", 2, "latitude", "Give both or neither"),
])
def test_each_rule_reports_sheet_row_and_column(tmp_path, change, sheet, row, column, text):
    result = load(tmp_path, mutate(change))
    find(result, sheet, row, column, text)
    assert result.has_errors


def test_capacity_site_typo_gets_did_you_mean(tmp_path):
    result = load(tmp_path, mutate(lambda s: s["Capacity"][1].__setitem__(0, "S1x")))
    assert "Did you mean 'S1'" in find(result, "Capacity", 2, "site_id", "not in the Sites").message


def test_rows_with_errors_are_left_out_and_every_problem_is_collected(tmp_path):
    def change(s):
        s["Capacity"][1][5] = -1             # error 1
        s["Demand"][1][3] = 0                # error 2
        s["Demand"][2][5] = 0                # error 3 (an unknown profession is no error: issue 11)
    result = load(tmp_path, mutate(change))
    assert len(result.problems.errors) == 3
    assert result.data.capacity["site_id"].tolist() == ["S2"]
    assert result.data.demand.empty


def test_missing_required_column_and_sheet(tmp_path):
    def change(s):
        s["Demand"][0][3] = "Learnres"
        del s["Capacity"]
    result = load(tmp_path, mutate(change))
    p = find(result, "Demand", 1, "learners", "Required column 'learners' is missing")
    assert "Did you mean 'Learnres'" in p.message
    assert any(p.sheet == "Capacity" and "No 'Capacity' sheet" in p.message for p in result.problems.errors)


def test_empty_sheet_is_an_error(tmp_path):
    result = load(tmp_path, mutate(lambda s: s.__setitem__("Demand", [])))
    assert any(p.sheet == "Demand" and "is empty" in p.message for p in result.problems.errors)


def test_locked_rows_unknown_ids_and_over_group(tmp_path):
    def change(s):
        s["Locked"] = [["demand_id", "site_id", "learners"],
                       ["D7", "S1", 1],          # unknown demand
                       ["D1", "S1", 2],
                       ["D1", "S1", 2],          # 4 > 3 learners of D1
                       ["D2", "S1", 1]]          # S1 offers no Physiotherapy
    result = load(tmp_path, mutate(change))
    find(result, "Locked", 2, "demand_id", "not in the Demand sheet")
    find(result, "Locked", 3, "learners", "only 3")
    find(result, "Locked", 5, "site_id", "offers no Physiotherapy places")
    assert result.data.locked.empty


def test_suspended_site_capacity_warns_and_locked_there_errors(tmp_path):
    def change(s):
        s["Sites"][1][7] = "suspended"
        s["Locked"] = [["demand_id", "site_id", "learners"], ["D1", "S1", 1]]
    result = load(tmp_path, mutate(change))
    find(result, "Capacity", 2, "site_id", "is suspended", severity="WARNING")
    find(result, "Locked", 2, "site_id", "is suspended")


def test_old_icb_name_maps_to_current_with_warning(tmp_path):
    result = load(tmp_path, mutate(lambda s: s["Sites"][1].__setitem__(3, "NHS Frimley ICB")))
    find(result, "Sites", 2, "ics", "before April 2026", severity="WARNING")
    assert result.data.sites.loc["S1", "ics"] != "NHS Frimley ICB"
    assert not result.has_errors


def test_unknown_preferred_site_and_restriction_warn(tmp_path):
    def change(s):
        s["Demand"][0] += ["preferred_sites", "ics"]
        s["Demand"][1] += ["S1, S8", "Nowhere ICS"]
        s["Demand"][2] += ["", ""]
    result = load(tmp_path, mutate(change))
    find(result, "Demand", 2, "preferred_sites", "'S8' is not in the Sites sheet", severity="WARNING")
    find(result, "Demand", 2, "ics", "No site in Sites", severity="WARNING")
    assert result.data.demand["preferred_sites"].iat[0] == ("S1", "S8")


def test_settings_are_typed_and_unknown_keys_kept(tmp_path):
    def change(s):
        s["Settings"] = [["key", "value"], ["default_max_travel_km", "35"], ["time_limit_s", 20],
                         ["objective_order", "placed, travel"], ["profession_weight Physio", 2],
                         ["colour", "blue"], ["threads", "zero"]]
    result = load(tmp_path, mutate(change))
    settings = result.data.settings
    assert settings.default_max_travel_km == 35 and settings.time_limit_s == 20
    assert [t.value for t in settings.tiers] == ["placed", "travel"]
    assert settings.profession_weights == {"Physiotherapy": 2.0}
    assert settings.extra == {"colour": "blue"}
    find(result, "Settings", 7, "value", "must be a number above 0")


def test_hidden_and_unknown_sheets_are_reported(tmp_path):
    sheets = minimal_sheets()
    sheets["Notes"] = [["anything"]]
    result = load(tmp_path, sheets)
    assert any(p.sheet == "Notes" and "was not used" in p.message for p in result.problems.warnings)
