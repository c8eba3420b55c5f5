"""Scenario results: the comparison (one column per scenario, headline figures as rows, deltas
in colour), the difference heatmap (unmet learners by profession x region, scenario minus
baseline) and the Moves table filterable by university and provider."""

from __future__ import annotations

import math

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from placement_planner.scenarios.plan import area_table
from placement_planner.ui import colours

# figure, label, +1 when higher is better, -1 when lower is better, 0 neutral, format
FIGURES = [
    ("learners_requested", "Learners requested", 0, "{:,.0f}"),
    ("learners_placed", "Learners placed", 1, "{:,.0f}"),
    ("weighted_placed", "Weighted placed (tier 1)", 1, "{:,.1f}"),
    ("min_group_fill", "Smallest group fill", 1, "{:.1%}"),
    ("learners_moved", "Learners moved", -1, "{:,.0f}"),
    ("kept_from_previous", "Kept where they were", 0, "{:,.0f}"),
    ("preferred_placed", "At a preferred site", 1, "{:,.0f}"),
    ("learner_km", "Learner-km", -1, "{:,.0f}"),
    ("gap", "Gap to the bound", -1, "{:.2%}"),
    ("status", "Solver status", 0, "{}"),
]
# The diverging "balance" ramp of ui/colours (colour-blind safe): purple better, orange worse.
_BALANCE = colours.RAMPS["balance"]
BETTER, WORSE = QColor(_BALANCE[5]), QColor(_BALANCE[3])
BETTER_TEXT, WORSE_TEXT = QColor(_BALANCE[-1]), QColor(_BALANCE[0])


def _fmt(fmt: str, value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    try:
        return fmt.format(value)
    except (ValueError, TypeError):
        return str(value)


def _table() -> QTableWidget:
    t = QTableWidget()
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setAlternatingRowColors(False)
    t.verticalHeader().setDefaultSectionSize(t.fontMetrics().height() + 10)
    return t


class ComparisonView(QWidget):
    """Headline figures as rows, the baseline and each planned scenario as columns."""

    def __init__(self, store, parent=None) -> None:
        super().__init__(parent)
        self.store = store
        self.table = _table()
        self.table.setAccessibleName("Scenario comparison")
        self.note = QLabel("Plan scenarios to compare them with the baseline. Purple is better than the "
                           "baseline, orange is worse; the change is shown in brackets.")
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        store.outcomes_changed.connect(self.refresh)
        store.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        s = self.store
        outcomes = [s.baseline] + [s.outcomes[n] for n in s.names if n in s.outcomes] if s.baseline else []
        t = self.table
        t.clear()
        t.setRowCount(len(FIGURES))
        t.setColumnCount(len(outcomes))
        t.setVerticalHeaderLabels([label for _, label, _, _ in FIGURES])
        t.setHorizontalHeaderLabels(["Baseline"] + [o.name for o in outcomes[1:]])
        if not outcomes:
            return
        base = outcomes[0].summary
        for c, out in enumerate(outcomes):
            no_plan = out.summary.get("status") in ("infeasible", "error")
            for r, (key, _, sense, fmt) in enumerate(FIGURES):
                value = out.summary.get(key)
                text = _fmt(fmt, value) if not no_plan or key in ("status", "learners_requested") else "no plan"
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if no_plan:
                    item.setToolTip("\n".join(out.plan.messages[:6]) or "No plan could be made.")
                elif c and isinstance(value, (int, float)) and isinstance(base.get(key), (int, float)):
                    delta = float(value) - float(base[key])
                    if abs(delta) > 1e-9:
                        item.setText(f"{text}  ({'+' if delta > 0 else '−'}{_fmt(fmt, abs(delta))})")
                        good = delta * sense > 0
                        if sense:
                            item.setBackground(QBrush(BETTER if good else WORSE))
                            item.setForeground(QBrush(BETTER_TEXT if good else WORSE_TEXT))
                            item.setToolTip(("Better" if good else "Worse") + " than the baseline")
                t.setItem(r, c, item)
        t.resizeColumnsToContents()


class DifferenceHeatmap(QWidget):
    """Unmet learners by profession x region: the chosen scenario minus the baseline."""

    def __init__(self, store, parent=None) -> None:
        super().__init__(parent)
        self.store = store
        self.choice = QComboBox()
        self.choice.setAccessibleName("Scenario shown in the heatmap")
        self.level = QComboBox()
        self.level.addItem("by region", "region")
        self.level.addItem("by ICB", "ics")
        self.level.setAccessibleName("Areas across the heatmap")
        self.table = _table()
        self.table.setAccessibleName("Difference in unmet learners")
        top = QHBoxLayout()
        top.addWidget(QLabel("Unmet learners, scenario minus baseline:"))
        top.addWidget(self.choice, 1)
        top.addWidget(self.level)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.choice.currentIndexChanged.connect(lambda _: self.draw())
        self.level.currentIndexChanged.connect(lambda _: self.draw())
        store.outcomes_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        current = self.choice.currentText()
        self.choice.blockSignals(True)
        self.choice.clear()
        self.choice.addItems([n for n in self.store.names if n in self.store.outcomes])
        if current:
            self.choice.setCurrentText(current)
        self.choice.blockSignals(False)
        self.draw()

    def matrix(self, name: str) -> pd.DataFrame:
        s = self.store
        level = self.level.currentData() or "region"
        table = area_table([s.baseline, s.outcomes[name]], level)
        table = table[table["scenario"] == name]
        return table.pivot_table(index="profession", columns=level, values="change_vs_baseline",
                                 aggfunc="sum", fill_value=0)

    def draw(self) -> None:
        t = self.table
        t.clear()
        name = self.choice.currentText()
        if not name or self.store.baseline is None or name not in self.store.outcomes:
            t.setRowCount(0)
            t.setColumnCount(0)
            return
        m = self.matrix(name)
        t.setRowCount(len(m.index))
        t.setColumnCount(len(m.columns))
        t.setVerticalHeaderLabels(list(m.index))
        t.setHorizontalHeaderLabels([str(c).removeprefix("NHS ").removesuffix(" Integrated Care Board")
                                     for c in m.columns])
        top = max(1, int(m.abs().to_numpy().max()) if m.size else 1)
        for r, prof in enumerate(m.index):
            for c, region in enumerate(m.columns):
                v = int(m.loc[prof, region])
                item = QTableWidgetItem(f"{v:+,d}" if v else "0")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                share = min(1.0, abs(v) / top)
                if v:
                    # More unmet is a shortfall: the orange (negative) end of the balance ramp.
                    colour = colours.colours_for([-v], "balance", -top, top)[0]
                    item.setBackground(QBrush(colour))
                    item.setForeground(QBrush(colours.text_on(colour)))
                item.setToolTip(f"{prof} in {region}: {v:+,d} learners unmet against the baseline")
                t.setItem(r, c, item)
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)


