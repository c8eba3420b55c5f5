"""Recommended sites marked on the app's map: a numbered green diamond per recommendation,
drawn as one extra scatter item on the map's plot (the map view itself is unchanged)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyqtgraph as pg

from placement_planner.ui.views.map_projection import to_bng


class AdviceMarks:
    def __init__(self, map_view) -> None:
        self.map = map_view
        self.item = pg.ScatterPlotItem(symbol="d", size=18, pen=pg.mkPen("#00703c", width=2),
                                       brush=pg.mkBrush(0, 112, 60, 120), hoverable=True, tip=self._tip)
        self.item.setZValue(12)
        map_view.plot.addItem(self.item)
        self.labels: list[pg.TextItem] = []

    def show(self, advice_frame: pd.DataFrame, sites: pd.DataFrame) -> int:
        """Mark every recommended site with coordinates; returns how many were marked."""
        for label in self.labels:
            self.map.plot.removeItem(label)
        self.labels = []
        where = sites.set_index(sites["site_id"].astype(str))[["latitude", "longitude"]]
        recs = advice_frame.join(where, on="site_id")
        recs = recs[recs["latitude"].notna() & recs["longitude"].notna()]
        if not len(recs):
            self.item.setData([], [])
            return 0
        east, north = to_bng(recs["latitude"].to_numpy(float), recs["longitude"].to_numpy(float))
        tips = [f"Advice #{r.rank}: {r.places} {r.profession} place(s) at {r.site_name or r.site_id}, "
                f"+{r.extra_learners_placed} learners" for r in recs.itertuples()]
        self.item.setData(x=np.asarray(east), y=np.asarray(north), data=tips)
        for x, y, rank in zip(east, north, recs["rank"]):
            label = pg.TextItem(f"#{int(rank)}", color="#00703c", anchor=(0, 1))
            label.setPos(float(x), float(y))
            label.setZValue(13)
            self.map.plot.addItem(label)
            self.labels.append(label)
        return len(recs)

    @staticmethod
    def _tip(x, y, data) -> str:
        return str(data)
