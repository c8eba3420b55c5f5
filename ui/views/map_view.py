"""The map: England and its ICBs in British National Grid metres, each ICB shaded by its unmet
learners, with the sites on top (coloured by the share of their places used). Pan with the mouse,
zoom with the wheel, click an ICB (or a site) to filter the Results.

Boundaries: resources/icb_boundaries.json (scripts/build_map.py; ONS/OS data under the Open
Government Licence, attribution shown under the map).
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Signal
from PySide6.QtGui import QPainterPath
from PySide6.QtWidgets import QComboBox, QGraphicsPathItem, QPushButton

from placement_planner import reference
from placement_planner.ui import colours as C
from placement_planner.ui.views.chart_panel import ChartPanel
from placement_planner.ui.views.map_projection import to_bng
from placement_planner.ui.views.utilisation import site_utilisation

ALL_PROFESSIONS = "(all professions)"


@lru_cache(maxsize=1)
def boundaries() -> dict:
    """The shipped outline and ICB polygons (rings of [easting, northing])."""
    path = resources.files("placement_planner.resources").joinpath("icb_boundaries.json")
    with path.open("r", encoding="utf-8") as handle:
        return json.load(handle)


def _path(polygons) -> QPainterPath:
    path = QPainterPath()
    for rings in polygons:
        for ring in rings:
            path.moveTo(QPointF(ring[0][0], ring[0][1]))
            for x, y in ring[1:]:
                path.lineTo(QPointF(x, y))
            path.closeSubpath()
    return path


def icb_unmet(results, profession: str | None) -> pd.DataFrame:
    """Per ICB: unmet learners in its busiest week, unmet learner-weeks, learners needing a place."""
    g = results.gaps
    if profession:
        g = g[g["profession"] == profession]
    weekly = g.groupby(["ics", "week_start"], as_index=False)[["unmet_learners", "demand_learners"]].sum()
    out = weekly.groupby("ics", as_index=False).agg(unmet_learners_busiest_week=("unmet_learners", "max"),
                                                    unmet_learner_weeks=("unmet_learners", "sum"),
                                                    demand_learner_weeks=("demand_learners", "sum"))
    return out.rename(columns={"ics": "icb"})


class MapView(ChartPanel):
    title = "Map"
    site_clicked = Signal(str)
    icb_clicked = Signal(str)

    def __init__(self, project, parent=None) -> None:
        self.profession = QComboBox()
        self._values: dict[str, float] = {}
        self._shown, self._framed = None, False
        super().__init__(project, parent)
        self.profession.setMinimumContentsLength(18)
        self.add_control("Profession", self.profession)
        self.profession.currentIndexChanged.connect(lambda *_: self.refresh())
        whole = QPushButton("Whole of England")
        whole.setToolTip("Zoom out to the whole country")
        whole.clicked.connect(self.show_england)
        self.add_control("View", whole)
        for name in ("left", "bottom"):
            self.plot.hideAxis(name)
        self.plot.setAspectLocked(True, ratio=1.0)          # metres both ways: shapes kept
        self.plot.setMouseEnabled(True, True)               # pan and zoom
        data = boundaries()
        self.england = QGraphicsPathItem(_path(data["england"]))
        self.england.setZValue(-10)
        self.plot.addItem(self.england)
        self.icbs: dict[str, QGraphicsPathItem] = {}
        merged_into = reference.old_icb_map()     # ICBs merged since the boundaries were drawn
        for feature in data["icbs"]:
            name = merged_into.get(feature["icb_name"], feature["icb_name"])
            if name in self.icbs:                 # one shape for the merged ICB
                self.icbs[name].setPath(self.icbs[name].path().united(_path(feature["polygons"])))
                continue
            item = QGraphicsPathItem(_path(feature["polygons"]))
            item.setZValue(-5)
            item.setData(0, name)
            self.plot.addItem(item)
            self.icbs[name] = item
        self.sites = pg.ScatterPlotItem(hoverable=True, tip=self._tip, pxMode=True)
        self.sites.setZValue(10)
        self.unis = pg.ScatterPlotItem(symbol="star", size=16, hoverable=True, tip=self._uni_tip)
        self.unis.setZValue(11)
        self.plot.addItem(self.sites)
        self.plot.addItem(self.unis)
        self.sites.sigClicked.connect(self._site_clicked)
        self.plot.scene().sigMouseClicked.connect(self._scene_clicked)
        self.icb_bar = C.add_colour_bar(self.plot, "shortfall", (0.0, 1.0), "ICB: unmet learners, busiest week")
        self.use_bar = C.add_colour_bar(self.plot, "use", (0.0, 100.0), "Sites: places used", column=6)
        self.caption.setText(
            "ICBs shaded by learners without a placement in their busiest week (orange = shortfall; white = none). "
            "Circles: sites, sized by places offered and shaded by the share of those places used (blue); "
            "a pink ring marks a site under monitoring; yellow stars: universities. Drag to pan, wheel to zoom; "
            "click an ICB or a site to filter the Results. " + data["attribution"])
        self._style()
        self.show_england()

    def show_england(self) -> None:
        self.plot.getViewBox().autoRange(items=[self.england], padding=0.02)

    def frame_sites(self, east: np.ndarray, north: np.ndarray, margin_m: float = 40_000.0) -> None:
        """Zoom to the sites with a margin (at least 200 km across) so a regional plan fills the view."""
        if not len(east):
            return self.show_england()
        cx, cy = (east.min() + east.max()) / 2, (north.min() + north.max()) / 2
        half = max(100_000.0, (east.max() - east.min()) / 2 + margin_m, (north.max() - north.min()) / 2 + margin_m)
        self.plot.getViewBox().setRange(xRange=(cx - half, cx + half), yRange=(cy - half, cy + half), padding=0)

    # ---- drawing ----------------------------------------------------------------------
    def _style(self) -> None:
        self.england.setPen(C.pen(C.foreground(), 1.5))
        self.england.setBrush(C.brush(C.NO_DATA, 40))
        for item in self.icbs.values():
            item.setPen(C.pen(C.muted(), 0.8))
            item.pen().setCosmetic(True)
        pen = self.england.pen()
        pen.setCosmetic(True)
        self.england.setPen(pen)
        for item in self.icbs.values():
            p = item.pen()
            p.setCosmetic(True)
            item.setPen(p)
        self.unis.setPen(C.pen(C.foreground(), 1))
        self.unis.setBrush(C.brush(C.UNIVERSITY))

    def _apply_palette(self) -> None:
        super()._apply_palette()
        if hasattr(self, "england"):
            self._style()
            self.refresh()

    def _fill_professions(self, professions: list[str]) -> None:
        items = [ALL_PROFESSIONS] + professions
        if [self.profession.itemText(i) for i in range(self.profession.count())] == items:
            return
        current = self.profession.currentText()
        self.profession.blockSignals(True)
        self.profession.clear()
        self.profession.addItems(items)
        self.profession.setCurrentText(current if current in items else ALL_PROFESSIONS)
        self.profession.blockSignals(False)

    def refresh(self) -> None:
        r, data = self.project.results, self.project.data
        if r is not self._shown:
            self._shown, self._framed = r, False
        if r is None or data is None:
            self.sites.setData([])
            self.unis.setData([])
            for item in self.icbs.values():
                item.setBrush(C.brush(C.NO_DATA, 0))
            self.set_numbers(pd.DataFrame())
            return
        self._fill_professions(sorted(set(r.gaps["profession"].astype(str)) | set(r.utilisation["profession"])))
        profession = None if self.profession.currentText() == ALL_PROFESSIONS else self.profession.currentText()
        unmet = icb_unmet(r, profession)
        values = dict(zip(unmet["icb"], unmet["unmet_learners_busiest_week"].astype(float)))
        self._values = values
        lo, hi = C.levels(list(values.values()) or [0.0], "shortfall")
        fills = C.colours_for([values.get(name, 0.0) for name in self.icbs], "shortfall", lo, hi, alpha=230)
        for (name, item), colour in zip(self.icbs.items(), fills):
            item.setBrush(pg.mkBrush(colour))
            item.setToolTip(f"{name}\n{values.get(name, 0):,.0f} learners without a placement in the busiest week"
                            + ("" if profession is None else f" ({profession})"))
        C.set_colour_bar(self.icb_bar, "shortfall", (lo, hi), "ICB: unmet learners, busiest week")
        use = site_utilisation(r, data.sites, profession)[
            ["site_id", "place_weeks_offered", "place_weeks_used", "used_percent"]]
        s = data.sites[["site_id", "site_name", "provider", "ics", "latitude", "longitude", "quality"]]
        s = s.reset_index(drop=True).merge(use, on="site_id", how="inner" if profession else "left")
        s = s.dropna(subset=["latitude", "longitude"]).reset_index(drop=True)
        east, north = to_bng(s["latitude"].to_numpy(float), s["longitude"].to_numpy(float))
        offered = s["place_weeks_offered"].fillna(0).to_numpy(dtype=float)
        size = 5 + 16 * np.sqrt(offered / offered.max()) if len(offered) and offered.max() > 0 else np.full(len(s), 7.0)
        brushes = [pg.mkBrush(c) for c in C.colours_for(s["used_percent"].to_numpy(float), "use", 0, 100)]
        pens = [C.pen(C.MONITOR, 2.5) if q == "monitor" else C.pen(C.foreground(), 0.6, alpha=170)
                for q in s["quality"]]
        self.sites.setData(x=east, y=north, size=size, brush=brushes, pen=pens, data=s.to_dict("records"))
        if not self._framed:     # once per plan; the user's pan and zoom are kept after that
            self._framed = True
            self.frame_sites(east, north)
        unis = self._universities(data.demand if profession is None
                                  else data.demand[data.demand["profession"] == profession])
        ue, un = to_bng(unis["latitude"].to_numpy(float), unis["longitude"].to_numpy(float))
        self.unis.setData(x=ue, y=un, data=unis.to_dict("records"))
        self.set_numbers(self._table(unmet, s, data.sites))

    @staticmethod
    def _table(unmet: pd.DataFrame, s: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
        region = sites.groupby("ics")["region"].first()
        per = s.groupby("ics", as_index=False).agg(sites=("site_id", "size"),
                                                   place_weeks_offered=("place_weeks_offered", "sum"),
                                                   place_weeks_used=("place_weeks_used", "sum"))
        per = per.rename(columns={"ics": "icb"})
        out = unmet.merge(per, on="icb", how="outer").fillna(0)
        out["region"] = out["icb"].map(region).fillna("")
        out["places_used_percent"] = (100 * out["place_weeks_used"]
                                      / out["place_weeks_offered"].where(out["place_weeks_offered"] > 0)).round(1)
        cols = ["icb", "region", "unmet_learners_busiest_week", "unmet_learner_weeks", "sites",
                "place_weeks_offered", "place_weeks_used", "places_used_percent"]
        return out[cols].sort_values("unmet_learners_busiest_week", ascending=False)

    @staticmethod
    def _universities(demand: pd.DataFrame) -> pd.DataFrame:
        d = demand.dropna(subset=["latitude", "longitude"])
        return d.groupby("hei", as_index=False).agg(latitude=("latitude", "median"), longitude=("longitude", "median"),
                                                     learners=("learners", "sum"))

    # ---- hover and clicks ---------------------------------------------------------------
    @staticmethod
    def _tip(x, y, data) -> str:
        use = data.get("used_percent")
        use_text = "no places offered" if use is None or use != use else f"{use:.0f}% of place-weeks used"
        flag = "\nUnder monitoring" if data.get("quality") == "monitor" else ""
        return (f"{data.get('site_name') or data['site_id']} ({data['site_id']})\n{data.get('provider', '')}\n"
                f"{int(data.get('place_weeks_offered') or 0):,} place-weeks offered, {use_text}{flag}")

    @staticmethod
    def _uni_tip(x, y, data) -> str:
        return f"{data['hei']}\n{int(data['learners']):,} learners requested"

    def icb_at(self, east: float, north: float) -> str | None:
        point = QPointF(east, north)
        for name, item in self.icbs.items():
            if item.path().contains(point):
                return name
        return None

    def _site_clicked(self, item, points, *args) -> None:
        if len(points):
            self.site_clicked.emit(points[0].data()["site_id"])

    def _scene_clicked(self, event) -> None:
        if event.isAccepted():          # a site took the click
            return
        vb = self.plot.getViewBox()
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        at = vb.mapSceneToView(event.scenePos())
        name = self.icb_at(at.x(), at.y())
        if name:
            self.icb_clicked.emit(name)
