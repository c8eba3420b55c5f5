"""Week by week for one profession and area: places offered, learners needing one, placed, shortfall."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtWidgets import QComboBox

from placement_planner.ui import colours as C
from placement_planner.ui.views.chart_panel import ChartPanel

EVERYWHERE = "(everywhere)"


class WeeklyTimeline(ChartPanel):
    title = "Weekly timeline"

    def __init__(self, project, parent=None) -> None:
        self.profession, self.area = QComboBox(), QComboBox()
        super().__init__(project, parent)
        self.add_control("Profession", self.profession)
        self.add_control("Area", self.area)
        self.profession.setMinimumContentsLength(18)
        self.area.setMinimumContentsLength(24)
        for combo in (self.profession, self.area):
            combo.currentIndexChanged.connect(lambda *_: self.refresh())
        self.plot.setAxisItems({"bottom": pg.DateAxisItem()})
        self._apply_palette()
        self.plot.addLegend(offset=(10, 10))
        self.plot.setLabel("left", "Learners / places per week")
        self.plot.showGrid(x=False, y=True, alpha=0.2)
        # Created once; refresh() only calls setData. Demand is filled orange and placed drawn over it
        # in blue, so the orange left showing is the shortfall; the demand line is drawn above all (issue 11).
        self.shortfall = self.plot.plot(name="Shortfall: needing a place, not placed", stepMode="center",
                                        fillLevel=0, pen=None, brush=C.brush(C.SHORTFALL, 255))
        self.allocated = self.plot.plot(name="Learners placed", stepMode="center", fillLevel=0,
                                        pen=C.pen(C.PLACED, 2), brush=C.brush(C.PLACED_FILL, 255))
        self.capacity = self.plot.plot(name="Places offered", stepMode="center", pen=C.pen(C.OFFERED, 2))
        self.demand = self.plot.plot(name="Learners needing a place", stepMode="center",
                                     pen=C.pen(C.DEMAND, 2.5, dashed=True))
        for z, item in enumerate((self.shortfall, self.allocated, self.capacity, self.demand)):
            item.setZValue(z)
        self.caption.setText("Orange band: learners who need a placement that week but have none in this plan "
                             "(between the placed area and the dashed demand line).")

    def select(self, profession: str | None = None, area: str | None = None) -> None:
        """Show one profession / area (a heatmap click calls this)."""
        if profession and self.profession.findText(profession) >= 0:
            self.profession.setCurrentText(profession)
        if area and self.area.findText(area) >= 0:
            self.area.setCurrentText(area)

    def _fill(self, combo: QComboBox, items: list[str]) -> None:
        if [combo.itemText(i) for i in range(combo.count())] == items:
            return
        current = combo.currentText()
        combo.blockSignals(True)
        combo.clear()
        combo.addItems(items)
        combo.setCurrentText(current if current in items else items[0] if items else "")
        combo.blockSignals(False)

    def refresh(self) -> None:
        r = self.project.results
        curves = (self.shortfall, self.capacity, self.demand, self.allocated)
        if r is None or not len(r.gaps):
            for c in curves:
                c.setData([], [])
            self.set_numbers(pd.DataFrame())
            return
        gaps = r.gaps
        self._fill(self.profession, sorted(gaps["profession"].astype(str).unique()))
        regions = sorted(set(gaps["region"].astype(str)) - {""})
        icss = sorted(set(gaps["ics"].astype(str)) - {""})
        self._fill(self.area, [EVERYWHERE] + regions + icss)
        g = gaps[gaps["profession"] == self.profession.currentText()]
        area = self.area.currentText()
        if area != EVERYWHERE:
            g = g[(g["region"] == area) | (g["ics"] == area)]
        weekly = g.groupby("week_start", as_index=False)[
            ["capacity_places", "demand_learners", "allocated_learners", "unmet_learners"]].sum()
        if len(weekly):   # every week in range, so gaps in the data show as zeros
            weeks = pd.date_range(weekly["week_start"].min(), weekly["week_start"].max(), freq="7D")
            weekly = weekly.set_index("week_start").reindex(weeks, fill_value=0).rename_axis("week_start").reset_index()
        x = weekly["week_start"].astype("datetime64[s]").astype(np.int64).to_numpy(dtype=float)
        edges = np.append(x, x[-1] + 7 * 86400) if len(x) else x
        for curve, col in ((self.shortfall, "demand_learners"), (self.capacity, "capacity_places"),
                           (self.demand, "demand_learners"), (self.allocated, "allocated_learners")):
            curve.setData(edges, weekly[col].to_numpy(dtype=float)) if len(x) else curve.setData([], [])
        self.plot.enableAutoRange()
        self.set_numbers(weekly)
