"""Opening files, the Problems panel's navigation, and undoable cell edits."""

from __future__ import annotations

import pytest

from conftest import open_and_wait
from ui_workbooks import write_small


def test_problem_click_selects_offending_cell(qtbot, window, tmp_path):
    open_and_wait(qtbot, window, [write_small(tmp_path / "bad.xlsx", bad_places=True)])
    problems = window.problems
    errors = [k for k, index in enumerate(problems.problem_indexes()) if index.data() == "Error"]
    assert errors, "the bad places value is reported"
    problems.activate_row(errors[0])
    capacity = window.data_tables.tables["capacity"]
    assert window.tabs.currentWidget() is capacity
    index = capacity.view.currentIndex()
    assert capacity.model.columns[index.column()] == "places"
    assert capacity.proxy.data(index) == ""            # the unreadable cell, shown blank
    row_col = capacity.model.columns.index("row")
    assert capacity.proxy.index(index.row(), row_col).data() == "2"   # Excel row 2
    # Rows with errors are fixed in place, and the fix is checked at once.
    assert window.project.request_edit("capacity", 0, "places", "3")
    assert not window.project.has_errors


def test_edit_undo_redo_and_refusal(qtbot, window, tmp_path):
    open_and_wait(qtbot, window, [write_small(tmp_path / "ok.xlsx")])
    capacity = window.data_tables.tables["capacity"]
    col = capacity.model.columns.index("places")
    index = capacity.proxy.index(0, col)
    assert capacity.proxy.setData(index, "9")
    assert window.project.data.capacity["places"].iloc[0] == 9
    assert index.data() == "9"
    assert window.isWindowModified()
    capacity.proxy.setData(index, "nine")
    assert "whole number" in window.status.currentMessage()
    assert window.project.data.capacity["places"].iloc[0] == 9
    assert not any("refused" in p.message for p in window.problems.model.problems)   # a message only
    window.actions["undo"].trigger()
    assert window.project.data.capacity["places"].iloc[0] == 4
    assert index.data() == "4"
    assert not window.isWindowModified()
    window.actions["redo"].trigger()
    assert window.project.data.capacity["places"].iloc[0] == 9


def test_date_edit_moves_week_numbers(qtbot, window, tmp_path):
    open_and_wait(qtbot, window, [write_small(tmp_path / "ok.xlsx")])
    data = window.project.data
    assert window.project.request_edit("demand", 0, "start_date", "15/09/2025")
    assert data.demand["start_week"].iloc[0] == data.demand["start_week"].iloc[1] + 1
    assert not window.project.request_edit("capacity", 0, "end_date", "01/01/2020")
    # A date before week 0 moves week 0, keeping every other row's date where it was.
    assert window.project.request_edit("demand", 1, "start_date", "04/08/2025")
    assert (data.demand["start_week"] >= 0).all()
    assert data.week_date(int(data.demand["start_week"].iloc[0])).isoformat() == "2025-09-15"


def test_filter_box_and_sort(qtbot, window, tmp_path):
    open_and_wait(qtbot, window, [write_small(tmp_path / "ok.xlsx")])
    demand = window.data_tables.tables["demand"]
    demand.proxy.set_text("leeds")
    assert demand.proxy.rowCount() == 2
    col = demand.model.columns.index("learners")
    demand.proxy.sort(col)
    values = [demand.proxy.index(r, col).data() for r in range(demand.proxy.rowCount())]
    assert values == sorted(values, key=int)
