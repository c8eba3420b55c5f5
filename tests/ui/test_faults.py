"""Faults reach the user as messages and lose nothing: a locked save target (retry), a locked
or not-yet-downloaded input (retry), an exception inside the solver, a corrupt project file."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

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


def _lock_on_first_open(monkeypatch, name: str, error: OSError) -> list:
    """Opening ``name`` raises ``error`` until the list returned is emptied (the user closes Excel)."""
    real_open = Path.open
    locked = [True]

    def open_(self, *args, **kwargs):
        if locked and self.name == name:
            raise error
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_)
    return locked


def test_opening_a_file_held_open_offers_retry_and_opens_it(qtbot, window, monkeypatch):
    paths = core.sample_paths()
    locked = _lock_on_first_open(monkeypatch, Path(paths[0]).name,
                                 PermissionError(13, "Permission denied", paths[0]))   # Excel has it
    asked = []

    def exec_box(box):
        asked.append((box.text(), box.informativeText(), box.standardButtons()))
        locked.clear()                 # the user closes the file in Excel, then presses Retry
        return QMessageBox.StandardButton.Retry

    monkeypatch.setattr(QMessageBox, "exec", exec_box)
    with qtbot.waitSignal(window.project.loaded, timeout=60000):
        window.open_files(paths)
    assert len(asked) == 1
    text, more, buttons = asked[0]
    assert text.startswith(Path(paths[0]).name + " is open in another program (for example Excel)")
    assert "OneDrive" in text and "Retry" in more
    assert buttons == QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Cancel
    assert window.project.data is not None and len(window.project.data.sites) > 0
    assert window.project.input_paths == paths
    qtbot.waitUntil(lambda: not window.project.running_tasks(), timeout=10000)


def test_cancel_on_a_locked_file_opens_nothing_and_keeps_what_was_open(qtbot, window, monkeypatch):
    open_and_wait(qtbot, window, core.sample_paths())
    before = window.project.data
    other = str(Path(core.sample_paths()[0]).with_name("demo_demand.xlsx"))
    cloud = OSError(22, "The cloud file provider is not running", other, 362)   # winerror on Windows
    if getattr(cloud, "winerror", None) is None:
        cloud.winerror = 362           # OneDrive Files On-Demand: not downloaded
    _lock_on_first_open(monkeypatch, "demo_demand.xlsx", cloud)
    asked = []

    def exec_box(box):
        asked.append(box.text())
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "exec", exec_box)
    with qtbot.waitSignal(window.project.open_locked, timeout=60000):
        window.open_files([other])
    qtbot.waitUntil(lambda: not window.project.running_tasks(), timeout=10000)
    assert asked and asked[0].startswith("demo_demand.xlsx is open in another program")
    assert window.project.data is before          # nothing replaced, nothing half-opened


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
