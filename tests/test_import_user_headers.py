"""Messages name the column as the user's own sheet heads it (an alias), not the contract's name."""

from __future__ import annotations

import copy

from placement_planner.io import load_workbooks
from workbooks import minimal_sheets, write_xlsx


def load(tmp_path, sheets):
    return load_workbooks([write_xlsx(tmp_path / "in.xlsx", sheets)])


def hit(result, sheet, row, column, text, severity="ERROR"):
    problems = list(getattr(result, "problems", result))   # a load result or a list of problems
    hits = [p for p in problems if p.sheet == sheet and p.row == row and p.column == column
            and text in p.message and p.severity.value == severity]
    assert hits, "\n".join(p.line() for p in problems)
    return hits[0]


def aliased() -> dict[str, list[list]]:
    """The minimal workbook with real aliases from schema.py as its headers."""
    s = copy.deepcopy(minimal_sheets())
    s["Sites"][0][0] = "Site code"                     # site_id
    s["Capacity"][0][5] = "No. of places"              # places
    s["Demand"][0][0] = "Group ID"                     # demand_id
    s["Demand"][0][3] = "Cohort size"                  # learners
    return s


def test_duplicate_id_names_the_users_header(tmp_path):
    s = aliased()
    s["Demand"][2][0] = "D1"
    s["Sites"].append(["S1", "Dup", "X", s["Sites"][1][3], "London", 51.5, -0.1, "ok"])
    result = load(tmp_path, s)
    p = hit(result, "Demand", 3, "Group ID", "is used twice")
    assert p.message.startswith("Group ID 'D1' is used twice (first on row 2)")
    assert "Each Group ID must be unique" in p.message
    assert "demand_id" not in p.message
    p = hit(result, "Sites", 4, "Site code", "is used twice")
    assert p.message.startswith("Site code 'S1'") and "site_id" not in p.message


def test_negative_places_and_blank_id_name_the_users_header(tmp_path):
    s = aliased()
    s["Capacity"][2][5] = -2
    s["Demand"][2][0] = None
    result = load(tmp_path, s)
    p = hit(result, "Capacity", 3, "No. of places", "cannot be negative")
    assert p.message.startswith("No. of places cannot be negative (-2)")
    p = hit(result, "Demand", 3, "Group ID", "is blank")
    assert "demand_id" not in p.message and "needs a value in Group ID" in p.message


def test_demand_icb_and_locked_rows_name_the_users_header(tmp_path):
    s = aliased()
    s["Demand"][0].append("ICB")                       # ics
    s["Demand"][1].append("NHS Nowhere Integrated Care Board")
    s["Demand"][2].append("")
    s["Locked"] = [["Group ID", "Site code", "Cohort size"], ["D9", "S1", 1], ["D1", "S1", 0]]
    result = load(tmp_path, s)
    p = hit(result, "Demand", 2, "ICB", "No site in Sites", severity="WARNING")
    assert "in ICB 'NHS Nowhere Integrated Care Board'" in p.message and " ics " not in p.message
    p = hit(result, "Locked", 2, "Group ID", "not in the Demand sheet")
    assert p.message.startswith("Locked row names Group ID 'D9'")
    p = hit(result, "Locked", 3, "Cohort size", "at least 1")
    assert p.message.startswith("Locked Cohort size must be at least 1")


def test_contract_headers_fall_back_to_the_contract_name(tmp_path):
    s = copy.deepcopy(minimal_sheets())
    s["Demand"][2][0] = "D1"
    result = load(tmp_path, s)
    p = hit(result, "Demand", 3, "demand_id", "is used twice")
    assert p.message.startswith("demand_id 'D1' is used twice")


def test_recheck_after_an_edit_names_the_users_header(tmp_path):
    """The app re-checks edited data with the same rules: its messages use the user's headers too."""
    from placement_planner.io import validate_planning_data

    result = load(tmp_path, aliased())
    assert not result.has_errors
    data = result.data
    data.demand.iat[1, data.demand.columns.get_loc("demand_id")] = "D1"
    data.capacity.iat[0, data.capacity.columns.get_loc("places")] = -1
    found = list(validate_planning_data(data))
    p = hit(found, "Demand", 3, "Group ID", "is used twice")
    assert p.message.startswith("Group ID 'D1'") and "demand_id" not in p.message
    p = hit(found, "Capacity", 2, "No. of places", "cannot be negative")
    assert p.message.startswith("No. of places cannot be negative (-1)")
