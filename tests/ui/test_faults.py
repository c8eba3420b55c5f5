"""Faults reach the user as messages and lose nothing: a locked save target (retry), an
exception inside the solver, a corrupt project file."""

from __future__ import annotations

import hashlib
import os

from PySide6.QtWidgets import QMessageBox

from conftest import open_and_wait
from placement_planner.ui import core


def digest(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def test_save_to_a_file_held_open_offers_retry_and_writes_nothing(qtbot, window, tmp_path, monkeypatch):
    open_and_wait(qtbot, window, core.sample_paths())
    target = tmp_path / "plan.xlsx"
    real_replace = os.replace
    locked = [True]

    def replace(src, dst):
        if locked[0] and str(dst) == str(target):
            raise PermissionError(13, "The process cannot access the file", str(dst))  # Excel has it open
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    answers = []

    def exec_box(box):
        answers.append(box.text())
        locked[0] = False              # the user closes the file in Excel, then presses Retry
        return QMessageBox.StandardButton.Retry

    monkeypatch.setattr(QMessageBox, "exec", exec_box)
    with qtbot.waitSignal(window.project.saved, timeout=60000):
        window.project.save(str(target))
    assert answers and "Excel" in answers[0]
    assert target.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["plan.xlsx"]    # no temporary file left


def test_an_exception_inside_the_solver_is_a_message_and_the_data_stays(qtbot, window, monkeypatch,
                                                                         no_unexpected_message_box):
    open_and_wait(qtbot, window, core.sample_paths())
    before = window.project.data.demand.copy()

    from placement_planner.ui import project as project_module
    from placement_planner.ui.plan_child import PlanFailed

    def broken(data, progress):
        raise PlanFailed("solver exploded")

    monkeypatch.setattr(project_module, "plan_in_child", broken)
    with qtbot.waitSignal(window.project.failed, timeout=60000) as blocker:
        window.project.plan()
    qtbot.waitUntil(lambda: not window.project.running_tasks(), timeout=60000)
    assert "solver exploded" in blocker.args[1]
    assert no_unexpected_message_box == ["Planning stopped: solver exploded"]
    no_unexpected_message_box.clear()       # this box was expected
    assert window.project.data.demand.equals(before) and not window.project.planning


def test_opening_a_truncated_project_reports_and_leaves_it_untouched(qtbot, window, tmp_path,
                                                                     no_unexpected_message_box):
    good = (tmp_path / "good.xlsx")
    good.write_bytes(open(core.sample_paths()[0], "rb").read())
    broken = tmp_path / "project.xlsx"
    broken.write_bytes(good.read_bytes()[:4000])
    before = digest(broken)
    with qtbot.waitSignal(window.project.loaded, timeout=60000):
        window.open_files([str(broken)])
    assert any("project.xlsx" in p.sheet and p.is_error for p in window.project.problems)
    assert digest(broken) == before
