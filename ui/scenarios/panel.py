"""The Scenarios tab: scenarios on the left (new, duplicate, rename, delete, plan one or all,
cancel), the chosen scenario's changes as an editable table, and the comparison views."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QInputDialog, QLabel, QListWidget, QMessageBox,
                               QProgressBar, QPushButton, QSplitter, QTableWidget, QTableWidgetItem, QTabWidget,
                               QVBoxLayout, QWidget)

from placement_planner.scenarios import Change
from placement_planner.ui import colours
from placement_planner.ui.scenarios.dialogs import FIELDS, ask_change, date_text, parse_date, parse_value
from placement_planner.ui.scenarios.views import ComparisonView, DifferenceHeatmap, MovesView

COLUMNS = ["change", *FIELDS, "from_date", "to_date", "value"]


class ScenariosPanel(QWidget):
    def __init__(self, store, parent=None) -> None:
        super().__init__(parent)
        self.store = store
        self.list = QListWidget()
        self.list.setAccessibleName("Scenarios")
        self.buttons = {}
        left = QVBoxLayout()
        left.addWidget(QLabel("<b>Scenarios</b>"))
        left.addWidget(self.list, 1)
        for key, text, slot in (("new", "&New", self.new), ("duplicate", "D&uplicate", self.duplicate),
                                ("rename", "Re&name…", self.rename), ("delete", "&Delete", self.delete),
                                ("plan", "&Plan this scenario", self.plan_one),
                                ("plan_all", "Plan &all scenarios", self.plan_all),
                                ("cancel", "&Cancel planning", store.cancel)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            self.buttons[key] = b
            left.addWidget(b)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setTextVisible(True)
        self.progress.setVisible(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        left.addWidget(self.progress)
        left.addWidget(self.status)
        left_box = QWidget()
        left_box.setLayout(left)

        self.changes = QTableWidget(0, len(COLUMNS))
        self.changes.setAccessibleName("Changes of the scenario")
        self.changes.setHorizontalHeaderLabels([c.replace("_", " ").replace("hei", "university") for c in COLUMNS])
        self.changes.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.changes.itemChanged.connect(self._cell_edited)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet(f"color: {colours.ERROR_TEXT}")
        add, remove = QPushButton("Add change…"), QPushButton("Remove change")
        add.clicked.connect(self.add_change)
        remove.clicked.connect(self.remove_change)
        row = QHBoxLayout()
        row.addWidget(QLabel("Changes, applied in this order to the baseline (double-click a cell to edit; "
                             "Ctrl+Z undoes):"), 1)
        row.addWidget(add)
        row.addWidget(remove)
        changes_box = QWidget()
        cl = QVBoxLayout(changes_box)
        cl.addLayout(row)
        cl.addWidget(self.changes, 1)
        cl.addWidget(self.problems)

        self.comparison = ComparisonView(store)
        self.heatmap = DifferenceHeatmap(store)
        self.moves = MovesView(store)
        self.tabs = QTabWidget()
        self.tabs.addTab(changes_box, "Changes")
        self.tabs.addTab(self.comparison, "Comparison")
        self.tabs.addTab(self.heatmap, "Difference heatmap")
        self.tabs.addTab(self.moves, "Moves")

        split = QSplitter()
        split.addWidget(left_box)
        split.addWidget(self.tabs)
        split.setStretchFactor(1, 1)
        split.setSizes([340, 900])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(split)

        self.list.currentTextChanged.connect(self._select)
        store.changed.connect(self.refresh)
        store.busy_changed.connect(self._busy)
        store.progressed.connect(self._progressed)
        store.message.connect(self.status.setText)
        self._filling = False
        self.refresh()
        self._busy(False)

    # ---- the list --------------------------------------------------------------------------
    @property
    def current(self) -> str:
        item = self.list.currentItem()
        return item.text() if item is not None else ""

    def refresh(self) -> None:
        keep = self.store.current or self.current
        self.list.blockSignals(True)
        self.list.clear()
        self.list.addItems(self.store.names)
        matches = self.list.findItems(keep, Qt.MatchFlag.MatchExactly) if keep else []
        if matches:
            self.list.setCurrentItem(matches[0])
        elif self.list.count():
            self.list.setCurrentRow(0)
        self.list.blockSignals(False)
        self._select(self.current)

    def _select(self, name: str) -> None:
        self.store.current = name
        self._fill_changes()
        has = bool(name)
        for key in ("duplicate", "rename", "delete", "plan"):
            self.buttons[key].setEnabled(has and not self.store.busy)

    def _fill_changes(self) -> None:
        self._filling = True
        items = self.store.scenarios.get(self.current, ())
        self.changes.setRowCount(len(items))
        for r, ch in enumerate(items):
            for c, col in enumerate(COLUMNS):
                value = getattr(ch, col)
                text = date_text(value) if col.endswith("_date") else ("" if value is None else
                                                                        f"{value:g}" if col == "value" else str(value))
                item = QTableWidgetItem(text)
                item.setToolTip(ch.describe())
                self.changes.setItem(r, c, item)
        self.changes.resizeColumnsToContents()
        self._filling = False
        problems = self.store.problems(self.current) if self.current else []
        self.problems.setText("\n".join(f"{p.severity.value}: {p.message}" for p in problems))

    # ---- editing -------------------------------------------------------------------------
    def _cell_edited(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        name, r, col = self.current, item.row(), COLUMNS[item.column()]
        change = self.store.scenarios[name][r]
        text = item.text().strip()
        try:
            value = parse_date(text) if col.endswith("_date") else parse_value(text) if col == "value" else text
        except ValueError as exc:
            self.status.setText(f"Not changed: {exc}")
            self._fill_changes()
            return
        self.store.set_change(name, r, dataclasses.replace(change, **{col: value}))

    def new(self) -> None:
        name = self.store.add_scenario()
        self.store.current = name
        self.refresh()

    def duplicate(self) -> None:
        if self.current:
            self.store.current = self.store.duplicate(self.current)
            self.refresh()

    def rename(self) -> None:
        old = self.current
        if not old:
            return
        new, ok = QInputDialog.getText(self, "Rename scenario", "New name:", text=old)
        if ok and new.strip() and new.strip() != old:
            if not self.store.rename(old, new):
                self.status.setText(f"'{new.strip()}' is already a scenario: choose another name.")
                return
            self.store.current = new.strip()
            self.refresh()

    def delete(self) -> None:
        if self.current:
            self.store.delete(self.current)

    def add_change(self) -> None:
        start = self.store.project.data.week0 if self.store.project.data is not None else None
        ask_change(self.store, Change(self.current, "withdraw", from_date=start), self)
        self.refresh()

    def remove_change(self) -> None:
        rows = sorted({i.row() for i in self.changes.selectedIndexes()}, reverse=True)
        if not rows and self.changes.currentRow() >= 0:
            rows = [self.changes.currentRow()]
        for r in rows:
            self.store.remove_change(self.current, r)

    # ---- planning ------------------------------------------------------------------------
    def plan_one(self) -> None:
        if self.current:
            self.store.plan([self.current])

    def plan_all(self) -> None:
        if not self.store.names:
            QMessageBox.information(self, "No scenarios", "Add a scenario first: New, then Add change…, or "
                                    "right-click a site or a demand group in the data tables.")
            return
        self.store.plan(self.store.names)

    def _busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.progress.setValue(0)
        self.buttons["cancel"].setEnabled(busy)
        self.buttons["plan_all"].setEnabled(not busy)
        self._select(self.current)
        if not busy and self.store.outcomes:
            self.tabs.setCurrentWidget(self.comparison)

    def _progressed(self, state) -> None:
        if state.fraction is not None:
            self.progress.setValue(int(100 * state.fraction))
        if state.phase:
            self.progress.setFormat(f"{state.phase} — %p%")
