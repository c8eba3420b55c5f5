"""One colour language for every view (issue 11): each meaning has one colour, from one place.

- Shortfall (learners without a place) is always orange: the series colour and the sequential
  ramp for "how many unmet" use the same hue, in every chart and on the map.
- Places used / learners placed are blue: the sequential ramp for "% of places used".
- Surplus against shortfall is diverging and centred on zero: orange below zero (short), purple
  above (spare), near-white at zero.
- Categorical series follow the Okabe-Ito palette, readable with every common colour-vision
  deficiency; the ramps are ColorBrewer's single-hue Oranges / Blues and the diverging PuOr.
Every ramp comes with a colour bar that names the figure and its unit (``add_colour_bar``).
Views never write a colour literal: ``tests/ui/test_colours.py`` greps them.
"""

from __future__ import annotations

import math
from typing import Iterable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

# ---- what each colour means (Okabe-Ito) ---------------------------------------------------
SHORTFALL = "#D55E00"     # learners who need a place and have none (vermillion)
PLACED = "#0072B2"        # learners placed (blue)
PLACED_FILL = "#9ecae1"   # the area of learners placed (light blue, from the "use" ramp)
DEMAND = "#000000"        # learners needing a place: drawn in the text colour (black / white)
OFFERED = "#009E73"       # places offered (bluish green)
SPARE = "#7B5EA7"         # places left unused (purple, the positive end of the diverging ramp)
MONITOR = "#CC79A7"       # a site under quality monitoring (reddish purple outline)
UNIVERSITY = "#F0E442"    # universities (yellow star with a dark outline)
NO_DATA = "#9E9E9E"       # no places offered / nothing to show
ERROR_TEXT = "#d0342c"    # an ERROR in the Problems panel (stops a plan)
WARNING_TEXT = "#a86800"  # a WARNING in the Problems panel (dark amber, readable on light and dark)

# ---- ramps ---------------------------------------------------------------------------------
RAMPS: dict[str, list[str]] = {
    # quantities of shortfall: unmet learners, % of demand not placed
    "shortfall": ["#fff5eb", "#fee6ce", "#fdd0a2", "#fdae6b", "#fd8d3c", "#f16913", "#d94801", "#a63603",
                  "#7f2704"],
    # quantities of use: % of offered place-weeks used, places offered
    "use": ["#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"],
    # surplus (+) / shortfall (-), centred on zero
    "balance": ["#b35806", "#e08214", "#fdb863", "#fee0b6", "#f7f7f7", "#d8daeb", "#b2abd2", "#8073ac",
                "#542788"],
}
UNITS = {"shortfall": "learners", "use": "%", "balance": "places"}


def qcolor(colour: str, alpha: int = 255) -> QColor:
    c = QColor(colour)
    c.setAlpha(alpha)
    return c


def foreground() -> QColor:
    """The text colour of the current light or dark theme (used for DEMAND and outlines)."""
    from placement_planner.ui.theme import colours
    return colours()["foreground"]


def muted() -> QColor:
    from placement_planner.ui.theme import colours
    return colours()["muted"]


def _resolve(colour: str | QColor) -> QColor:
    if isinstance(colour, QColor):
        return QColor(colour)
    return foreground() if colour == DEMAND else QColor(colour)


def pen(colour: str | QColor, width: float = 2, *, dashed: bool = False, alpha: int = 255):
    c = _resolve(colour)
    c.setAlpha(alpha)
    p = pg.mkPen(c, width=width)
    if dashed:
        p.setStyle(Qt.PenStyle.DashLine)
    return p


def brush(colour: str | QColor, alpha: int = 255):
    c = _resolve(colour)
    c.setAlpha(alpha)
    return pg.mkBrush(c)


def colour_map(ramp: str) -> pg.ColorMap:
    stops = RAMPS[ramp]
    return pg.ColorMap(pos=np.linspace(0.0, 1.0, len(stops)), color=[QColor(s) for s in stops])


def lookup_table(ramp: str, n: int = 256) -> np.ndarray:
    return colour_map(ramp).getLookupTable(nPts=n)


