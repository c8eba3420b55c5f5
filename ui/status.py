"""The status bar: what is loaded, the plan's state, and the running plan's progress."""

from __future__ import annotations

import math
import re

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QProgressBar, QPushButton, QSizePolicy, QStatusBar,
                               QWidget)

from placement_planner.ui.formatting import percent

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


# The solver's phase strings, mapped to what a coordinator reads. The solver is free to change
# its wording: anything not matched is shown as it comes, with a capital letter.
_PHASES = [
    (re.compile(r"^prepar", re.I), lambda m: "Preparing the data"),
    (re.compile(r"solv(?:ing|ed)?\s+part\s+(\d+)\s+of\s+(\d+)(?:\s*\((.+)\))?", re.I),
     lambda m: f"Placing learners: part {m[1]} of {m[2]}" + (f" ({m[3]})" if m[3] else "")),
    (re.compile(r"solving\s+(\d+)\s+parts?", re.I), lambda m: f"Placing learners: {m[1]} parts to plan"),
    (re.compile(r"fair\w*\D*(?:round|step)\s*(\d+)", re.I), lambda m: f"Fair share: round {m[1]}"),
    (re.compile(r"fair|leximin|min.?fill", re.I), lambda m: "Fair share"),
    (re.compile(r"previous|keep", re.I), lambda m: "Keeping the previous plan"),
    (re.compile(r"prefer", re.I), lambda m: "Preferred sites"),
    (re.compile(r"travel|km|distance", re.I), lambda m: "Shortest travel"),
    (re.compile(r"place|tier\s*1|first plan|greedy", re.I), lambda m: "Placing learners"),
    (re.compile(r"^done$", re.I), lambda m: "Finishing the plan"),
    (re.compile(r"gaps|reasons|analys", re.I), lambda m: "Working out gaps and reasons"),
]


def phase_words(phase: str) -> str:
    phase = (phase or "").strip()
    if not phase:
        return "Starting"
    for pattern, words in _PHASES:
        m = pattern.search(phase)
        if m:
            return words(m)
    return phase[0].upper() + phase[1:]


def progress_words(state, time_limit: float | None = None) -> tuple[str, float | None]:
    """('Placing learners: part 12 of 20 · within 0.4 % of the best possible · 34 s of 60 s', 0.57).

    The bar follows the solver's own fraction, which counts work by the size of each part,
    and never lags the clock against the time limit (the limit ends the plan). The gap is
    shown only for the finished plan's learners placed, when best and bound are both real and
    ordered; during the solve they belong to one part and one goal and would mislead."""
    words = phase_words(state.phase)
    parts = [words]
    best, bound = state.best, state.bound
    # Only the final report carries the whole plan's placed figure and its proven bound; while
    # parts are solved, best and bound belong to one part and one goal, in that goal's units.
    if words == "Finishing the plan" and best is not None and bound is not None \
            and math.isfinite(best) and math.isfinite(bound) and bound > 0 and 0 < best <= bound * (1 + 1e-9):
        gap = (bound - best) / bound
        if gap > 0.0005:
            parts.append(f"proven within {percent(gap)} of the best possible")
        else:
            parts.append("the most learners that can be placed")
    elapsed = f"{state.elapsed_s:,.0f} s"
    if time_limit and time_limit > 0:
        elapsed += f" of {time_limit:,.0f} s"
    parts.append(elapsed)
    fraction = state.fraction
    if words == "Working out gaps and reasons":
        fraction = max(fraction or 0.0, 0.97)
    elif fraction is not None or (time_limit and time_limit > 0):
        by_clock = state.elapsed_s / time_limit if time_limit else 0.0
        fraction = 0.97 * max(0.0, min(1.0, max(fraction or 0.0, by_clock)))
    return " · ".join(parts), fraction


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
        self.plan_state.setText(text)
        self.plan_state.setToolTip(self.project.plan_note or text)

    def _busy(self, what: str) -> None:
        self.progress.setVisible(what == "planning")
        if what == "planning":
            self.progress.label.setText("Starting…")
            self.progress.bar.setRange(0, 0)
        elif what == "loading":
            self.showMessage("Opening and checking the files…")
