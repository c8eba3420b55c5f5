"""The Results tab: summary figures, then Allocations and Unplaced tables sharing one set of filters."""

from __future__ import annotations

import pandas as pd
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from placement_planner.ui.models.frame_model import FrameModel
from placement_planner.ui.views.frame_table import FrameTable
from placement_planner.ui.views.summary_panel import SummaryPanel

FACETS = [("profession", "Profession"), ("region", "Region"), ("ics", "ICB"), ("hub", "Hub"),
          ("hei", "University"), ("site_id", "Site")]
UNPLACED_COLUMNS = ["demand_id", "journey", "hei", "profession", "setting", "start_date", "weeks", "learners_requested",
                    "learners_placed", "learners_unplaced", "reason", "ics", "region"]
ALL = "(all)"


class ResultsView(QWidget):
    def __init__(self, project, parent=None) -> None:
        super().__init__(parent)
        self.project = project
        self.summary = SummaryPanel()
        self.allocations = FrameTable(FrameModel(), "Allocations")
        self.unplaced = FrameTable(FrameModel(columns=UNPLACED_COLUMNS), "Unplaced")
        self.combos: dict[str, QComboBox] = {}
        # Two rows of three filters: the bar never makes the window wider than a laptop screen.
        bar = QGridLayout()
        for k, (column, label) in enumerate(FACETS):
            combo = QComboBox()
            combo.setAccessibleName(f"Show only {label}")
            combo.setToolTip(f"Show only allocations and unplaced groups for one {label.lower()}")
            combo.setMinimumContentsLength(8)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.currentTextChanged.connect(lambda text, c=column: self._combo_changed(c, text))
            caption = QLabel(label + ":")
            caption.setBuddy(combo)
            bar.addWidget(caption, k // 3, 2 * (k % 3))
            bar.addWidget(combo, k // 3, 2 * (k % 3) + 1)
            bar.setColumnStretch(2 * (k % 3) + 1, 1)
            self.combos[column] = combo
        clear = QPushButton("Clear filters")
        clear.clicked.connect(self.clear_filters)
        bar.addWidget(clear, 0, 6)
        self.tables = QTabWidget()
        self.tables.addTab(self.allocations, "Allocations")
        self.tables.addTab(self.unplaced, "Unplaced (with reasons)")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(bar)
        layout.addWidget(self.tables, 1)
        project.plan_changed.connect(self._plan_changed)

    def _plan_changed(self) -> None:
        r = self.project.results
        self.summary.set_summary(r.summary if r else None, self.project.plan_stale)
        if r is None:
            self.allocations.model.set_frame(pd.DataFrame())
            self.unplaced.model.set_frame(pd.DataFrame())
        elif self.allocations.model.frame is not r.allocations:
            self.allocations.model.set_frame(r.allocations)
            self.unplaced.model.set_frame(r.unplaced)
            self._fill_combos(r)
            self._reapply()

    def _fill_combos(self, r) -> None:
        for column, combo in self.combos.items():
            values = set()
            for frame in (r.allocations, r.unplaced):
                if column in frame:
                    values.update(v for v in frame[column].dropna().astype(str) if v)
            current = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItems([ALL] + sorted(values))
            combo.setCurrentText(current if current in values else ALL)
            combo.blockSignals(False)

    def _combo_changed(self, column: str, text: str) -> None:
        self.set_filter(column, None if text in ("", ALL) else text)

    def set_filter(self, column: str, value) -> None:
        """Show only rows with this value (a chart click calls this too); None clears it."""
        combo = self.combos[column]
        combo.blockSignals(True)
        if value is not None and combo.findText(str(value)) < 0:
            combo.addItem(str(value))
        combo.setCurrentText(ALL if value is None else str(value))
        combo.blockSignals(False)
        for table in (self.allocations, self.unplaced):
            if column in table.model.frame:
                table.proxy.set_facet(column, None if value is None else [value])

    def _reapply(self) -> None:
        for column, combo in self.combos.items():
            text = combo.currentText()
            self.set_filter(column, None if text in ("", ALL) else text)

    def clear_filters(self) -> None:
        for column in self.combos:
            self.set_filter(column, None)
