"""Fixing a journey error in the app: a journey problem involves several rows, so an edit to ANY row
of the journey re-checks it (the overlap is reported on the later row; moving the earlier one fixes it)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from conftest import open_and_wait
from journey_cases import SITES, capacity_rows, demand_rows


def _workbook(path, change) -> str:
    demand = demand_rows()
    change(demand)
    sheets = {
        "Sites": pd.DataFrame(SITES),
        "Capacity": pd.DataFrame(capacity_rows()),
        "Demand": pd.DataFrame(demand)[["demand_id", "hei", "profession", "learners", "start_date", "weeks",
                                        "setting", "latitude", "longitude", "journey", "required_settings"]],
    }
    with pd.ExcelWriter(path) as writer:
        for name, f in sheets.items():
            f.to_excel(writer, sheet_name=name, index=False)
    return str(path)


def _edit(window, table, position, column, text) -> bool:
    view = window.data_tables.tables[table]
    window.tabs.setCurrentWidget(view)
    assert view.select_position(position, column)
    return view.proxy.setData(view.view.currentIndex(), text)


def _journey_errors(project, journey):
    return [p for p in project.problems if p.is_error and f"Journey '{journey}'" in p.message]


def _position(project, demand_id) -> int:
    return int(list(project.table("demand")["demand_id"]).index(demand_id))


def test_moving_the_earlier_row_clears_an_overlap_reported_on_the_later(qtbot, window, tmp_path):
    def overlap(demand):        # J1-a runs 08/09-03/10/2025; J1-b now starts 29/09, inside it
        demand[1]["start_date"] = dt.date(2025, 9, 29)
    p = window.project
    open_and_wait(qtbot, window, [_workbook(tmp_path / "overlap.xlsx", overlap)])
    errors = _journey_errors(p, "J1")
    assert len(errors) == 1 and errors[0].row == 3 and "overlaps" in errors[0].message
    assert p.fixing is not None and not window.actions["plan"].isEnabled()
    # Shorten J1-a (row 2) to 2 weeks: it ends 19/09, before J1-b starts. J1-b is not touched.
    assert _edit(window, "demand", _position(p, "J1-a"), "weeks", "2")
    assert not _journey_errors(p, "J1"), _journey_errors(p, "J1")
    assert not p.has_errors and window.actions["plan"].isEnabled()
    # Both rows of the journey are in the data again, the journey whole.
    assert set(p.data.demand.loc[p.data.demand["journey"] == "J1", "demand_id"]) == {"J1-a", "J1-b"}
    # Making them overlap again (from the other row) brings the error back, on the later row.
    assert _edit(window, "demand", _position(p, "J1-a"), "weeks", "4")
    errors = _journey_errors(p, "J1")
    assert len(errors) == 1 and errors[0].row == 3 and "overlaps" in errors[0].message


def test_correcting_the_first_row_clears_a_disagreement_reported_on_another(qtbot, window, tmp_path):
    def disagree(demand):       # J2-a says 1 learner, J2-b 3: reported on J2-b, naming J2-a's row
        demand[3]["learners"] = 3
    p = window.project
    open_and_wait(qtbot, window, [_workbook(tmp_path / "learners.xlsx", disagree)])
    errors = _journey_errors(p, "J2")
    assert len(errors) == 1 and errors[0].row == 5, errors
    assert _edit(window, "demand", _position(p, "J2-a"), "learners", "3")
    assert not _journey_errors(p, "J2"), _journey_errors(p, "J2")
    assert not p.has_errors


def test_an_edit_elsewhere_leaves_a_journey_error_standing(qtbot, window, tmp_path):
    def overlap(demand):
        demand[1]["start_date"] = dt.date(2025, 9, 29)
    p = window.project
    open_and_wait(qtbot, window, [_workbook(tmp_path / "overlap.xlsx", overlap)])
    assert _edit(window, "demand", _position(p, "SOLO"), "weeks", "3")
    assert len(_journey_errors(p, "J1")) == 1
    # An edit to J1-a that does not remove the overlap keeps it too.
    assert _edit(window, "demand", _position(p, "J1-a"), "weeks", "5")
    errors = _journey_errors(p, "J1")
    assert len(errors) == 1 and errors[0].row == 3
