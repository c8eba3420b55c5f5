"""Planning off the GUI thread: cancel keeps the best plan, a new request replaces the old, close stops all."""

from __future__ import annotations

from conftest import open_and_wait

from placement_planner.domain import PlanStatus


def wait_for_progress(qtbot, window):
    with qtbot.waitSignal(window.project.progressed, timeout=30000):
        pass


def test_cancel_keeps_best_plan_so_far(qtbot, window, region_workbook):
    open_and_wait(qtbot, window, [region_workbook])
    window.project.plan()
    assert window.status.progress.isVisible() and window.actions["cancel"].isEnabled()
    wait_for_progress(qtbot, window)
    qtbot.wait(1500)
    window.actions["cancel"].trigger()
    assert not window.actions["cancel"].isEnabled()
    qtbot.waitUntil(lambda: window.project.results is not None, timeout=60000)
    assert window.project.results.plan.status in (PlanStatus.CANCELLED, PlanStatus.OPTIMAL, PlanStatus.FEASIBLE)
    qtbot.waitUntil(lambda: not window.project.running_tasks(), timeout=60000)


def test_new_plan_request_cancels_running_one(qtbot, window, region_workbook):
    open_and_wait(qtbot, window, [region_workbook])
    first = window.project.plan()
    wait_for_progress(qtbot, window)
    second = window.project.plan()
    assert first.cancelled and not second.cancelled
    qtbot.waitUntil(lambda: not first.is_running(), timeout=60000)
    second.cancel()
    qtbot.waitUntil(lambda: window.project.results is not None, timeout=60000)


def test_closing_stops_workers(qtbot, region_workbook):
    from placement_planner.ui.main_window import MainWindow
    from placement_planner.ui import workers

    w = MainWindow()
    w.show()
    open_and_wait(qtbot, w, [region_workbook])
    w.project.plan()
    wait_for_progress(qtbot, w)
    w.project.mark_saved()
    w.close()
    assert not workers.live_threads()
