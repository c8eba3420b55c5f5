"""The Scenarios panel: changes made from the data, edited with undo, planned in the background
(in the planning child), compared, saved in the project workbook, reopened and recovered."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from placement_planner.scenarios import Change
from ui_workbooks import write_small

from conftest import open_and_wait


@pytest.fixture
def opened(qtbot, window, tmp_path):
    open_and_wait(qtbot, window, [write_small(tmp_path / "small.xlsx")])
    return window


def _withdraw_s1():
    return Change("", "withdraw", site_id="S1", profession="Adult Nursing", from_date=dt.date(2025, 9, 15),
                  to_date=dt.date(2025, 9, 22))


def test_dialog_from_a_site_row_makes_an_undoable_change(opened, qtbot):
    from placement_planner.ui.scenarios.dialogs import ChangeDialog

    store, panel = opened.scenario_store, opened.scenarios_panel
    dialog = ChangeDialog(store, Change("", "withdraw", site_id="S1", from_date=dt.date(2025, 9, 1)), "Leeds out")
    dialog.to_date.setText("29/09/2025")
    dialog.edits["profession"].setText("RN Adult")
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    made = dialog.change()
    store.add_change(made.scenario, made)
    assert store.names == ["Leeds out"]
    (change,) = store.scenarios["Leeds out"]
    assert (change.change, change.site_id, change.to_date) == ("withdraw", "S1", dt.date(2025, 9, 29))
    assert panel.changes.rowCount() == 1 and panel.changes.item(0, 1).text() == "S1"
    # the project's Scenarios sheet follows, and Ctrl+Z takes it back
    assert list(opened.project.data.source_sheets["Scenarios"]["scenario"]) == ["Leeds out"]
    opened.project.undo_stack.undo()
    assert store.scenarios == {}
    opened.project.undo_stack.redo()
    assert len(store.scenarios["Leeds out"]) == 1


def test_dialog_refuses_a_change_the_importer_would_reject(opened):
    from placement_planner.ui.scenarios.dialogs import ChangeDialog

    dialog = ChangeDialog(opened.scenario_store, Change("", "add_places", site_id="S9", value=2), "X")
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "S9" in dialog.error.text() and "from_date" in dialog.error.text()


def test_table_edit_duplicate_rename_delete_with_undo(opened, qtbot):
    store, panel = opened.scenario_store, opened.scenarios_panel
    store.add_change("A", Change("", "scale_demand", hei="Leeds Uni", value=1.5))
    panel.refresh()
    value_col = panel.changes.columnCount() - 1
    panel.changes.item(0, value_col).setText("2")          # edit in the table
    assert store.scenarios["A"][0].value == 2
    panel.changes.item(0, value_col).setText("lots")       # refused, nothing changes
    assert store.scenarios["A"][0].value == 2 and "not a number" in panel.status.text()
    copy = store.duplicate("A")
    assert store.names == ["A", copy] and store.scenarios[copy][0].scenario == copy
    assert store.rename(copy, "B") and store.names == ["A", "B"]
    assert not store.rename("B", "A")                       # names stay unique
    store.delete("A")
    assert store.names == ["B"]
    for _ in range(4):
        opened.project.undo_stack.undo()
    assert store.names == ["A"] and store.scenarios["A"][0].value == 1.5


def test_plan_all_in_the_planning_child_then_compare_and_filter_moves(opened, qtbot):
    store, panel = opened.scenario_store, opened.scenarios_panel
    store.add_change("Leeds out", _withdraw_s1())
    store.add_change("More York", Change("", "scale_demand", hei="York Uni", value=2))
    assert store.children            # the app plans in its planning child process
    with qtbot.waitSignal(store.busy_changed, timeout=180000, check_params_cb=lambda busy: not busy):
        panel.plan_all()
    assert set(store.outcomes) == {"Leeds out", "More York"}
    cmp = panel.comparison.table
    assert [cmp.horizontalHeaderItem(c).text() for c in range(cmp.columnCount())] == ["Baseline", "Leeds out",
                                                                                       "More York"]
    labels = [cmp.verticalHeaderItem(r).text() for r in range(cmp.rowCount())]
    moved_row = labels.index("Learners moved")
    leeds = store.outcomes["Leeds out"]
    assert cmp.item(moved_row, 1).text().startswith(f"{leeds.summary['learners_moved']:,}")
    # D1 (4 Leeds learners at S1 from 08/09 for 4 weeks) cannot stay at S1: they moved or are unplaced
    assert leeds.summary["learners_moved"] >= 1
    placed_row = labels.index("Learners placed")
    more = store.outcomes["More York"]
    if more.summary["learners_placed"] != store.baseline.summary["learners_placed"]:
        assert cmp.item(placed_row, 2).background().color().isValid()
    moves = panel.moves
    moves.hei.setCurrentText("Leeds Uni")
    shown = moves.shown()
    assert len(shown) and set(shown["hei"]) == {"Leeds Uni"}
    moves.hei.setCurrentText("York Uni")
    assert set(moves.shown()["hei"]) <= {"York Uni"}
    moves.hei.setCurrentText(moves.ALL)
    moves.provider.setCurrentText("Leeds THT")
    assert set(moves.shown()["from_provider"]) | set(moves.shown()["to_provider"]) >= {"Leeds THT"}
    heat = panel.heatmap
    heat.choice.setCurrentText("Leeds out")
    m = heat.matrix("Leeds out")
    assert heat.table.rowCount() == len(m.index)


def test_cancel_stops_scenario_planning(opened, qtbot):
    store = opened.scenario_store
    store.children = False
    store.add_change("A", _withdraw_s1())
    with qtbot.waitSignal(store.busy_changed, timeout=120000, check_params_cb=lambda busy: not busy):
        store.plan(["A"])
        store.cancel()
    qtbot.waitUntil(lambda: not opened.project.running_tasks(), timeout=60000)
    assert not store.busy


def test_scenarios_are_saved_in_the_project_and_reopened(opened, qtbot, tmp_path, window):
    store = opened.scenario_store
    store.add_change("Leeds out", _withdraw_s1())
    store.add_change("Later", Change("", "shift_start", hei="Hull Uni", value=-1))
    path = str(tmp_path / "project.xlsx")
    with qtbot.waitSignal(opened.project.saved, timeout=60000):
        opened.project.save(path)
    qtbot.waitUntil(lambda: not opened.project.running_tasks(), timeout=60000)
    open_and_wait(qtbot, opened, [path])
    assert store.names == ["Leeds out", "Later"]
    assert store.scenarios["Later"][0].value == -1
    assert store.scenarios["Leeds out"][0].to_date == dt.date(2025, 9, 22)


def test_scenarios_survive_a_crash_through_the_journal(opened, qtbot, tmp_path):
    from placement_planner.recovery import read_journal
    from placement_planner.ui.main_window import MainWindow

    store = opened.scenario_store
    store.add_change("Leeds out", _withdraw_s1())
    store.add_change("Leeds out", Change("", "travel_limit", profession="Physiotherapy", value=80))
    recovery = read_journal(opened.project.journal.path)       # what a crash leaves on disk
    assert recovery.scenarios is not None and recovery.n_changes >= 1
    other = MainWindow()
    try:
        with qtbot.waitSignal(other.project.loaded, timeout=60000):
            other.project.recover(recovery)
        qtbot.waitUntil(lambda: other.scenario_store.names == ["Leeds out"], timeout=30000)
        kinds = [c.change for c in other.scenario_store.scenarios["Leeds out"]]
        assert kinds == ["withdraw", "travel_limit"]
    finally:
        qtbot.waitUntil(lambda: not other.project.running_tasks(), timeout=60000)
        other.project.mark_saved()
        other.close()
        other.deleteLater()


def test_right_click_menus_exist_on_sites_and_demand(opened):
    for table in ("sites", "demand"):
        view = opened.data_tables.tables[table].view
        assert view.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu


def test_a_workbook_with_a_bad_scenarios_row_opens_and_shows_the_problem(qtbot, window, tmp_path):
    import openpyxl

    path = write_small(tmp_path / "small.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book.create_sheet("Scenarios")
    sheet.append(["scenario", "change", "site_id", "hei", "from_date", "value"])
    sheet.append(["Good", "scale_demand", None, "Leeds Uni", None, 1.5])
    sheet.append(["Bad", "withdraw", "S9", None, dt.datetime(2025, 9, 15), None])
    book.save(path)
    open_and_wait(qtbot, window, [path])
    store = window.scenario_store
    assert store.names == ["Good", "Bad"]
    errors = [p for p in window.project.problems if p.is_error]
    assert [(p.sheet, p.row, p.column) for p in errors] == [("Scenarios", 3, "site_id")]
    window.scenarios_panel.list.setCurrentRow(1)
    assert "S9" in window.scenarios_panel.problems.text()
    assert store.plan(["Bad"]) is None              # refused, with a message; nothing runs
