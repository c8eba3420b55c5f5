"""One dialog for a what-if change (pre-filled from the row right-clicked), and the context-menu
actions on the Sites and Demand tables."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QMenu,
                               QVBoxLayout)

from placement_planner.scenarios import KINDS, Change
from placement_planner.scenarios.changes import DEMAND_FILTERS, SITE_FILTERS
from placement_planner.ui import colours

FIELDS = SITE_FILTERS + DEMAND_FILTERS
VALUE_HINT = {"add_places": "places per week (whole number, 1 or more)", "withdraw": "(not used)",
              "scale_demand": "factor, e.g. 1.2 for 20 % more", "shift_start": "weeks, negative for earlier",
              "travel_limit": "km"}
TITLES = {"add_places": "Add places here", "withdraw": "Withdraw from date", "scale_demand": "Scale cohort",
          "shift_start": "Shift start", "travel_limit": "Travel limit"}


def parse_date(text: str) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        return None
    for fmt in ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise ValueError(f"'{text}' is not a date: use dd/mm/yyyy, for example 02/03/2026.")


def parse_value(text: str) -> float | None:
    text = (text or "").strip().replace(",", "")
    if not text:
        return None
    try:
        return float(text.rstrip("%x km").strip())
    except ValueError:
        raise ValueError(f"'{text}' is not a number.") from None


def date_text(value) -> str:
    return "" if value is None or value is pd.NaT else pd.Timestamp(value).strftime("%d/%m/%Y")


class ChangeDialog(QDialog):
    """Kind, scenario, filters, dates and value of one change; checked before it closes."""

    def __init__(self, store, change: Change, scenario: str | None = None, parent=None) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle(TITLES.get(change.change, "Change") + "…")
        self.scenario = QComboBox()
        self.scenario.setEditable(True)
        self.scenario.addItems(store.names or [store.new_name()])
        if scenario:
            self.scenario.setCurrentText(scenario)
        self.kind = QComboBox()
        self.kind.addItems(list(KINDS))
        self.kind.setCurrentText(change.change)
        self.edits = {f: QLineEdit(str(getattr(change, f) or "")) for f in FIELDS}
        self.from_date = QLineEdit(date_text(change.from_date), placeholderText="dd/mm/yyyy")
        self.to_date = QLineEdit(date_text(change.to_date), placeholderText="dd/mm/yyyy (blank: no end)")
        self.value = QLineEdit("" if change.value is None else f"{change.value:g}")
        self.hint = QLabel()
        self.error = QLabel()
        self.error.setStyleSheet(f"color: {colours.ERROR_TEXT}")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Scenario", self.scenario)
        form.addRow("&Change", self.kind)
        for f in FIELDS:
            form.addRow(f.replace("_", " ").replace("hei", "university").capitalize(), self.edits[f])
        form.addRow("&From date", self.from_date)
        form.addRow("&To date", self.to_date)
        form.addRow("&Value", self.value)
        form.addRow("", self.hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.kind.currentTextChanged.connect(lambda k: self.hint.setText(VALUE_HINT.get(k, "")))
        self.hint.setText(VALUE_HINT.get(change.change, ""))
        self.value.setFocus()

    def change(self) -> Change:
        return Change(scenario=self.scenario.currentText().strip(), change=self.kind.currentText(),
                      from_date=parse_date(self.from_date.text()), to_date=parse_date(self.to_date.text()),
                      value=parse_value(self.value.text()), **{f: e.text().strip() for f, e in self.edits.items()})

    def accept(self) -> None:
        try:
            change = self.change()
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        if not change.scenario:
            self.error.setText("Give the scenario a name.")
            return
        if self.store.project.data is not None:
            from placement_planner.scenarios import check_changes

            errors = [p for p in check_changes([change], self.store.project.data) if p.is_error]
            if errors:
                self.error.setText("\n".join(f"{p.column}: {p.message}" if p.column else p.message for p in errors))
                return
        super().accept()


def ask_change(store, change: Change, parent=None) -> bool:
    """Show the dialog; add the change to the chosen scenario (undoable) when accepted."""
    dialog = ChangeDialog(store, change, store.current or None, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    made = dialog.change()
    store.add_change(made.scenario, made)
    store.current = made.scenario
    return True


def _start_of(data) -> dt.date:
    return data.week0 if data is not None else dt.date.today()


def install_context_menus(window, store) -> None:
    """Right-click a site (or its provider) or a demand group in the data tables."""
    tables = window.data_tables.tables

    def row_at(table: str, pos: QPoint):
        view = tables[table]
        index = view.view.indexAt(pos)
        if not index.isValid():
            return None, None
        source = view.proxy.mapToSource(index)
        frame = view.model.frame
        position = view.model.position(source.row())
        column = view.model.columns[source.column()] if source.column() < len(view.model.columns) else ""
        return frame.iloc[position], column

    def site_menu(pos: QPoint) -> None:
        row, column = row_at("sites", pos)
        if row is None:
            return
        start = _start_of(store.project.data)
        menu = QMenu(tables["sites"])
        site = menu.addAction(f"Withdraw site {row['site_id']} from date…")
        provider = menu.addAction(f"Withdraw provider {row['provider']} from date…")
        add = menu.addAction(f"Add places here ({row['site_id']})…")
        chosen = menu.exec(tables["sites"].view.viewport().mapToGlobal(pos))
        if chosen is site:
            ask_change(store, Change("", "withdraw", site_id=str(row["site_id"]), from_date=start), window)
        elif chosen is provider:
            ask_change(store, Change("", "withdraw", provider=str(row["provider"]), from_date=start), window)
        elif chosen is add:
            ask_change(store, Change("", "add_places", site_id=str(row["site_id"]), from_date=start,
                                     to_date=start + dt.timedelta(weeks=12), value=1), window)

    def demand_menu(pos: QPoint) -> None:
        row, _ = row_at("demand", pos)
        if row is None:
            return
        menu = QMenu(tables["demand"])
        cohort = f"{row['hei']} {row['profession']}"
        scale = menu.addAction(f"Scale cohort ({cohort})…")
        shift = menu.addAction(f"Shift start ({cohort})…")
        travel = menu.addAction(f"Travel limit ({cohort})…")
        chosen = menu.exec(tables["demand"].view.viewport().mapToGlobal(pos))
        common = dict(hei=str(row["hei"]), profession=str(row["profession"]), setting=str(row.get("setting", "") or ""))
        if chosen is scale:
            ask_change(store, Change("", "scale_demand", value=1.2, **common), window)
        elif chosen is shift:
            ask_change(store, Change("", "shift_start", value=2, **common), window)
        elif chosen is travel:
            ask_change(store, Change("", "travel_limit", value=80, **common), window)

    for table, handler in (("sites", site_menu), ("demand", demand_menu)):
        view = tables[table].view
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(handler)
