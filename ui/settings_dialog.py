"""Planning settings: objective order and switches, travel and time limits, profession weights.

Stored with the project (``PlanningData.settings``, written to the Settings sheet); a change
is one undoable command.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout,
                               QGroupBox, QHBoxLayout, QListWidget, QListWidgetItem, QPushButton, QScrollArea,
                               QVBoxLayout, QWidget)

from placement_planner.domain import DEFAULT_TIERS, Tier

TIER_TEXT = {
    Tier.PLACED: "Place as many learners as possible (weighted by priority)",
    Tier.FAIR_SHARE: "Share any shortfall fairly between universities and professions",
    Tier.KEEP_PREVIOUS: "Keep learners where the previous plan put them",
    Tier.PREFERRED: "Place learners at their preferred sites",
    Tier.VARIETY: "Vary the sites within each learner's journey",
    Tier.TRAVEL: "Keep travel distances short",
}


class SettingsDialog(QDialog):
    def __init__(self, data, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Planning settings")
        self._data = data
        s = data.settings
        self.tiers = QListWidget()
        self.tiers.setAccessibleName("Objective order")
        self.tiers.setToolTip("Earlier goals come first: a later goal only decides between plans equal on "
                              "every earlier one. Untick a goal to switch it off. Drag, or use the buttons, to reorder.")
        self.tiers.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        for tier in list(s.tiers) + [t for t in DEFAULT_TIERS if t not in s.tiers]:
            item = QListWidgetItem(TIER_TEXT[tier])
            item.setData(Qt.ItemDataRole.UserRole, tier)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if tier in s.tiers else Qt.CheckState.Unchecked)
            self.tiers.addItem(item)
        up, down = QPushButton("Move up"), QPushButton("Move down")
        up.clicked.connect(lambda: self._move(-1))
        down.clicked.connect(lambda: self._move(1))
        buttons = QHBoxLayout()
        buttons.addWidget(up)
        buttons.addWidget(down)
        buttons.addStretch(1)
        goals = QGroupBox("What makes one plan better than another, in order")
        box = QVBoxLayout(goals)
        box.addWidget(self.tiers)
        box.addLayout(buttons)

        self.travel = self._spin(s.default_max_travel_km, 1, 1000, " km",
                                 "Straight-line limit for groups with no travel limit of their own.")
        self.time_limit = self._spin(s.time_limit_s, 1, 36000, " s",
                                     "The longest planning may take; the best plan found by then is kept.")
        form = QFormLayout()
        form.addRow("Default travel limit:", self.travel)
        form.addRow("Time limit:", self.time_limit)

        self.weights: dict[str, QDoubleSpinBox] = {}
        weights = QWidget()
        wform = QFormLayout(weights)
        professions = sorted(set(data.demand["profession"].astype(str)) | set(s.profession_weights))
        for prof in professions:
            spin = self._spin(s.profession_weights.get(prof, 1.0), 0.01, 100, "",
                              f"Each placed {prof} learner counts this many times (1 = normal).")
            spin.setDecimals(2)
            self.weights[prof] = spin
            wform.addRow(prof + ":", spin)
        scroll = QScrollArea()
        scroll.setWidget(weights)
        scroll.setWidgetResizable(True)
        wbox = QGroupBox("Priority weight per profession")
        QVBoxLayout(wbox).addWidget(scroll)

        ok = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                              | QDialogButtonBox.StandardButton.RestoreDefaults)
        ok.accepted.connect(self.accept)
        ok.rejected.connect(self.reject)
        ok.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(self._defaults)
        layout = QVBoxLayout(self)
        layout.addWidget(goals)
        layout.addLayout(form)
        layout.addWidget(wbox, 1)
        layout.addWidget(ok)
        self.resize(560, 620)

    @staticmethod
    def _spin(value, low, high, suffix, tip) -> QDoubleSpinBox:
        spin = QDoubleSpinBox(minimum=low, maximum=high, suffix=suffix, decimals=0 if suffix else 2)
        spin.setValue(float(value))
        spin.setToolTip(tip)
        spin.setAccessibleDescription(tip)
        return spin

    def _move(self, step: int) -> None:
        row = self.tiers.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.tiers.count():
            return
        item = self.tiers.takeItem(row)
        self.tiers.insertItem(target, item)
        self.tiers.setCurrentRow(target)

    def _defaults(self) -> None:
        from placement_planner.domain import Settings

        d = Settings()
        self.travel.setValue(d.default_max_travel_km)
        self.time_limit.setValue(d.time_limit_s)
        for spin in self.weights.values():
            spin.setValue(1.0)
        self.tiers.clear()
        for tier in DEFAULT_TIERS:
            item = QListWidgetItem(TIER_TEXT[tier])
            item.setData(Qt.ItemDataRole.UserRole, tier)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.tiers.addItem(item)

    def settings(self):
        items = [self.tiers.item(i) for i in range(self.tiers.count())]
        tiers = tuple(Tier(i.data(Qt.ItemDataRole.UserRole)) for i in items if i.checkState() == Qt.CheckState.Checked)
        weights = {p: spin.value() for p, spin in self.weights.items() if abs(spin.value() - 1.0) > 1e-9}
        return self._data.settings.with_(default_max_travel_km=self.travel.value(),
                                         time_limit_s=self.time_limit.value(), tiers=tiers,
                                         profession_weights=weights)
