"""A planner killed with SIGKILL while editing or planning loses nothing: the next start
offers to recover and restores every edit and the last finished plan."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from placement_planner.recovery import find_recoveries

SCRIPT = Path(__file__).with_name("crash_session.py")


def run_and_kill(mode: str) -> list[str]:
    proc = subprocess.Popen([sys.executable, str(SCRIPT), mode], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    lines = []
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line.strip())
            if line.startswith("READY"):
                break
        assert lines and lines[-1] == "READY", (lines, proc.stderr.read() if proc.poll() is not None else "")
    finally:
        proc.kill()                    # SIGKILL on POSIX, TerminateProcess on Windows
        proc.wait(60)
    return lines


@pytest.mark.parametrize("mode", ["edit", "plan"])
def test_kill_during_editing_or_planning_then_recover(qtbot, window, monkeypatch, mode):
    for old in find_recoveries():
        old.discard()
    lines = run_and_kill(mode)
    found = find_recoveries()
    assert len(found) == 1 and found[0].files_unchanged and found[0].n_changes == 2
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(window.project.loaded, timeout=60000):
        assert window.offer_recovery()
    qtbot.waitUntil(lambda: not window.project.running_tasks(), timeout=60000)
    data = window.project.data
    assert int(data.capacity["places"].iloc[0]) == 17
    assert int(data.demand["learners"].iloc[1]) == 1
    assert window.isWindowModified() and "2 change(s)" in asked[0]
    if mode == "plan":
        placed = int(next(l for l in lines if l.startswith("PLACED")).split()[1])
        qtbot.waitUntil(lambda: window.project.results is not None, timeout=60000)
        assert window.project.results.plan.learners_placed == placed
    else:
        assert window.project.results is None
    assert find_recoveries() == []     # the journal was taken over by this session
