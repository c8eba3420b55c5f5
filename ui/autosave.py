"""Autosave after edits to the user data folder, and an offer to recover after a crash.

Each running app writes ``autosave-<pid>.xlsx`` (the same workbook as Save Project) a
while after the last change; a clean close deletes it. A file left by a process that is
no longer running is what a crash leaves behind.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from placement_planner.logs import user_data_dir
from placement_planner.recovery import make_private, pid_alive, private_dir

DELAY_MS = 60_000


def autosave_dir() -> Path:
    return private_dir(user_data_dir() / "autosave")   # autosaves hold learner data


def orphaned_autosaves() -> list[Path]:
    """Autosaves whose app is gone (crashed), newest first."""
    found = []
    for f in autosave_dir().glob("autosave-*.xlsx"):
        try:
            pid = int(f.stem.split("-", 1)[1])
        except ValueError:
            continue
        if not pid_alive(pid):
            found.append(f)
    return sorted(found, key=lambda f: f.stat().st_mtime, reverse=True)


class Autosaver(QObject):
    def __init__(self, project, delay_ms: int = DELAY_MS, parent=None) -> None:
        super().__init__(parent)
        self.project = project
        self.path = autosave_dir() / f"autosave-{os.getpid()}.xlsx"
        self.timer = QTimer(self, singleShot=True, interval=delay_ms)
        self.timer.timeout.connect(self.save_now)
        project.edited.connect(lambda *_: self.timer.start())
        project.modified_changed.connect(self._modified)

    def _modified(self, modified: bool) -> None:
        if modified:
            self.timer.start()
        else:
            self.timer.stop()
            self.discard()

    def save_now(self):
        if self.project.data is None or not self.project.is_modified or self.project.planning:
            if self.project.planning:
                self.timer.start()   # try again once the plan is in
            return None
        task = self.project.save(str(self.path), as_project=False, autosave=True)
        if task is not None:
            task.finished.connect(make_private)     # 0600: learner data, the user alone
        return task

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)
