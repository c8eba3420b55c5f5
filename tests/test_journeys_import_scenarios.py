"""A what-if change that breaks a journey is a ScenarioError located on its Scenarios row."""

from __future__ import annotations

import datetime as dt

import pytest

from placement_planner.build import build_planning_data
from placement_planner.io import load_workbooks
from placement_planner.scenarios import Change, apply_changes
from placement_planner.scenarios.apply import ScenarioError
from tests.workbooks import LONDON, write_xlsx

MON = dt.date(2025, 9, 1)


def _week(n: int) -> dt.date:
    return MON + dt.timedelta(weeks=n)


def _data():
    sites = [{"site_id": "S1", "provider": "T", "ics": "I", "region": "R"}]
    capacity = [{"site_id": "S1", "profession": "Adult Nursing", "setting": "acute", "start_date": MON,
                 "end_date": _week(30), "places": 4}]
    common = {"hei": "Uni", "profession": "Adult Nursing", "learners": 2, "weeks": 4, "journey": "J1"}
    demand = [{**common, "demand_id": "D1", "start_date": _week(0)},
              {**common, "demand_id": "D2", "start_date": _week(5), "flex_weeks": 1},
              {"demand_id": "X", "hei": "Uni", "profession": "Adult Nursing", "learners": 1, "weeks": 2,
               "start_date": _week(1)}]
    return build_planning_data(sites=sites, capacity=capacity, demand=demand)


def _change(kind, value, **filters):
    return Change(scenario="S", change=kind, value=value, row=7, **filters)


def test_shifting_one_row_into_its_neighbour_is_an_error_with_both_windows():
    with pytest.raises(ScenarioError) as caught:
        apply_changes(_data(), [_change("shift_start", -1, demand_id="D2")])
    err = caught.value
    assert (err.row, err.column) == (7, "value")
    assert "journey 'J1'" in err.message and "'D1' (01/09/2025 to 26/09/2025)" in err.message
    assert "'D2' (22/09/2025 to 31/10/2025)" in err.message      # weeks 4-7, 1 week of flex either side


def test_shifting_a_whole_journey_or_a_row_clear_of_the_others_is_fine():
    out = apply_changes(_data(), [_change("shift_start", 3, hei="Uni")]).data
    assert out.demand.set_index("demand_id").loc["D2", "start_date"].date() == _week(8)
    apply_changes(_data(), [_change("shift_start", 2, demand_id="D2")])
    apply_changes(_data(), [_change("shift_start", -1, demand_id="X")])


def test_scaling_part_of_a_journey_is_an_error():
    with pytest.raises(ScenarioError) as caught:
        apply_changes(_data(), [_change("scale_demand", 2, demand_id="D1")])
    assert "'D1' 4, 'D2' 2" in caught.value.message
    out = apply_changes(_data(), [_change("scale_demand", 2, hei="Uni")]).data
    assert set(out.demand.loc[out.demand["journey"] == "J1", "learners"]) == {4}


def test_a_scenarios_sheet_row_that_breaks_a_journey_is_reported_there(tmp_path):
    sheets = {
        "Sites": [["site_id", "provider", "ics", "region"], ["S1", "Royal Free London", LONDON, "London"]],
        "Capacity": [["site_id", "profession", "setting", "start_date", "end_date", "places"],
                     ["S1", "Adult Nursing", "acute", MON, _week(30), 4]],
        "Demand": [["demand_id", "hei", "profession", "learners", "start_date", "weeks", "journey"],
                   ["D1", "UCL", "Adult Nursing", 2, MON, 4, "J1"],
                   ["D2", "UCL", "Adult Nursing", 2, _week(6), 4, "J1"]],
        "Scenarios": [["scenario", "change", "demand_id", "value"],
                      ["Early", "shift_start", "D2", -3],
                      ["Late", "shift_start", "D2", 2]],
    }
    result = load_workbooks([write_xlsx(tmp_path / "s.xlsx", sheets)])
    errors = result.problems.errors
    assert [(e.sheet, e.row, e.column) for e in errors] == [("Scenarios", 2, "value")]
    assert "overlap" in errors[0].message


def test_a_changed_demand_sheet_writes_required_settings_as_text():
    data = _data()
    demand = data.demand.copy()
    demand["required_settings"] = [("acute", "community"), (), ()]
    out = apply_changes(data.__class__(**{**data.__dict__, "demand": demand}),
                        [_change("shift_start", 1, hei="Uni")]).data
    assert out.source_sheets["Demand"]["required_settings"].tolist() == ["acute, community", "", ""]
