"""Advice panel: run the advisor in the background, list the verified recommendations (best
first), chart learners gained per £1,000, and add any recommendation as an add_places scenario."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QCheckBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QSplitter, QTableView,
                               QTabWidget, QVBoxLayout, QWidget)

from placement_planner.advice.scenario_rows import SCENARIO_KINDS, expressible, fix_change, recommendation_change
from placement_planner.ui.models.frame_model import FrameModel
from placement_planner.ui.workers import BackgroundTask

SHOWN = ["rank", "site_id", "site_name", "profession", "setting", "start_date", "end_date", "places",
         "extra_learners_placed", "extra_weighted_placed", "cost", "cost_per_extra_learner", "proven"]
FIX_SHOWN = ["demand_id", "hei", "profession", "learners_unplaced", "reason", "fix", "fix_learners"]


class AdvicePanel(QWidget):
    message = Signal(str)
    advised = Signal(object, object)     # the Advice frame, the sites table (for the map)

    def __init__(self, project, scenario_store=None, parent=None) -> None:
        super().__init__(parent)
        self.project, self.store = project, scenario_store
        self.task: BackgroundTask | None = None
        self.frame = pd.DataFrame(columns=SHOWN)
        self.places = QSpinBox(minimum=1, maximum=500, value=8)
        self.places.setAccessibleName("Most places per recommendation")
        self.top = QSpinBox(minimum=1, maximum=50, value=5)
        self.top.setAccessibleName("Recommendations to re-solve")
        self.run_button = QPushButton("&Advise")
        self.run_button.clicked.connect(self.run)
        self.add_button = QPushButton("Add as &scenario")
        self.add_button.setEnabled(False)
        self.add_button.clicked.connect(self.add_selected_as_scenario)
        self.fix_button = QPushButton("&Try fix as scenario")
        self.fix_button.setEnabled(False)
        self.fix_button.clicked.connect(self.try_selected_fix)
        self.smooth = QCheckBox("Demand &smoothing (slower)")
        self.smooth.setToolTip("Also re-solve with starts allowed 1, 2 and 4 weeks earlier or later")
        self.status = QLabel("Load a workbook, then Advise: each gain is re-solved, never estimated.")
        bar = QHBoxLayout()
        for w in (QLabel("Places per week, at most:"), self.places, QLabel("Top:"), self.top,
                  self.smooth, self.run_button, self.add_button, self.fix_button):
            bar.addWidget(w)
        bar.addStretch(1)

        self.model = FrameModel(self.frame, columns=SHOWN)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setAccessibleName("Recommendations, best first")
        self.table.selectionModel().selectionChanged.connect(self._selection)
        self.fix_model = FrameModel(pd.DataFrame(columns=FIX_SHOWN), columns=FIX_SHOWN)
        self.fix_table = QTableView()
        self.fix_table.setModel(self.fix_model)
        self.fix_table.setAccessibleName("A fix for every unplaced group")
        self.fix_table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.fix_table.selectionModel().selectionChanged.connect(self._fix_selection)
        self.plot = pg.PlotWidget()
        self.plot.setLabel("left", "learners gained per £1,000")
        self.plot.setLabel("bottom", "recommendation (rank)")
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.6)
        self.plot.addItem(self.bars)

        self.smooth_model = FrameModel(pd.DataFrame())
        self.smooth_table = QTableView()
        self.smooth_table.setModel(self.smooth_model)
        self.smooth_table.setAccessibleName("Demand smoothing: peak weeks and learners placed with flexible starts")
        self.smooth_plot = pg.PlotWidget()
        self.smooth_plot.setLabel("left", "more learners placed")
        self.smooth_plot.setLabel("bottom", "weeks a start may move (1, 2, 4)")
        self.smooth_bars = pg.BarGraphItem(x=[], height=[], width=0.6)
        self.smooth_plot.addItem(self.smooth_bars)
        smoothing = QSplitter()
        smoothing.setOrientation(pg.QtCore.Qt.Orientation.Vertical)
        smoothing.addWidget(self.smooth_table)
        smoothing.addWidget(self.smooth_plot)
        self.right = QTabWidget()
        self.right.addTab(self.plot, "Learners per £")
        self.right.addTab(smoothing, "Smoothing")
        split = QSplitter()
        left = QSplitter()
        left.setOrientation(pg.QtCore.Qt.Orientation.Vertical)
        left.addWidget(self.table)
        left.addWidget(self.fix_table)
        split.addWidget(left)
        split.addWidget(self.right)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(split, 1)
        self.advice = None
        self.data = None

    # ---- running ----------------------------------------------------------------------
    def run(self) -> None:
        data = getattr(self.project, "data", None)
        if data is None:
            self.status.setText("Load a workbook first.")
            return
        if self.task is not None and self.task.is_running():
            return
        places, top, smooth = self.places.value(), self.top.value(), self.smooth.isChecked()

        def work(progress):
            from placement_planner.advice import advise
            from placement_planner.advice.output import advice_report
            advice = advise(data, places, top, smoothing=smooth, progress=progress)
            return data, advice, advice_report(data, advice)

        self.task = BackgroundTask(work, name="advice", parent=self)
        self.task.progressed.connect(lambda s: self.status.setText(s.phase or "advising..."))
        self.task.finished.connect(self.show_advice)
        self.task.failed.connect(lambda m, _d: self.status.setText(f"Advice failed: {m}"))
        self.run_button.setEnabled(False)
        self.task.stopped.connect(lambda: self.run_button.setEnabled(True))
        self.task.start()

    def show_advice(self, result) -> None:
        from placement_planner.advice.tables import advice_frame

        self.data, self.advice, report = result
        self.frame = advice_frame(self.data, self.advice)
        self.model.set_frame(self.frame)
        self.fix_model.set_frame(report.unplaced)
        n = len(self.frame)
        per_k = (self.frame["extra_learners_placed"].to_numpy(dtype=float)
                 / np.maximum(self.frame["cost"].to_numpy(dtype=float), 1e-9) * 1000.0) if n else np.zeros(0)
        self.bars.setOpts(x=np.arange(1, n + 1), height=per_k, width=0.6)
        self.advised.emit(self.frame, self.data.sites)
        table = self.advice.smoothing if self.advice.smoothing is not None else pd.DataFrame()
        self.smooth_model.set_frame(table)
        steps = [c for c in table.columns if c.startswith("extra_placed_flex_")]
        self.smooth_bars.setOpts(x=[int(c.rsplit("_", 1)[1]) for c in steps],
                                 height=[float(table[c].sum()) for c in steps], width=0.6)
        proven = "proven" if self.advice.proven else "NOT all proven (see the proven column)"
        self.status.setText(f"{n} recommendation(s), {self.advice.tried} re-solved, {proven}; "
                            f"{len(self.advice.fixes)} unplaced group(s) with a fix.")

    # ---- scenarios --------------------------------------------------------------------
    def _selection(self, *_):
        self.add_button.setEnabled(self.store is not None and bool(self.table.selectionModel().selectedRows()))

    def add_selected_as_scenario(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        if self.store is None or not rows or self.advice is None:
            return None
        rec = self.frame.iloc[int(self.model.order[rows[0].row()])]
        return self.add_as_scenario(int(rec["rank"]))

    def add_as_scenario(self, rank: int) -> str:
        """Append an add_places change for recommendation ``rank`` as a new scenario."""
        rec = self.frame[self.frame["rank"] == rank].iloc[0]
        name = self.store.add_scenario(self.store.new_name("Advice"))
        self.store.add_change(name, recommendation_change(rec, name))
        self.message.emit(f"Scenario '{name}': {int(rec['places'])} {rec['profession']} places at {rec['site_id']}.")
        return name

    def _selected_fix(self):
        rows = self.fix_table.selectionModel().selectedRows()
        if not rows or self.advice is None:
            return None
        frame = self.fix_model.frame
        demand_id = str(frame["demand_id"].iat[int(self.fix_model.order[rows[0].row()])])
        return self.advice.fixes.get(demand_id)

    def _fix_selection(self, *_):
        fix = self._selected_fix()
        ok = self.store is not None and fix is not None and expressible(fix)
        self.fix_button.setEnabled(ok)
        if fix is not None and fix.kind and fix.kind not in SCENARIO_KINDS:
            self.status.setText("'Accept any setting' has no scenario change; edit the group's setting instead.")

    def try_selected_fix(self) -> str | None:
        fix = self._selected_fix()
        return self.try_fix(fix) if fix is not None else None

    def try_fix(self, fix) -> str | None:
        """Append the fix of one unplaced group as a new scenario."""
        if self.store is None or not expressible(fix):
            return None
        name = self.store.add_scenario(self.store.new_name(f"Fix {fix.demand_id}"))
        self.store.add_change(name, fix_change(fix, name))
        self.message.emit(f"Scenario '{name}': {fix.words}.")
        return name

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt)
        if self.task is not None:
            self.task.cancel()
            self.task.wait()
        super().closeEvent(event)

