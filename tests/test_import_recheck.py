"""The app's edits are re-checked with the import's own rules."""

import dataclasses

from placement_planner.io import load_workbooks, validate_planning_data
from workbooks import minimal_sheets, write_xlsx


def test_valid_data_stays_valid_and_edits_are_caught(tmp_path):
    data = load_workbooks([write_xlsx(tmp_path / "in.xlsx", minimal_sheets())]).data
    assert not validate_planning_data(data).errors
    capacity = data.capacity.copy()
    capacity.loc[0, "places"] = -3
    capacity.loc[1, "end_date"] = capacity.loc[1, "start_date"] - __import__("pandas").Timedelta(days=7)
    demand = data.demand.copy()
    demand.loc[1, "learners"] = 0
    locked = data.locked.copy()
    locked.loc[0] = ["D1", "S1", 9, "", 0]
    edited = dataclasses.replace(data, capacity=capacity, demand=demand, locked=locked)
    found = {(p.sheet, p.row, p.column) for p in validate_planning_data(edited).errors}
    assert ("Capacity", 2, "places") in found
    assert ("Capacity", 3, "end_date") in found
    assert ("Demand", 3, "learners") in found
    assert ("Locked", None, "learners") in found or any(s == "Locked" for s, _, _ in found)
    assert data.capacity.loc[0, "places"] == 4          # the original is untouched