class MovesView(QWidget):
    """Who moved, in every planned scenario; filter by scenario, university and provider."""

    ALL = "(all)"

    def __init__(self, store, parent=None) -> None:
        super().__init__(parent)
        self.store = store
        self.scenario, self.hei, self.provider = QComboBox(), QComboBox(), QComboBox()
        for box, name in ((self.scenario, "scenario"), (self.hei, "university"), (self.provider, "provider")):
            box.setAccessibleName(f"Filter moves by {name}")
            box.currentIndexChanged.connect(lambda _: self.draw())
        self.count = QLabel()
        self.table = _table()
        self.table.setAccessibleName("Learners moved")
        self.table.setSortingEnabled(True)
        top = QHBoxLayout()
        for label, box in (("Scenario", self.scenario), ("University", self.hei), ("Provider", self.provider)):
            top.addWidget(QLabel(label))
            top.addWidget(box, 1)
        top.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        store.outcomes_changed.connect(self.refresh)
        self.frame = pd.DataFrame()
        self.refresh()

    def all_moves(self) -> pd.DataFrame:
        s = self.store
        frames = [s.outcomes[n].moves for n in s.names if n in s.outcomes and len(s.outcomes[n].moves)]
        if not frames:
            return pd.DataFrame(columns=["scenario", "demand_id", "hei", "profession", "learners", "from_site_id",
                                         "to_site_id", "from_start", "to_start", "from_provider", "to_provider"])
        moves = pd.concat(frames, ignore_index=True)
        data = s.project.data
        provider = data.sites.set_index("site_id")["provider"] if data is not None else pd.Series(dtype=object)
        moves["from_provider"] = moves["from_site_id"].map(provider).fillna("")
        moves["to_provider"] = moves["to_site_id"].map(provider).fillna("")
        return moves

    def refresh(self) -> None:
        self.frame = self.all_moves()
        for box, values in ((self.scenario, self.frame["scenario"]), (self.hei, self.frame["hei"]),
                            (self.provider, pd.concat([self.frame["from_provider"], self.frame["to_provider"]]))):
            current = box.currentText()
            box.blockSignals(True)
            box.clear()
            box.addItems([self.ALL] + sorted({v for v in values if v}))
            box.setCurrentText(current if current else self.ALL)
            box.blockSignals(False)
        self.draw()

    def shown(self) -> pd.DataFrame:
        f = self.frame
        if self.scenario.currentText() not in ("", self.ALL):
            f = f[f["scenario"] == self.scenario.currentText()]
        if self.hei.currentText() not in ("", self.ALL):
            f = f[f["hei"] == self.hei.currentText()]
        if self.provider.currentText() not in ("", self.ALL):
            p = self.provider.currentText()
            f = f[(f["from_provider"] == p) | (f["to_provider"] == p)]
        return f

    def draw(self) -> None:
        f = self.shown()
        cols = ["scenario", "demand_id", "hei", "profession", "learners", "from_site_id", "from_provider", "from_start",
                "to_site_id", "to_provider", "to_start"]
        t = self.table
        t.setSortingEnabled(False)
        t.clear()
        t.setColumnCount(len(cols))
        t.setHorizontalHeaderLabels([c.replace("_", " ") for c in cols])
        t.setRowCount(len(f))
        for r, rec in enumerate(f[cols].itertuples(index=False)):
            for c, v in enumerate(rec):
                if isinstance(v, pd.Timestamp) or (cols[c].endswith("start")):
                    text = "" if pd.isna(v) else pd.Timestamp(v).strftime("%d/%m/%Y")
                elif cols[c] == "to_site_id" and not v:
                    text = "(unplaced)"
                else:
                    text = str(v)
                item = QTableWidgetItem(text)
                if cols[c] == "learners":
                    item.setData(Qt.ItemDataRole.DisplayRole, int(v))
                t.setItem(r, c, item)
        t.setSortingEnabled(True)
        t.resizeColumnsToContents()
        self.count.setText(f"{int(f['learners'].sum()) if len(f) else 0:,} learners moved in {len(f):,} rows")
