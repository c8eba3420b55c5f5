"""Professions are open (issue 11): any text plans as its own profession; "did you mean" only when
close to a known name; the extended list and aliases; apprenticeship routes."""

from __future__ import annotations

import datetime as dt

import pytest

from placement_planner.analysis import plan_report
from placement_planner.io import load_workbooks
from placement_planner.names import canonical_profession, open_profession, route_of
from placement_planner.solver import solve
from placement_planner.solver.options import SolveOptions
from workbooks import CAPACITY_HEADER, DEMAND_HEADER, LONDON, SITES_HEADER, write_xlsx

START, END = dt.date(2025, 9, 1), dt.date(2025, 12, 15)


def workbook(tmp_path, capacity, demand):
    sheets = {
        "Sites": [SITES_HEADER, ["S1", "Royal Free", "Royal Free London", LONDON, "London", 51.553, -0.165, "ok"],
                  ["S2", "Whittington", "Whittington Health", LONDON, "London", 51.566, -0.139, "ok"]],
        "Capacity": [CAPACITY_HEADER] + [[site, prof, "", START, END, places] for site, prof, places in capacity],
        "Demand": [DEMAND_HEADER] + [[f"D{i}", "Middlesex University", prof, n, dt.date(2025, 9, 8), 4, 51.59, -0.23]
                                     for i, (prof, n) in enumerate(demand, 1)],
    }
    return load_workbooks([write_xlsx(tmp_path / "p.xlsx", sheets)])


def profession_notes(result):
    return [p for p in result.problems if p.column == "profession" and "not a profession" in p.message]


@pytest.mark.parametrize("text, canonical", [
    ("Healthcare Science", "Healthcare Science"), ("healthcare scientist", "Healthcare Science"),
    ("Dental Therapist", "Dental Therapy"), ("Dental Hygienist", "Dental Hygiene"),
    ("dental nurse", "Dental Nursing"), ("SCPHN", "Specialist Community Public Health Nursing"),
    ("Health Visiting", "Specialist Community Public Health Nursing"),
    ("Physician Associate", "Physician Assistant"), ("physician assistants", "Physician Assistant"),
    ("RN Adult", "Adult Nursing"),
])
def test_extended_list_and_aliases(text, canonical):
    assert canonical_profession(text) == canonical
    assert open_profession(text) == (canonical, None)


def test_unknown_profession_plans_end_to_end_as_its_own(tmp_path):
    result = workbook(tmp_path, [("S1", "Sonography", 2), ("S2", "Adult Nursing", 5)],
                      [("sonography ", 3), ("Adult Nursing", 1)])
    assert not result.has_errors
    assert profession_notes(result) == []                    # not close to a known name: no note
    data = result.data
    assert sorted(set(data.capacity["profession"])) == ["Adult Nursing", "Sonography"]
    assert list(data.demand["profession"]) == ["Sonography", "Adult Nursing"]   # one spelling across sheets
    plan = solve(data, SolveOptions(time_limit_s=20))
    placed = plan.allocations.merge(data.demand[["demand_id", "profession"]], on="demand_id")
    sono = placed[placed["profession"] == "Sonography"]
    assert sono["learners"].sum() == 2 and set(sono["site_id"]) == {"S1"}     # 2 places, never at S2
    report = plan_report(data, plan)
    unplaced = report.unplaced.set_index("demand_id")
    assert unplaced.loc["D1", "learners_unplaced"] == 1
    assert "Sonography" in set(report.utilisation["profession"])


def test_a_name_close_to_a_known_one_warns_once_and_still_plans(tmp_path):
    result = workbook(tmp_path, [("S1", "Phyisotherapy", 2)], [("Phyisotherapy", 1), ("Phyisotherapy", 1)])
    notes = profession_notes(result)
    assert not result.has_errors
    cap = [p for p in notes if p.sheet == "Capacity"]
    dem = [p for p in notes if p.sheet == "Demand"]
    assert len(cap) == 1 and len(dem) == 1 and dem[0].row == 2 and "2 rows" in dem[0].message
    assert all("Did you mean 'Physiotherapy'" in p.message and p.severity.value == "WARNING" for p in notes)
    plan = solve(result.data, SolveOptions(time_limit_s=20))
    assert plan.learners_placed == 2


