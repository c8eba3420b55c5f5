"""Import of the Journeys columns: every problem located at sheet, Excel row and the user's own header."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from placement_planner.io import load_workbooks, validate_planning_data
from tests.workbooks import LONDON, write_xlsx

# The user's own headers (aliases), as a trust's workbook might have them.
HEADER = ["Group ID", "University", "Course", "No. of students", "Start", "Weeks", "Setting", "Flex",
          "Journey ID", "Settings required"]
MON = dt.date(2025, 9, 1)      # a Monday


def _week(n: int) -> dt.date:
    return MON + dt.timedelta(weeks=n)


def _row(did, journey="J1", start=0, weeks=4, hei="Middlesex University", prof="Adult Nursing", learners=2,
         setting="", flex=0, required=""):
    return [did, hei, prof, learners, _week(start), weeks, setting, flex, journey, required]


def _sheets(demand_rows, capacity=None):
    cap = capacity if capacity is not None else [
        ["S1", "Adult Nursing", "Acute", MON, _week(40), 4],
        ["S2", "Adult Nursing", "Community", MON, _week(40), 4],
    ]
    return {
        "Sites": [["site_id", "site_name", "provider", "ics", "region", "latitude", "longitude"],
                  ["S1", "Royal Free", "Royal Free London", LONDON, "London", 51.553, -0.165],
                  ["S2", "Kentish Town Health Centre", "Central London Community", LONDON, "London", 51.55, -0.14]],
        "Capacity": [["site_id", "profession", "setting", "start_date", "end_date", "places"], *cap],
        "Demand": [list(HEADER), *demand_rows],
    }


def _load(tmp_path, demand_rows, capacity=None, extra=None):
    sheets = _sheets(demand_rows, capacity)
    sheets.update(extra or {})
    return load_workbooks([write_xlsx(tmp_path / "j.xlsx", sheets)])


def _only(problems, severity="ERROR"):
    found = [p for p in problems if p.severity.value == severity]
    assert len(found) == 1, [p.line() for p in problems]
    return found[0]


GOOD = [_row("D1", start=0, required="Acute, Community"), _row("D2", start=6), _row("D3", start=12),
        _row("D4", journey="", start=0, learners=1)]


def test_a_good_journey_loads_with_canonical_settings(tmp_path):
    result = _load(tmp_path, GOOD)
    assert not result.problems.errors and not result.problems.warnings, [p.line() for p in result.problems]
    demand = result.data.demand.set_index("demand_id")
    assert demand.loc[["D1", "D2", "D3"], "journey"].tolist() == ["J1"] * 3
    assert demand.loc["D4", "journey"] == ""
    assert demand.loc["D1", "required_settings"] == ("acute", "community")
    assert demand.loc["D2", "required_settings"] == ()


@pytest.mark.parametrize("column, header, change, value", [
    ("hei", "University", {"hei": "City St George's"}, "City St George's"),
    ("profession", "Course", {"prof": "Physiotherapy"}, "Physiotherapy"),
    ("learners", "No. of students", {"learners": 3}, "3"),
])
def test_rows_of_a_journey_that_disagree_are_errors_naming_the_first_row(tmp_path, column, header, change, value):
    rows = [_row("D1", start=0), _row("D2", start=6, **change), _row("D3", start=12)]
    result = _load(tmp_path, rows)
    p = _only(result.problems)
    assert (p.sheet, p.row, p.column) == ("Demand", 3, header)
    assert "Journey 'J1'" in p.message and "row 2" in p.message and value in p.message
    assert "give this row another Journey ID" in p.message
    assert result.data is not None and not (result.data.demand["journey"] == "J1").any()


def test_overlapping_windows_are_an_error_with_both_windows_and_rows(tmp_path):
    rows = [_row("D1", start=0, weeks=4), _row("D2", start=3, weeks=4)]
    p = _only(_load(tmp_path, rows).problems)
    assert (p.sheet, p.row, p.column) == ("Demand", 3, "Start")
    assert "22/09/2025 to 17/10/2025" in p.message      # this row's weeks, Monday to Friday
    assert "01/09/2025 to 26/09/2025" in p.message      # row 2's
    assert "row 2" in p.message and "Flex" in p.message


def test_windows_overlapping_only_through_flex_are_an_error(tmp_path):
    back_to_back = [_row("D1", start=0, weeks=4), _row("D2", start=4, weeks=4)]   # weeks 0-3, then 4-7
    assert not _load(tmp_path, back_to_back).problems.errors
    with_flex = [_row("D1", start=0, weeks=4, flex=1), _row("D2", start=4, weeks=4)]
    p = _only(_load(tmp_path, with_flex).problems)
    assert p.row == 3 and "flex 1 week either side included" in p.message
    assert "25/08/2025 to 03/10/2025" in p.message      # D1 widened by a week each side


def test_mid_week_starts_use_their_monday_for_overlap(tmp_path):
    rows = [_row("D1", start=0, weeks=4), _row("D2", start=4, weeks=2)]
    rows[1][4] = _week(3) + dt.timedelta(days=4)        # Friday of D1's last week
    p = _only(_load(tmp_path, rows).problems)
    assert p.row == 3 and p.column == "Start"


def test_more_required_settings_than_rows_is_an_error(tmp_path):
    rows = [_row("D1", start=0, required="acute, community, mental health"), _row("D2", start=6)]
    capacity = [["S1", "Adult Nursing", s, MON, _week(40), 4] for s in ("acute", "community", "mental health")]
    p = _only(_load(tmp_path, rows, capacity).problems)
    assert (p.row, p.column) == (2, "Settings required")
    assert "3 settings" in p.message and "only 2 placements" in p.message


def test_a_required_setting_every_row_is_fixed_away_from_is_an_error(tmp_path):
    rows = [_row("D1", start=0, setting="acute", required="community"), _row("D2", start=6, setting="acute")]
    p = _only(_load(tmp_path, rows).problems)
    assert (p.row, p.column) == (2, "Settings required")
    assert "'community'" in p.message and "(row 2)" in p.message and "(row 3)" in p.message


def test_a_required_setting_no_capacity_offers_is_a_warning(tmp_path):
    rows = [_row("D1", start=0, required="acute, comunity"), _row("D2", start=6)]
    result = _load(tmp_path, rows)
    assert not result.problems.errors
    p = _only(result.problems, "WARNING")
    assert (p.row, p.column) == (2, "Settings required")
    assert "cannot be placed" in p.message and "Did you mean 'community'?" in p.message


def test_a_required_setting_offered_only_outside_the_journeys_weeks_is_a_warning(tmp_path):
    capacity = [["S1", "Adult Nursing", "acute", MON, _week(40), 4],
                ["S2", "Adult Nursing", "community", _week(30), _week(40), 4]]
    rows = [_row("D1", start=0, required="acute, community"), _row("D2", start=6)]
    result = _load(tmp_path, rows, capacity)
    assert not result.problems.errors
    assert "in the weeks of its placements" in _only(result.problems, "WARNING").message
    rows[1] = _row("D2", start=30)
    assert not _load(tmp_path, rows, capacity).problems.items


def test_different_required_settings_on_several_rows_are_united_with_a_warning(tmp_path):
    rows = [_row("D1", start=0, required="acute"), _row("D2", start=6, required="community"),
            _row("D3", start=12, required="Acute")]
    result = _load(tmp_path, rows)
    assert not result.problems.errors
    p = _only(result.problems, "WARNING")
    assert p.column == "Settings required" and "rows 2, 3, 4" in p.message
    assert "must cover all of them: acute, community" in p.message


def test_the_same_list_on_every_row_is_fine(tmp_path):
    rows = [_row("D1", start=0, required="acute, community"), _row("D2", start=6, required="Community,acute")]
    assert not _load(tmp_path, rows).problems.items


def test_a_journey_of_one_row_is_allowed_but_noted_beside_longer_journeys(tmp_path):
    alone = [_row("D1", journey="J-ALONE", start=0, required="acute")]
    assert not _load(tmp_path, alone).problems.items
    rows = [_row("D1", journey="J-001", start=0), _row("D2", journey="J-001", start=6),
            _row("D3", journey="J-0O1", start=12)]
    result = _load(tmp_path, rows)
    assert not result.problems.errors
    p = _only(result.problems, "WARNING")
    assert (p.row, p.column) == (4, "Journey ID") and "Did you mean 'J-001'?" in p.message


def test_required_settings_without_a_journey_are_not_used_and_said_so(tmp_path):
    result = _load(tmp_path, [_row("D1", journey="", required="acute, community")])
    assert not result.problems.errors
    p = _only(result.problems, "WARNING")
    assert (p.row, p.column) == (2, "Settings required") and "no Journey ID" in p.message


def test_plain_contract_headers_and_other_aliases(tmp_path):
    sheets = _sheets([])
    sheets["Demand"] = [["demand_id", "hei", "profession", "learners", "start_date", "weeks", "Learner journey",
                         "Required placement settings"],
                        ["D1", "UCL", "Adult Nursing", 1, MON, 4, "A", "acute, community"],
                        ["D2", "UCL", "Adult Nursing", 1, _week(2), 4, "A", ""]]
    result = load_workbooks([write_xlsx(tmp_path / "a.xlsx", sheets)])
    p = _only(result.problems)
    assert (p.row, p.column) == (3, "start_date")
    assert result.data.demand["journey"].tolist() == []   # the whole journey is left out, not half of it


def test_a_pathway_column_is_not_read_as_a_journey(tmp_path):
    sheets = _sheets([])
    sheets["Demand"] = [["demand_id", "hei", "profession", "learners", "start_date", "weeks", "Pathway"],
                        ["D1", "UCL", "Adult Nursing", 1, MON, 4, "Apprenticeship"],
                        ["D2", "UCL", "Adult Nursing", 1, MON, 4, "Apprenticeship"]]
    result = load_workbooks([write_xlsx(tmp_path / "p.xlsx", sheets)])
    assert not result.problems.errors
    assert set(result.data.demand["journey"]) == {""}


def test_an_exported_journeys_sheet_is_an_output_sheet(tmp_path):
    journeys = [["journey", "demand_id", "learner", "site_id", "setting", "start_date", "weeks"],
                ["J1", "D1", 1, "S1", "acute", MON, 4]]
    result = _load(tmp_path, GOOD, extra={"Journeys": journeys, "Summary": [["key", "value"]]})
    assert not result.problems.items, [p.line() for p in result.problems]


def test_the_apps_recheck_finds_an_overlap_made_by_an_edit(tmp_path):
    data = _load(tmp_path, GOOD).data
    assert not validate_planning_data(data).errors
    demand = data.demand.copy()
    demand.loc[demand["demand_id"] == "D2", "start_date"] = demand.loc[demand["demand_id"] == "D1", "start_date"].iat[0]
    p = _only(validate_planning_data(dataclasses.replace(data, demand=demand)))
    assert (p.sheet, p.row, p.column) == ("Demand", 3, "Start") and "Journey 'J1'" in p.message


def test_the_apps_recheck_finds_a_learners_edit(tmp_path):
    data = _load(tmp_path, GOOD).data
    demand = data.demand.copy()
    demand.loc[demand["demand_id"] == "D3", "learners"] = 5
    p = _only(validate_planning_data(dataclasses.replace(data, demand=demand)))
    assert (p.row, p.column) == (4, "No. of students") and "row 2" in p.message


def test_an_exported_plan_with_journeys_reopens_with_the_inputs_problems_only(tmp_path):
    from pathlib import Path

    from placement_planner.cli import main

    sample = Path(__file__).resolve().parents[1] / "sample_data" / "journeys_demo.xlsx"
    out = tmp_path / "plan.xlsx"
    assert main(["solve", str(sample), "-o", str(out), "--time-limit", "20"]) == 0
    import openpyxl
    assert "Journeys" in openpyxl.load_workbook(out, read_only=True).sheetnames
    before, after = load_workbooks([sample]), load_workbooks([out])
    assert [(p.sheet, p.row, p.message) for p in after.problems] == \
        [(p.sheet, p.row, p.message) for p in before.problems]
    assert after.data.demand[["demand_id", "journey", "required_settings"]].equals(
        before.data.demand[["demand_id", "journey", "required_settings"]])


def test_messy_cells_numeric_ids_semicolons_and_case(tmp_path):
    rows = [_row("D1", journey=1001, start=0, required="Acute; COMMUNITY "), _row("D2", journey="1001 ", start=6),
            _row("D3", journey=1001.0, start=12, required=" icu")]
    capacity = [["S1", "Adult Nursing", s, MON, _week(40), 4] for s in ("acute", "community", "Critical Care")]
    result = _load(tmp_path, rows, capacity)
    assert not result.problems.errors
    p = _only(result.problems, "WARNING")      # the two rows' lists differ: united
    assert "acute, community, critical care" in p.message
    demand = result.data.demand
    assert set(demand["journey"]) == {"1001"}
    assert demand.loc[demand["demand_id"] == "D1", "required_settings"].iat[0] == ("acute", "community")
    assert demand.loc[demand["demand_id"] == "D3", "required_settings"].iat[0] == ("critical care",)
