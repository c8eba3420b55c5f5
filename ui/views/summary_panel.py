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
    ("weighted_placed", "Priority-weighted placements",
     "Not a head count: each learner placed counts by its group's priority (and its profession's weight in "
     "Settings), so a priority-2 group counts twice and this can exceed the learners requested. The plan makes "
     "this as large as possible first. See Help > What do these figures mean?"),
    ("min_group_fill", "Lowest group fill",
     "The smallest share of its learners placed for any one university-and-profession group: 80% means every "
     "group had at least 80% placed. When places run short the plan shares the shortfall fairly, raising the "
     "lowest share first; a group that cannot be placed at all is left out."),
    ("gap", "How close to the best",
     "The plan is proven within this percentage of the best possible plan: no plan could place more "
     "priority-weighted learners than the proven bound. 0.0% means it is the best there is. "
     "(Not the same as capacity gaps, which are places short of demand.)"),
    ("learner_km", "Total travel",
     "Learner-kilometres: each placed learner's straight-line distance to the placement, added up "
     "(10 learners travelling 5 km = 50 learner-km). Lower is better."),
    ("kept_from_previous", "Kept from previous plan",
     "Learners placed at the same site, setting and start week as in the plan the project was opened with."),
    ("preferred_placed", "At a preferred site",
     "Learners placed at one of the sites their university asked for."),
    ("status", "Plan status", "Whether the plan is proven the best, or the best found in the time allowed."),
    ("site_repeats", "Site repeats in journeys",
     "Placements at a site the same learner already had earlier in their journey (a learner on one ward "
     "three times counts 2). The plan keeps this low after preferred sites (the variety goal). Shown when "
     "the workbook has journeys; see the Journeys tab."),
]
ONLY_WHEN_GIVEN = {"site_repeats"}     # cards shown only when the plan has the figure


def figure_text(key: str, s: dict) -> str:
    value = s.get(key)
    if key == "placed":
        req, placed = s.get("learners_requested", 0), s.get("learners_placed", 0)
        return f"{placed:,} of {req:,} ({percent(placed / req, 0) if req else '–'})"
    if key in ("min_group_fill", "gap"):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        if key == "gap" and value < 0.0005 and str(s.get("status")) in ("time_limit", "cancelled"):
            # Tier 1 proven, later goals stopped early: do not let "0.0 %" read as "finished".
            return "most learners placed: proven; later goals stopped early"
        return f"proven within {percent(value)} of the best possible plan" if key == "gap" else percent(value)
    if key == "status":
        return STATUS_WORDS.get(str(value), str(value)).capitalize()
    if key == "site_repeats":
        return "–" if value is None else f"{int(value):,}" + (" (every site new)" if not value else "")
    if key == "learner_km":
        return f"{uk_number(value, 0)} learner-km"
    return uk_number(value, 1 if key == "weighted_placed" and value != int(value or 0) else 0)


class SummaryPanel(QFrame):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.values: dict[str, QLabel] = {}
        self.cards: dict[str, QFrame] = {}
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
            self.cards[key] = card
            # the journeys card sits at the end of the first row, so it adds no row when shown
            grid.addWidget(card, *((0, 4) if key in ONLY_WHEN_GIVEN else (i // 4, i % 4)))
            card.setVisible(key not in ONLY_WHEN_GIVEN)

    def set_summary(self, summary: dict | None, stale: bool = False) -> None:
        for key, label in self.values.items():
            label.setText(figure_text(key, summary) if summary else "–")
            label.setEnabled(not stale)
        for key in ONLY_WHEN_GIVEN:
            self.cards[key].setVisible(bool(summary) and summary.get(key) is not None)
