"""Autosave after edits, the offer to recover after a crash, and the unsaved-changes marker."""

from __future__ import annotations

import os

from PySide6.QtWidgets import QMessageBox

from conftest import open_and_wait
from placement_planner.ui import core


def test_autosave_then_recover_after_crash(qtbot, window, monkeypatch):
    from placement_planner.ui import autosave

    for old in autosave.autosave_dir().glob("autosave-*.xlsx"):
        old.unlink()
    open_and_wait(qtbot, window, core.sample_paths())
    assert window.project.request_edit("capacity", 0, "places", "11")
    assert window.isWindowModified() and window.autosaver.timer.isActive()
    with qtbot.waitSignal(window.project.saved, timeout=60000):
        window.autosaver.save_now()
    assert window.autosaver.path.exists()
    # Pretend the process that wrote it died: rename it to a pid that is not running.
    crashed = window.autosaver.path.with_name("autosave-999999.xlsx")
    window.autosaver.path.replace(crashed)
    monkeypatch.setattr(autosave, "pid_alive", lambda pid: pid == os.getpid())
    assert autosave.orphaned_autosaves() == [crashed]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.project.mark_saved()
    with qtbot.waitSignal(window.project.loaded, timeout=60000):
        assert window.offer_recovery()
    assert int(window.project.data.capacity["places"].iloc[0]) == 11
    assert window.isWindowModified()
    assert not crashed.exists()


def test_close_prompts_when_modified(qtbot, window, monkeypatch):
    open_and_wait(qtbot, window, core.sample_paths())
    window.project.request_edit("capacity", 0, "places", "12")
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: asked.append(1) or QMessageBox.StandardButton.Cancel)
    assert not window.close()
    assert asked and window.isVisible()