def test_apprenticeship_route_is_its_own_profession_without_a_note(tmp_path):
    assert route_of("Adult Nursing Apprenticeship") == ("Adult Nursing", "apprenticeship")
    assert route_of("Degree Apprenticeship Physiotherapy") == ("Physiotherapy", "degreeapprenticeship")
    assert route_of("Adult Nursing") is None
    result = workbook(tmp_path, [("S1", "Adult Nursing Apprenticeship", 1), ("S1", "Adult Nursing", 1)],
                      [("Adult Nursing Apprenticeship", 2), ("Adult Nursing", 2)])
    assert profession_notes(result) == [] and not result.has_errors
    plan = solve(result.data, SolveOptions(time_limit_s=20))
    placed = plan.allocations.groupby("demand_id")["learners"].sum().to_dict()
    assert placed == {"D1": 1, "D2": 1}       # the routes do not share places


def test_route_column_is_accepted_and_kept(tmp_path):
    sheets = {
        "Sites": [SITES_HEADER, ["S1", "Royal Free", "Royal Free London", LONDON, "London", 51.553, -0.165, "ok"]],
        "Capacity": [CAPACITY_HEADER, ["S1", "Adult Nursing", "", START, END, 2]],
        "Demand": [DEMAND_HEADER + ["Training route"],
                   ["D1", "Middlesex University", "Adult Nursing", 1, dt.date(2025, 9, 8), 4, 51.59, -0.23,
                    "apprenticeship"]],
    }
    result = load_workbooks([write_xlsx(tmp_path / "r.xlsx", sheets)])
    assert not result.has_errors and not [p for p in result.problems if "route" in (p.column or "").lower()]
    assert result.tables["Demand"]["route"].tolist() == ["apprenticeship"]
    assert "Training route" in result.data.source_sheets["Demand"].columns


def test_pcn_is_no_longer_a_hub(tmp_path):
    sheets = {
        "Sites": [SITES_HEADER + ["PCN", "Training hub"],
                  ["S1", "Royal Free", "Royal Free London", LONDON, "London", 51.553, -0.165, "ok", "Camden PCN",
                   "NCL Training Hub"]],
        "Capacity": [CAPACITY_HEADER, ["S1", "Adult Nursing", "", START, END, 2]],
        "Demand": [DEMAND_HEADER, ["D1", "Middlesex University", "Adult Nursing", 1, dt.date(2025, 9, 8), 4,
                                   51.59, -0.23]],
    }
    sites = load_workbooks([write_xlsx(tmp_path / "h.xlsx", sheets)]).data.sites
    assert sites["pcn"].tolist() == ["Camden PCN"] and sites["hub"].tolist() == ["NCL Training Hub"]


def test_a_weight_can_name_a_profession_of_the_workbooks_own(tmp_path):
    sheets = {
        "Sites": [SITES_HEADER, ["S1", "Royal Free", "Royal Free London", LONDON, "London", 51.553, -0.165, "ok"]],
        "Capacity": [CAPACITY_HEADER, ["S1", "Sonography", "", START, END, 2],
                     ["S1", "Adult Nursing", "", START, END, 2]],
        "Demand": [DEMAND_HEADER, ["D1", "Middlesex University", "Sonography", 2, dt.date(2025, 9, 8), 4, 51.59, -0.23],
                   ["D2", "Middlesex University", "Adult Nursing", 2, dt.date(2025, 9, 8), 4, 51.59, -0.23]],
        "Settings": [["key", "value"], ["profession_weight sonography", 3],
                     ["profession_weight Hippotherapy", 2]],   # not a profession this workbook plans
    }
    result = load_workbooks([write_xlsx(tmp_path / "w.xlsx", sheets)])
    assert not result.has_errors
    data = result.data
    assert data.settings.profession_weights == {"Sonography": 3.0}
    assert list(data.weights()) == [3.0, 1.0]
    assert any("Hippotherapy" in p.message for p in result.problems if p.sheet == "Settings")
