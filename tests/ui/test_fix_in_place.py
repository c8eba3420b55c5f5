"""Issue 14 item 2: a workbook with errors is fixed in the app, each edit re-checked, then planned."""

from __future__ import annotations

from conftest import open_and_wait, plan_and_wait
from placement_planner.ui import core

MESSY = str(core.sample_paths()[0]).replace("demo_supply.xlsx", "messy_example.xlsx")

FIXES = {"latitude": "52.63", "longitude": "1.29", "quality": "ok", "site_id": "RM1-01",
         "end_date": "01/06/2028", "places": "2", "learners": "1", "weeks": "4"}


def _edit(window, table, position, column, text) -> bool:
    view = window.data_tables.tables[table]
    window.tabs.setCurrentWidget(view)
    assert view.select_position(position, column)
    index = view.view.currentIndex()
    assert view.proxy.flags(index) & view.proxy.flags(index).ItemIsEditable, (table, column)
    return view.proxy.setData(index, text)


def test_edit_error_rows_then_plan(qtbot, window):
    p = window.project
    open_and_wait(qtbot, window, [MESSY])
    errors = [x for x in p.problems if x.is_error]
    assert errors and not window.actions["plan"].isEnabled()
    tip = window.actions["plan"].toolTip()
    assert f"{len(errors)} errors" in tip and "Capacity rows 3, 4, 5" in tip

    # A wrong value is refused at once and says why; nothing changes.
    table, position, column = window.data_tables.locate(
        next(x for x in errors if x.sheet == "Capacity" and "negative" in x.message))
    assert column == "places"
    assert not _edit(window, table, position, column, "lots") or p.table(table)[column].iloc[position] == -2
    assert "whole number" in window.status.currentMessage()
    # A value that passes the cell check but breaks a rule is reported on re-check.
    assert _edit(window, "capacity", position, "places", "3")
    assert not any(x.sheet == "Capacity" and x.row == 5 for x in p.problems if x.is_error)

    ids = iter(f"FIX-{i}" for i in range(100))
    for _ in range(40):
        errors = [x for x in p.problems if x.is_error]
        if not errors:
            break
        where = window.data_tables.locate(errors[0])
        assert where is not None, errors[0]
        table, position, column = where
        if column == "demand_id":
            text = next(ids) if table == "demand" else str(p.table("demand")["demand_id"].iloc[0])
        elif column == "learners" and table == "locked":
            text = "1"
        else:
            if column == "latitude" and str(p.table(table)[column].iloc[position]) == FIXES[column]:
                column = "longitude"   # the message shows both: the other one is wrong now
            text = FIXES[column]
        before = len(errors)
        assert _edit(window, table, position, column, text), (errors[0], text)
        assert p.undo_stack.undoText().endswith(f"row {errors[0].row}")
        assert len([x for x in p.problems if x.is_error]) <= before + 1
    assert not p.has_errors, [x for x in p.problems if x.is_error]
    assert window.actions["plan"].isEnabled()
    # Every loaded row is planned, the fixed ones included.
    assert len(p.data.demand) == len(p.fixing.rows["demand"])
    p.planner = core.plan_and_analyse
    plan_and_wait(qtbot, window)
    # The plan is of every row, fixed ones included (the sample's own locked rows cannot all
    # be kept, so the solver says so rather than placing learners).
    assert p.results.summary["learners_requested"] == int(p.fixing.rows["demand"]["learners"].sum())
    assert p.results.plan.status.value != "error"
    # Undo brings an error back, and Plan is off again.
    window.actions["undo"].trigger()
    assert p.has_errors and not window.actions["plan"].isEnabled()


def test_undo_text_names_the_excel_row_and_the_users_column(qtbot, window):
    p = window.project
    open_and_wait(qtbot, window, [MESSY])
    problem = next(x for x in p.problems if x.is_error and x.sheet == "Capacity" and x.row == 5)
    table, position, column = window.data_tables.locate(problem)
    assert _edit(window, table, position, column, "2")
    assert p.undo_stack.undoText() == "change No. of places in Capacity row 5"
    # The file name is kept on problems found after the edit.
    assert all(x.file == "messy_example.xlsx" for x in p.problems if x.sheet in ("Sites", "Capacity", "Demand"))


def test_a_refused_edit_is_a_message_not_a_problem(qtbot, window):
    p = window.project
    open_and_wait(qtbot, window, core.sample_paths())
    count = len(p.problems)
    assert not p.request_edit("capacity", 0, "places", "nine")
    assert "whole number" in window.status.currentMessage()
    assert len(window.problems.model.problems) == count
    assert not any("refused" in x.message.lower() for x in window.problems.model.problems)
