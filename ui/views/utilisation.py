"""Site utilisation, least used first: where offered places go unused."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QSpinBox

from placement_planner.ui.views.chart_panel import ChartPanel
from placement_planner.ui.views.heatmap import CMAP


def site_utilisation(results, sites: pd.DataFrame) -> pd.DataFrame:
    u = results.utilisation.groupby("site_id", as_index=False)[["place_weeks_offered", "place_weeks_used"]].sum()
    u = u[u["place_weeks_offered"] > 0]
    u["utilisation"] = u["place_weeks_used"] / u["place_weeks_offered"]
    info = sites[["site_id", "site_name", "provider", "quality"]].reset_index(drop=True)
    u = u.merge(info, on="site_id", how="left")
    return u.sort_values(["utilisation", "place_weeks_offered"], ascending=[True, False]).reset_index(drop=True)[
        ["site_id", "site_name", "provider", "quality", "place_weeks_offered", "place_weeks_used", "utilisation"]]


class SiteUtilisation(ChartPanel):
    title = "Site utilisation"
    site_clicked = Signal(str)

    def __init__(self, project, parent=None) -> None:
        self.count = QSpinBox(minimum=5, maximum=200, value=25)
        super().__init__(project, parent)
        self.add_control("Sites shown", self.count)
        self.count.valueChanged.connect(lambda *_: self.refresh())
        self.bars = pg.BarGraphItem(x0=[], y=[], height=0.7, width=[])
        self.plot.addItem(self.bars)
        self.plot.invertY(True)
        self.plot.setLabel("bottom", "Share of offered place-weeks used")
        self.plot.setXRange(0, 1)
        self.plot.scene().sigMouseClicked.connect(self._scene_clicked)
        self.caption.setText("Least-used sites first; click a bar to see who is placed there "
                             "(the Results tables are filtered to that site). Every site is in the table.")
        self._frame = pd.DataFrame()

    def refresh(self) -> None:
        r, data = self.project.results, self.project.data
        if r is None or data is None:
            self.bars.setOpts(x0=[], y=[], width=[], brushes=[])
            self.set_numbers(pd.DataFrame())
            return
        frame = site_utilisation(r, data.sites)
        self._frame = frame
        top = frame.head(self.count.value())
        y = np.arange(len(top))
        util = top["utilisation"].to_numpy(dtype=float)
        brushes = [pg.mkBrush(CMAP.map(1.0 - v, mode="qcolor")) for v in util]
        self.bars.setOpts(x0=np.zeros(len(top)), y=y, width=util, height=0.7, brushes=brushes)
        labels = [f"{n or s}" + (" ⚑" if q == "monitor" else "") for s, n, q in
                  zip(top["site_id"], top["site_name"].fillna(""), top["quality"].fillna(""))]
        left = self.plot.getAxis("left")
        left.setTicks([list(zip(y, labels))])
        left.setWidth(max([self.fontMetrics().horizontalAdvance(t) for t in labels] + [40]) + 16)
        self.plot.setYRange(-0.5, max(len(top), 1) - 0.5, padding=0)
        self.plot.setXRange(0, 1, padding=0.02)
        self.set_numbers(frame)

    def _scene_clicked(self, event) -> None:
        """A click on a bar (or its label row) filters the Results to that site."""
        if self.project.results is None or not len(self._frame):
            return
        point = self.plot.getPlotItem().vb.mapSceneToView(event.scenePos())
        row = int(round(point.y()))
        shown = self._frame.head(self.count.value())
        if 0 <= row < len(shown):
            self.click_row(row)
            event.accept()

    def click_row(self, row: int) -> None:
        """Filter the Results to the site drawn as bar ``row`` (0 = least used)."""
        self.site_clicked.emit(str(self._frame["site_id"].iloc[row]))
