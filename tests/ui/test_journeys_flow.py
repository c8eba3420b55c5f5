"""Journeys end to end in the app: planned in the child process, kept by the crash journal and by a
reopened project, and the two Demand columns edited in the Demand tab with the importer's re-check."""

from __future__ import annotations

import pandas as pd
import pytest
from PySide6.QtCore import Qt

from conftest import open_and_wait, plan_and_wait
from journey_cases import journey_data, journey_plan, write_journeys_workbook
from placement_planner.recovery import Journal, read_journal
from placement_planner.solver.progress import Progress
from placement_planner.ui import core
from placement_planner.ui.journeys import journeys_from_sheet
from placement_planner.ui.plan_child import plan_in_child

KEY = ["journey", "learner", "demand_id"]


def paths(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype({c: object for c in ("journey", "demand_id", "site_id", "setting")}).sort_values(
        KEY).reset_index(drop=True)


def test_the_planning_child_sends_the_journeys_back():
    data = journey_data()
    child = plan_in_child(data, Progress())
    here = core.plan_and_analyse(data, Progress())
    assert len(child.plan.journeys) == 6        # J1: 2 learners x 2 rows; J2: 1 x 2; J10 unplaced
    assert paths(child.plan.journeys).equals(paths(here.plan.journeys))
    schedule = child.schedule
    assert schedule is not None and schedule.has_paths
    placed = schedule.learners[schedule.learners["placed"]]
    assert placed["label"].tolist() == ["J1 · 1", "J1 · 2", "J2 · 1"]
    assert all(m == () for m in placed["missing"])      # the solver covers acute and community for J1
    assert child.summary["site_repeats"] == here.summary["site_repeats"]


def test_the_crash_journal_keeps_the_learner_paths(tmp_path):
    journal = Journal(tmp_path, pid=4_000_001)
    journal.start([])
    plan = journey_plan()
    journal.record_plan(plan)
    recovered = read_journal(journal.path).plan
    assert paths(recovered.journeys).equals(paths(plan.journeys))
    data = journey_data()
    a, b = core.analyse(data, plan).schedule, core.analyse(data, recovered).schedule
    assert a.placements.equals(b.placements) and (a.cell == b.cell).all()
    journal.record_plan(journey_plan(journeys=False))    # a later plan without paths leaves no stale file
    assert not len(read_journal(journal.path).plan.journeys)
    journal.close()
    assert not journal.journeys_path.exists()


def test_a_recovered_session_shows_the_same_journeys(qtbot, window, tmp_path):
    from placement_planner.ui.main_window import MainWindow

    book = write_journeys_workbook(tmp_path / "journeys.xlsx")
    open_and_wait(qtbot, window, [book])
    plan_and_wait(qtbot, window)
    before = window.project.results.schedule
    assert before.has_paths and before.placements["placed"].sum() == 6
    recovery = read_journal(window.project.journal.path)
    again = MainWindow()
    qtbot.addWidget(again)
    with qtbot.waitSignal(again.project.plan_changed, timeout=60000,
                          check_params_cb=lambda: again.project.results is not None):
        again.project.recover(recovery)
    qtbot.waitUntil(lambda: not again.project.running_tasks(), timeout=60000)
    after = again.project.results.schedule
    assert after.placements.equals(before.placements)
    assert again.journeys.stack.currentIndex() == 1 and again.journeys.model.rowCount() == len(before)
    again.project.mark_saved()
    again.close()


def test_a_reopened_project_shows_its_journeys_sheet(qtbot, window, tmp_path):
    plan = journey_plan()
    book = write_journeys_workbook(tmp_path / "project.xlsx", plan=plan)
    open_and_wait(qtbot, window, [book])
    qtbot.waitUntil(lambda: window.project.results is not None and not window.project.running_tasks(),
                    timeout=60000)
    shown = window.project.results
    assert paths(shown.plan.journeys).equals(paths(plan.journeys))
    assert shown.summary["site_repeats"] == 1
    view = window.journeys
    assert view.stack.currentIndex() == 1
    labels = [view.model.headerData(r, Qt.Orientation.Vertical) for r in range(view.model.rowCount())]
    assert labels[:3] == ["J1 · 1", "J1 · 2", "J2 · 1"]


def test_a_journeys_sheet_of_another_plan_is_not_used():
    data = journey_data()
    plan = journey_plan()
    data.previous = plan.allocations.assign(row=0)
    sheet = plan.journeys.assign(start_date=[data.week_date(w) for w in plan.journeys["start_week"]])
    assert paths(journeys_from_sheet(sheet, data)).equals(paths(plan.journeys))
    moved = sheet.copy()
    moved.loc[0, "site_id"] = "WH"            # no longer adds up to the Allocations sheet
    assert journeys_from_sheet(moved, data) is None
    assert journeys_from_sheet(sheet.drop(columns=["learner"]), data) is None


def demand_position(window, demand_id: str) -> int:
    frame = window.project.table("demand")
    return int((frame["demand_id"] == demand_id).to_numpy().nonzero()[0][0])


def test_journey_columns_are_shown_and_edited_with_the_recheck(qtbot, window, tmp_path):
    book = write_journeys_workbook(tmp_path / "journeys.xlsx")
    open_and_wait(qtbot, window, [book])
    p = window.project
    table = window.data_tables.tables["demand"]
    assert {"journey", "required_settings"} <= set(table.model.columns)
    col = table.model.columns.index("required_settings")
    row = table.model.source_row_of(demand_position(window, "J1-a"))
    assert table.model.data(table.model.index(row, col)) == "acute, community"
    assert table.model.flags(table.model.index(row, col)) & Qt.ItemFlag.ItemIsEditable
    # A required setting typed loosely is read as the importer reads it.
    assert p.request_edit("demand", demand_position(window, "J1-a"), "required_settings", " Community ,ACUTE")
    assert p.data.demand.at[demand_position(window, "J1-a"), "required_settings"] == ("community", "acute")
    assert not p.has_errors
    # SOLO (1 learner) joining J1 (2 learners) breaks a journey rule: an error, at once.
    solo = demand_position(window, "SOLO")
    assert p.request_edit("demand", solo, "journey", "J1")
    errors = [e for e in p.problems if e.is_error]
    assert errors and any("J1" in e.message for e in errors) and window.actions["plan"].isEnabled() is False
    p.undo_stack.undo()
    assert not p.has_errors and p.data.demand.at[solo, "journey"] == ""
    from placement_planner.ui.edits import typed_sheet

    assert typed_sheet(p.data, "demand").loc[demand_position(window, "J1-a"), "required_settings"] == \
        "community, acute"


def test_a_journey_edit_changes_the_journeys_tab_state(qtbot, window, tmp_path):
    book = write_journeys_workbook(tmp_path / "journeys.xlsx")
    open_and_wait(qtbot, window, [book])
    assert "3 journeys" in window.journeys.empty.text()
    assert window.project.request_edit("demand", demand_position(window, "SOLO"), "journey", "J3")
    assert "4 journeys" in window.journeys.empty.text()


@pytest.mark.parametrize("typed", ["acute, community", "acute,community,"])
def test_required_settings_edit_round_trips_through_the_journal(qtbot, window, tmp_path, typed):
    book = write_journeys_workbook(tmp_path / "journeys.xlsx")
    open_and_wait(qtbot, window, [book])
    position = demand_position(window, "J2-a")
    assert window.project.request_edit("demand", position, "required_settings", typed)
    recovery = read_journal(window.project.journal.path)
    from placement_planner.ui.main_window import MainWindow

    again = MainWindow()
    qtbot.addWidget(again)
    with qtbot.waitSignal(again.project.loaded, timeout=60000):
        again.project.recover(recovery)
    qtbot.waitUntil(lambda: again.project.data is not None and
                    again.project.data.demand.at[position, "required_settings"] == ("acute", "community"),
                    timeout=60000)
    qtbot.waitUntil(lambda: not again.project.running_tasks(), timeout=60000)
    again.project.mark_saved()
    again.close()


def test_a_saved_project_reopens_with_the_same_journeys(qtbot, window, tmp_path):
    """Plan, Save Project (the export writes the Journeys sheet), open the saved file: the same paths."""
    book = write_journeys_workbook(tmp_path / "journeys.xlsx")
    open_and_wait(qtbot, window, [book])
    plan_and_wait(qtbot, window)
    before = window.project.results.schedule
    saved = str(tmp_path / "project.xlsx")
    with qtbot.waitSignal(window.project.saved, timeout=60000):
        window.project.save(saved)
    qtbot.waitUntil(lambda: not window.project.running_tasks(), timeout=60000)
    with qtbot.waitSignal(window.project.plan_changed, timeout=60000,
                          check_params_cb=lambda: window.project.results is not None):
        window.open_files([saved])
    qtbot.waitUntil(lambda: not window.project.running_tasks(), timeout=60000)
    after = window.project.results.schedule
    assert after.has_paths and after.placements.equals(before.placements)
    assert window.journeys.stack.currentIndex() == 1