def levels(values: Iterable[float], ramp: str) -> tuple[float, float]:
    """Colour-scale limits: 0..max for sequential ramps, symmetric -m..m (zero at the centre) for
    the diverging one, and 0..100 for percentages of use."""
    v = np.asarray(list(values), dtype=float)
    v = v[np.isfinite(v)]
    top = float(np.abs(v).max()) if v.size else 0.0
    top = top if top > 0 else 1.0
    if ramp == "balance":
        return -top, top
    if ramp == "use":
        return 0.0, 100.0
    return 0.0, top


def colours_for(values: Iterable[float], ramp: str, lo: float | None = None, hi: float | None = None,
                alpha: int = 255) -> list[QColor]:
    """One QColor per value on ``ramp`` between lo and hi (NaN -> NO_DATA)."""
    v = np.asarray(list(values), dtype=float)
    if lo is None or hi is None:
        lo, hi = levels(v, ramp)
    cmap = colour_map(ramp)
    span = (hi - lo) or 1.0
    out = []
    for x in v:
        if not math.isfinite(x):
            out.append(qcolor(NO_DATA, alpha))
            continue
        c = cmap.map(min(1.0, max(0.0, (x - lo) / span)), mode="qcolor")
        c.setAlpha(alpha)
        out.append(c)
    return out


def text_on(colour: QColor) -> QColor:
    """Black or white, whichever reads better on ``colour``."""
    r, g, b = colour.redF(), colour.greenF(), colour.blueF()
    return QColor("#000000") if 0.299 * r + 0.587 * g + 0.114 * b > 0.55 else QColor("#ffffff")


def add_colour_bar(plot_widget, ramp: str, value_range: tuple[float, float], label: str, *,
                   image=None, column: int = 5, unit: str | None = None) -> pg.ColorBarItem:
    """A colour bar beside the plot naming the figure and its unit; linked to ``image`` if given."""
    text = _with_unit(label, unit or UNITS[ramp])
    bar = pg.ColorBarItem(values=value_range, colorMap=colour_map(ramp), label=None, interactive=False,
                          width=14, pen=pen(foreground(), 1))
    if image is not None:
        bar.setImageItem(image, insert_in=plot_widget.getPlotItem())
    else:
        plot_widget.getPlotItem().layout.addItem(bar, 2, column)
    bar.getAxis("right").setTextPen(foreground())
    bar.getAxis("right").setLabel(text, color=foreground().name())
    return bar


def _with_unit(label: str, unit: str) -> str:
    return label if f"({unit})" in label else f"{label} ({unit})"


def set_colour_bar(bar: pg.ColorBarItem, ramp: str, value_range: tuple[float, float], label: str,
                   unit: str | None = None) -> None:
    text = _with_unit(label, unit or UNITS[ramp])
    bar.setColorMap(colour_map(ramp))
    bar.setLevels(values=value_range)
    bar.getAxis("right").setLabel(text, color=foreground().name())


# ---- settings of a placement (the Journeys schedule) ------------------------------------------
# Okabe-Ito hues, lightened so a site name in the text colour reads on every one; the order is
# fixed so a setting keeps its colour from plan to plan. No setting ("any") is neutral grey.
SETTING_HUES = {
    "acute": "#8FCBF0",          # sky blue
    "community": "#66C5AB",      # bluish green
    "mental health": "#E0A9C8",  # reddish purple
    "primary care": "#F0C566",   # orange
    "maternity": "#F5EC85",      # yellow
    "theatres": "#6AA6D2",       # blue
}
SETTING_EXTRA = ["#E6946A", "#B9A6D9", "#C9C97A", "#9FD6D6"]   # settings of a workbook's own
NOT_PLACED = "#D9D9D9"           # a journey learner with no placement: light grey
REPEAT_MARK = "#000000"          # the hatching over a repeated site (drawn in the text colour)


def setting_colour(setting: str, others: list[str] | None = None) -> QColor:
    """The colour of a placement setting; a setting not listed takes the next spare colour by
    its place in ``others`` (the workbook's own settings, sorted), so it is stable in a plan."""
    key = str(setting or "").strip().lower()
    if key in SETTING_HUES:
        return QColor(SETTING_HUES[key])
    if not key:
        return QColor(NO_DATA).lighter(150)
    k = others.index(key) if others and key in others else sum(map(ord, key))
    return QColor(SETTING_EXTRA[k % len(SETTING_EXTRA)])
