"""Sites at their coordinates, sized by places and coloured by use; universities marked."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import Signal

from placement_planner.ui.views.chart_panel import ChartPanel
from placement_planner.ui.views.heatmap import CMAP
from placement_planner.ui.views.utilisation import site_utilisation


class SiteMap(ChartPanel):
    title = "Site map"
    site_clicked = Signal(str)

    def __init__(self, project, parent=None) -> None:
        super().__init__(project, parent)
        self.sites = pg.ScatterPlotItem(hoverable=True, tip=self._tip, pxMode=True)
        self.unis = pg.ScatterPlotItem(symbol="star", size=16, hoverable=True, tip=self._uni_tip,
                                       pen=pg.mkPen("k"), brush=pg.mkBrush(70, 110, 220))
        self.plot.addItem(self.sites)
        self.plot.addItem(self.unis)
        self.plot.setLabel("bottom", "Longitude")
        self.plot.setLabel("left", "Latitude")
        self.sites.sigClicked.connect(self._clicked)
        self.caption.setText("Circle size: places offered; colour: share used (red = mostly unused). "
                             "Blue stars: universities. Hover for details; click a site to filter the Results.")

    def refresh(self) -> None:
        r, data = self.project.results, self.project.data
        if r is None or data is None:
            self.sites.setData([])
            self.unis.setData([])
            self.set_numbers(pd.DataFrame())
            return
        util = site_utilisation(r, data.sites)
        s = data.sites[["site_id", "site_name", "provider", "latitude", "longitude", "quality"]].reset_index(drop=True)
        s = s.merge(util[["site_id", "place_weeks_offered", "place_weeks_used", "utilisation"]], on="site_id", how="left")
        s = s.dropna(subset=["latitude", "longitude"])
        offered = s["place_weeks_offered"].fillna(0).to_numpy(dtype=float)
        size = 6 + 22 * np.sqrt(offered / offered.max()) if len(offered) and offered.max() > 0 else np.full(len(s), 8.0)
        use = s["utilisation"].to_numpy(dtype=float)
        brushes = [pg.mkBrush(128, 128, 128, 160) if np.isnan(v) else
                   pg.mkBrush(CMAP.map(1.0 - v, mode="qcolor")) for v in use]
        pens = [pg.mkPen((230, 160, 0), width=2) if q == "monitor" else pg.mkPen(60, 60, 60, 160)
                for q in s["quality"]]
        self.sites.setData(x=s["longitude"].to_numpy(dtype=float), y=s["latitude"].to_numpy(dtype=float),
                           size=size, brush=brushes, pen=pens, data=s.to_dict("records"))
        unis = self._universities(data.demand)
        self.unis.setData(x=unis["longitude"].to_numpy(dtype=float), y=unis["latitude"].to_numpy(dtype=float),
                          data=unis.to_dict("records"))
        mid = float(s["latitude"].mean()) if len(s) else 53.0
        self.plot.setAspectLocked(True, ratio=1.0 / max(0.2, math.cos(math.radians(mid))))
        self.plot.autoRange()
        self.set_numbers(s.drop(columns=["latitude", "longitude"]).sort_values("utilisation", na_position="last"))

    @staticmethod
    def _universities(demand: pd.DataFrame) -> pd.DataFrame:
        d = demand.dropna(subset=["latitude", "longitude"])
        return d.groupby("hei", as_index=False).agg(latitude=("latitude", "median"), longitude=("longitude", "median"),
                                                     learners=("learners", "sum"))

    @staticmethod
    def _tip(x, y, data) -> str:
        use = data.get("utilisation")
        use_text = "no places offered" if use is None or use != use else f"{100 * use:.0f}% of place-weeks used"
        flag = "\nUnder monitoring" if data.get("quality") == "monitor" else ""
        return (f"{data.get('site_name') or data['site_id']} ({data['site_id']})\n{data.get('provider', '')}\n"
                f"{int(data.get('place_weeks_offered') or 0):,} place-weeks offered, {use_text}{flag}")

    @staticmethod
    def _uni_tip(x, y, data) -> str:
        return f"{data['hei']}\n{int(data['learners']):,} learners requested"

    def _clicked(self, item, points, *args) -> None:
        if len(points):
            self.site_clicked.emit(points[0].data()["site_id"])
