"""Site utilisation, least used first: where offered places go unused."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QSpinBox

from placement_planner.ui import colours as C
from placement_planner.ui.views.chart_panel import ChartPanel

ALL_PROFESSIONS = "(all professions)"


def site_utilisation(results, sites: pd.DataFrame, profession: str | None = None) -> pd.DataFrame:
    """Per site, of one profession's places or all: place-weeks offered and used, and % used.

    Per profession, a practice offering only Physician Assistant places is judged on those places
    and the PA demand, not on every profession pooled (issue 11)."""
    u = results.utilisation
    if profession:
        u = u[u["profession"] == profession]
    u = u.groupby("site_id", as_index=False)[["place_weeks_offered", "place_weeks_used"]].sum()
    u = u[u["place_weeks_offered"] > 0]
    u["used_percent"] = (100.0 * u["place_weeks_used"] / u["place_weeks_offered"]).round(1)
    info = sites[["site_id", "site_name", "provider", "quality"]].reset_index(drop=True)
    u = u.merge(info, on="site_id", how="left")
    return u.sort_values(["used_percent", "place_weeks_offered"], ascending=[True, False]).reset_index(drop=True)[
        ["site_id", "site_name", "provider", "quality", "place_weeks_offered", "place_weeks_used", "used_percent"]]


class SiteUtilisation(ChartPanel):
    title = "Site utilisation"
    site_clicked = Signal(str)

    def __init__(self, project, parent=None) -> None:
        self.count = QSpinBox(minimum=5, maximum=200, value=25)
        self.profession = QComboBox()
        super().__init__(project, parent)
        self.add_control("Profession", self.profession)
        self.add_control("Sites shown", self.count)
        self.count.valueChanged.connect(lambda *_: self.refresh())
        self.profession.currentIndexChanged.connect(lambda *_: self.refresh())
        self.bars = pg.BarGraphItem(x0=[], y=[], height=0.7, width=[])
        self.plot.addItem(self.bars)
        self.plot.invertY(True)
        self.plot.setLabel("bottom", "Share of offered place-weeks used (%)")
        self.plot.setXRange(0, 100)
        self.legend = C.add_colour_bar(self.plot, "use", (0.0, 100.0), "Places used")
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
        professions = [ALL_PROFESSIONS] + sorted(set(r.utilisation["profession"].astype(str)))
        if [self.profession.itemText(i) for i in range(self.profession.count())] != professions:
            current = self.profession.currentText()
            self.profession.blockSignals(True)
            self.profession.clear()
            self.profession.addItems(professions)
            self.profession.setCurrentText(current if current in professions else ALL_PROFESSIONS)
            self.profession.blockSignals(False)
        chosen = self.profession.currentText()
        frame = site_utilisation(r, data.sites, None if chosen == ALL_PROFESSIONS else chosen)
        self._frame = frame
        top = frame.head(self.count.value())
        y = np.arange(len(top))
        util = top["used_percent"].to_numpy(dtype=float)
        brushes = [pg.mkBrush(c) for c in C.colours_for(util, "use", 0.0, 100.0)]
        self.bars.setOpts(x0=np.zeros(len(top)), y=y, width=util, height=0.7, brushes=brushes)
        labels = [f"{n or s}" + (" ⚑" if q == "monitor" else "") for s, n, q in
                  zip(top["site_id"], top["site_name"].fillna(""), top["quality"].fillna(""))]
        left = self.plot.getAxis("left")
        left.setTicks([list(zip(y, labels))])
        left.setWidth(max([self.fontMetrics().horizontalAdvance(t) for t in labels] + [40]) + 16)
        self.plot.setYRange(-0.5, max(len(top), 1) - 0.5, padding=0)
        self.plot.setXRange(0, 100, padding=0.02)
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
