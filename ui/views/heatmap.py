"""Capacity gaps as a heatmap: professions down, regions (or the ICSs / hubs within one) across."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox

from placement_planner.ui import colours as C
from placement_planner.ui.views.chart_panel import ChartPanel

METRICS = {"unmet": "Unmet learners (busiest week)", "ratio": "Shortfall (% of demand not placed)"}
LEVELS = {"region": "Region", "ics": "ICB", "hub": "Hub"}
ALL = "(all regions)"
MAX_LABELS = 400      # cells labelled with their figure; more are read from tooltips and the table
CMAP = C.colour_map("shortfall")   # shortfall is orange in every view (ui/colours.py)


def short_area(name: str) -> str:
    return str(name).removeprefix("NHS ").removesuffix(" Integrated Care Board").removesuffix(" ICB")


def gap_matrix(results, sites: pd.DataFrame, level: str, region: str | None, metric: str) -> pd.DataFrame:
    """Long table: profession, area, value, plus the figures behind it."""
    if level == "hub":   # demand is counted by ICS; hubs show how much of their offer is used
        u = results.utilisation.merge(sites[["site_id", "hub", "region"]].reset_index(drop=True),
                                      on="site_id", how="left", suffixes=("", "_site"))
        region_col = "region" if "region" in u else "region_site"
        if region:
            u = u[u[region_col] == region]
        g = u.groupby(["profession", "hub"], as_index=False)[["place_weeks_offered", "place_weeks_used"]].sum()
        g["unused_place_weeks"] = g["place_weeks_offered"] - g["place_weeks_used"]
        g["value"] = g["place_weeks_used"] / g["place_weeks_offered"].where(g["place_weeks_offered"] > 0)
        return g.rename(columns={"hub": "area"})
    gaps = results.gaps
    if region:
        gaps = gaps[gaps["region"] == region]
    weekly = gaps.groupby(["profession", level, "week_start"], as_index=False)[
        ["demand_learners", "allocated_learners", "unmet_learners"]].sum()
    g = weekly.groupby(["profession", level], as_index=False).agg(
        peak_unmet_learners=("unmet_learners", "max"), unmet_learner_weeks=("unmet_learners", "sum"),
        demand_learner_weeks=("demand_learners", "sum"))
    g["shortfall"] = g["unmet_learner_weeks"] / g["demand_learner_weeks"].where(g["demand_learner_weeks"] > 0)
    g["value"] = g["peak_unmet_learners"] if metric == "unmet" else g["shortfall"]
    return g.rename(columns={level: "area"})


class GapHeatmap(ChartPanel):
    title = "Capacity gaps"
    cell_clicked = Signal(str, str, str)   # profession, level column, area

    def __init__(self, project, parent=None) -> None:
        self.metric, self.level, self.region = QComboBox(), QComboBox(), QComboBox()
        super().__init__(project, parent)
        for key, text in METRICS.items():
            self.metric.addItem(text, key)
        for key, text in LEVELS.items():
            self.level.addItem(text, key)
        self.region.addItem(ALL)
        self.add_control("Colour by", self.metric)
        self.add_control("Across", self.level)
        self.add_control("Within", self.region)
        for combo in (self.metric, self.level, self.region):
            combo.currentIndexChanged.connect(lambda *_: self.refresh())
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(CMAP.getLookupTable(nPts=256))
        self.plot.addItem(self.image)
        self.legend = C.add_colour_bar(self.plot, "shortfall", (0.0, 1.0), METRICS["unmet"])
        self.plot.invertY(True)
        self.plot.setMouseEnabled(False, False)
        self.plot.hideButtons()
        self.image.mouseClickEvent = self._clicked
        self.image.mouseDoubleClickEvent = self._double_clicked
        self.image.hoverEvent = self._hover
        self._labels: list[pg.TextItem] = []
        self.rows: list[str] = []
        self.cols: list[str] = []
        self.caption.setText("Orange: learners without a placement (darker = more). Click a cell to filter the "
                             "Results tables; double-click a region to see its ICBs.")

    def refresh(self) -> None:
        r = self.project.results
        if r is None or self.project.data is None:
            self.image.clear()
            self._show_labels(np.zeros((0, 0)), np.zeros((0, 0)))
            self.set_numbers(pd.DataFrame())
            return
        self._fill_regions(r)
        level, metric = self.level.currentData(), self.metric.currentData()
        region = None if self.region.currentText() == ALL else self.region.currentText()
        long = gap_matrix(r, self.project.data.sites, level, region, metric)
        table = long.pivot_table(index="profession", columns="area", values="value", aggfunc="sum")
        self.rows, self.cols = list(table.index), list(table.columns)
        values = table.to_numpy(dtype=float)
        shown = np.nan_to_num(values, nan=0.0)
        top = float(shown.max()) if shown.size and shown.max() > 0 else 1.0
        ramp = "use" if level == "hub" else "shortfall"   # hubs: % of places used (blue), else shortfall
        if level == "hub":
            top = 1.0
        self._ramp = ramp
        self.image.setLookupTable(C.lookup_table(ramp))
        self.image.setImage(shown, levels=(0.0, top))
        ratio_scale = level == "hub" or metric == "ratio"
        C.set_colour_bar(self.legend, ramp, (0.0, 100.0 * top if ratio_scale else top),
                         "Places used" if level == "hub" else METRICS[metric].split(" (")[0],
                         unit="%" if ratio_scale else "learners")
        self.image.setRect(-0.5, -0.5, len(self.cols), len(self.rows))
        left = self.plot.getAxis("left")
        left.setTicks([list(enumerate(self.rows))])
        metrics = self.fontMetrics()
        left.setWidth(max([metrics.horizontalAdvance(str(t)) for t in self.rows] + [40]) + 16)
        self.plot.getAxis("bottom").setTicks([[(j, short_area(c)) for j, c in enumerate(self.cols)]])
        self.plot.setRange(xRange=(-0.5, len(self.cols) - 0.5), yRange=(-0.5, len(self.rows) - 0.5), padding=0)
        self._show_labels(values, shown / top)
        ratio = level == "hub" or metric == "ratio"
        numbers = long.drop(columns="value").rename(columns={"area": LEVELS[level].lower()})
        self.set_numbers(numbers.sort_values(numbers.columns[2], ascending=False) if len(numbers) else numbers)
        if level == "hub":
            self.caption.setText("Hubs: share of offered place-weeks used, in % (demand is counted by ICB). "
                                 "Click a cell to filter the Results tables.")
        self._ratio = ratio

    def _fill_regions(self, r) -> None:
        regions = sorted(set(r.gaps["region"].dropna().astype(str)) - {""})
        if [self.region.itemText(i) for i in range(1, self.region.count())] != regions:
            current = self.region.currentText()
            self.region.blockSignals(True)
            self.region.clear()
            self.region.addItems([ALL] + regions)
            self.region.setCurrentText(current if current in regions else ALL)
            self.region.blockSignals(False)

    def _show_labels(self, values: np.ndarray, strength: np.ndarray) -> None:
        ratio = self.level.currentData() == "hub" or self.metric.currentData() == "ratio"
        self._values = values
        cells = [(i, j) for i in range(values.shape[0]) for j in range(values.shape[1])]
        if len(cells) > MAX_LABELS:
            # 20 professions x 129 hubs took 8 s to label and no one can read 2,580 numbers:
            # the figures are in the table beside it and in each cell's tooltip.
            cells = []
        while len(self._labels) < len(cells):   # grow the pool once; labels are reused
            item = pg.TextItem(anchor=(0.5, 0.5))
            self.plot.addItem(item)
            self._labels.append(item)
        for k, item in enumerate(self._labels):
            if k >= len(cells):
                item.setVisible(False)
                continue
            i, j = cells[k]
            v = values[i, j]
            text = "" if np.isnan(v) else (f"{100 * v:.0f}%" if ratio else f"{v:,.0f}")
            item.setText(text, color=C.text_on(C.colour_map(getattr(self, "_ramp", "shortfall"))
                                               .map(float(strength[i, j]), mode="qcolor")))
            item.setPos(j, i)
            item.setVisible(True)

    def _hover(self, event) -> None:
        """The cell's figure as a tooltip (every cell, labelled or not)."""
        if event.isExit():
            self.plot.setToolTip("")
            return
        cell = self._cell_at(event)
        values = getattr(self, "_values", None)
        if not cell or values is None or values.size == 0:
            return
        i, j = self.rows.index(cell[0]), self.cols.index(cell[1])
        v = values[i, j]
        ratio = self.level.currentData() == "hub" or self.metric.currentData() == "ratio"
        figure = "no figure" if np.isnan(v) else (f"{100 * v:.0f}%" if ratio else f"{v:,.0f} learners")
        self.plot.setToolTip(f"{cell[0]} in {short_area(cell[1])}: {figure}")

    def _cell_at(self, event):
        pos = event.pos()   # in image pixels (row-major: x = column, y = row)
        j, i = int(pos.x()), int(pos.y())
        if 0 <= i < len(self.rows) and 0 <= j < len(self.cols):
            return self.rows[i], self.cols[j]
        return None

    def _clicked(self, event) -> None:
        cell = self._cell_at(event)
        if cell:
            event.accept()
            self.cell_clicked.emit(cell[0], self.level.currentData(), cell[1])

    def _double_clicked(self, event) -> None:
        cell = self._cell_at(event)
        if cell and self.level.currentData() == "region":
            self.region.setCurrentText(cell[1])
            self.level.setCurrentIndex(list(LEVELS).index("ics"))
