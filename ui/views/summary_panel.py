"""The plan's headline figures at a glance, each with a tooltip in coordinators' words."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout

from placement_planner.ui.formatting import percent, uk_number
from placement_planner.ui.status import STATUS_WORDS

# key, title, tooltip
FIGURES = [
    ("placed", "Learners placed",
     "How many learners have a placement in this plan, out of all the learners the universities asked to place."),
    ("weighted_placed", "Weighted learners placed",
     "Learners placed, counting each by its priority and its profession's weight. The plan makes this as large as possible first."),
    ("min_group_fill", "Smallest fair share",
     "The lowest share of learners placed for any one university and profession. When places run short, "
     "the plan shares the shortfall so that no group is left far behind the others."),
    ("gap", "Gap to the best possible",
     "How far the plan might still be from the most learners that could possibly be placed. 0% means it is proven to be the best."),
    ("learner_km", "Learner-kilometres",
     "Total straight-line distance from where learners travel from to their placement, added up over every learner. Lower is better."),
    ("kept_from_previous", "Kept from previous plan",
     "Learners placed at the same site, setting and start week as in the plan the project was opened with."),
    ("preferred_placed", "At a preferred site",
     "Learners placed at one of the sites their university asked for."),
    ("status", "Plan status", "Whether the plan is proven the best, or the best found in the time allowed."),
]


def figure_text(key: str, s: dict) -> str:
    value = s.get(key)
    if key == "placed":
        req, placed = s.get("learners_requested", 0), s.get("learners_placed", 0)
        return f"{placed:,} of {req:,} ({percent(placed / req, 0) if req else '–'})"
    if key in ("min_group_fill", "gap"):
        return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else percent(value)
    if key == "status":
        return STATUS_WORDS.get(str(value), str(value)).capitalize()
    if key == "learner_km":
        return f"{uk_number(value, 0)} km"
    return uk_number(value, 1 if key == "weighted_placed" and value != int(value or 0) else 0)


class SummaryPanel(QFrame):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.values: dict[str, QLabel] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 8, 8, 8)
        for i, (key, title, tip) in enumerate(FIGURES):
            card = QFrame()
            card.setFrameShape(QFrame.Shape.StyledPanel)
            card.setToolTip(tip)
            box = QVBoxLayout(card)
            heading = QLabel(title)
            heading.setStyleSheet("color: palette(placeholder-text);")
            value = QLabel("–")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            font = value.font()
            font.setPointSizeF(font.pointSizeF() * 1.5)
            font.setBold(True)
            value.setFont(font)
            value.setAccessibleName(title)
            value.setAccessibleDescription(tip)
            value.setToolTip(tip)
            box.addWidget(heading)
            box.addWidget(value)
            self.values[key] = value
            grid.addWidget(card, i // 4, i % 4)

    def set_summary(self, summary: dict | None, stale: bool = False) -> None:
        for key, label in self.values.items():
            label.setText(figure_text(key, summary) if summary else "–")
            label.setEnabled(not stale)
