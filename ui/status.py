"""The status bar: what is loaded, the plan's state, and the running plan's progress."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QProgressBar, QPushButton, QSizePolicy, QStatusBar,
                               QWidget)

from placement_planner.analysis.summary import plan_notes
from placement_planner.progress_words import phase_words, progress_words  # noqa: F401 (re-exported)

STATUS_WORDS = {"optimal": "best possible plan", "feasible": "good plan, not proven best",
                "time_limit": "stopped at the time limit (best found)",
                "cancelled": "cancelled (best plan found so far)",
                "infeasible": "locked placements cannot all be kept", "error": "planning failed"}


class ElidedLabel(QLabel):
    """A one-line label that never asks for more width than it has: long text ends in "…"
    and the whole of it is the tooltip. Nothing in the status bar can widen the window."""

    def __init__(self, text: str = "", min_chars: int = 12, max_chars: int = 60, parent=None) -> None:
        super().__init__(text, parent)
        self._min_chars, self._max_chars = min_chars, max_chars
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(text if text else "")
        self.update()

    def minimumSizeHint(self) -> QSize:
        return QSize(self.fontMetrics().averageCharWidth() * self._min_chars, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(min(hint.width(), self.fontMetrics().averageCharWidth() * self._max_chars), hint.height())

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), text)


class PlanProgress(QWidget):
    """Phase, best value, bound and gap, elapsed time, and a Cancel button."""

    def __init__(self, project, parent=None) -> None:
        super().__init__(parent)
        self.bar = QProgressBar(maximumWidth=160, textVisible=False)
        self.bar.setAccessibleName("Planning progress")
        self.label = ElidedLabel(min_chars=20, max_chars=70)
        self.label.setAccessibleName("Planning progress details")
        self.cancel = QPushButton("Cancel")
        self.cancel.setToolTip("Stop planning and keep the best plan found so far (Esc)")
        self.cancel.setAccessibleName("Cancel planning")
        self.cancel.clicked.connect(project.cancel_plan)
        self._project = project
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for w in (self.label, self.bar, self.cancel):
            layout.addWidget(w)
        project.progressed.connect(self.show_state)
        self.setVisible(False)

    def show_state(self, state) -> None:
        limit = self._time_limit()
        text, fraction = progress_words(state, limit)
        if fraction is None:
            self.bar.setRange(0, 0)         # busy indicator
        else:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(1000 * fraction))
        self.label.setText(text)

    def _time_limit(self) -> float | None:
        data = getattr(self._project, "data", None)
        return getattr(getattr(data, "settings", None), "time_limit_s", None)




class StatusBar(QStatusBar):
    def __init__(self, project, parent=None) -> None:
        super().__init__(parent)
        self.project = project
        self.loaded = ElidedLabel("Nothing open", max_chars=200)
        self.loaded.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.plan_state = ElidedLabel("No plan yet")
        self.progress = PlanProgress(project)
        # The permanent widgets keep their (capped) size: the rest of the width is for the
        # loaded files and the status messages, which are drawn in the same place.
        self.addWidget(self.loaded, 1)
        self.addPermanentWidget(self.progress)
        self.addPermanentWidget(self.plan_state)
        project.loaded.connect(self._loaded)
        project.problems_changed.connect(self._loaded)
        project.plan_changed.connect(self._plan)
        project.busy_changed.connect(self._busy)
        project.message.connect(lambda text: self.showMessage(text, 8000))

    def _loaded(self) -> None:
        data, p = self.project.data, self.project
        names = ", ".join(path.replace("\\", "/").rsplit("/", 1)[-1] for path in p.input_paths)
        if data is None:
            self.loaded.setText(f"{names}: could not be read" if names else "Nothing open")
            return
        errors = sum(x.is_error for x in p.problems)
        warnings = len(p.problems) - errors
        self.loaded.setText(
            f"{names} — {len(data.sites):,} sites, {len(data.capacity):,} capacity rows, "
            f"{data.learners_requested:,} learners in {len(data.demand):,} groups — "
            f"{errors:,} errors, {warnings:,} warnings")

    def _plan(self) -> None:
        r = self.project.results
        if r is None:
            self.plan_state.setText("No plan yet")
            return
        status = getattr(r.plan.status, "value", str(r.plan.status))
        words = STATUS_WORDS.get(status, status)
        requested = self.project.data.learners_requested if self.project.data is not None else 0
        text = f"Plan: {r.plan.learners_placed:,} of {requested:,} learners placed, {words}"
        if self.project.plan_stale:
            text += " — out of date after edits (press Plan)"
        elif "kept the earlier plan" in self.project.plan_note:
            text += " — earlier plan kept"
        # the optimiser's own words (a tier proven only to a tolerance, a loose bound, trouble)
        notes = plan_notes(r.plan)
        if notes and not self.project.plan_stale:
            text += " — notes (hover)"
        self.plan_state.setText(text)
        self.plan_state.setToolTip("\n\n".join([self.project.plan_note or text] + notes))

    def _busy(self, what: str) -> None:
        self.progress.setVisible(what == "planning")
        if what == "planning":
            self.progress.label.setText("Starting…")
            self.progress.bar.setRange(0, 0)
        elif what == "loading":
            self.showMessage("Opening and checking the files…")
