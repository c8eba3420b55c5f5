"""One colour language (issue 11): every view takes its colours from placement_planner.ui.colours;
the ramps are ordered by lightness (readable without hue), the diverging one centred on zero."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QColor

from placement_planner.ui import colours as C

VIEWS = Path(C.__file__).parent / "views"
# a colour written in a view: hex, rgb tuples handed to pens/brushes/QColor, named colours, new colour maps
LITERALS = [
    re.compile(r"#[0-9a-fA-F]{3,8}\b"),
    re.compile(r"mk(Brush|Pen)\(\s*[\d(\"']"),
    re.compile(r"QColor\(\s*[\d\"']"),
    re.compile(r"colou?r\s*=\s*\(\s*\d"),
    re.compile(r"ColorMap\("),
    re.compile(r"Qt\.GlobalColor\."),
]


def view_files():
    return sorted(p for p in VIEWS.glob("*.py") if p.name != "__init__.py")


def test_no_view_writes_a_colour_of_its_own():
    found = []
    for path in view_files():
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.lstrip().startswith("#") and any(p.search(line) for p in LITERALS):
                found.append(f"{path.name}:{n}: {line.strip()}")
    assert not found, "colours must come from placement_planner.ui.colours:\n" + "\n".join(found)


def test_the_grep_catches_a_hard_coded_colour():
    bad = ['pg.mkBrush(214, 39, 40, 90)', 'pen=pg.mkPen("k")', 'QColor("#ff0000")', 'item.setText(t, color=(255, 255, 255))',
           'CMAP = pg.ColorMap(pos=[0, 1], color=[...])']
    assert all(any(p.search(line) for p in LITERALS) for line in bad)


def test_every_chart_view_uses_the_colour_module():
    charts = [p for p in view_files() if "ChartPanel)" in p.read_text(encoding="utf-8")]
    assert len(charts) >= 4
    for path in charts:
        assert "from placement_planner.ui import colours" in path.read_text(encoding="utf-8"), path.name


def _lightness(hex_colour: str) -> float:
    return QColor(hex_colour).lightnessF()


@pytest.mark.parametrize("ramp", ["shortfall", "use"])
def test_sequential_ramps_darken_steadily(ramp):
    light = [_lightness(c) for c in C.RAMPS[ramp]]
    assert all(a > b for a, b in zip(light, light[1:]))


def test_diverging_ramp_is_centred_on_zero():
    ramp = C.RAMPS["balance"]
    light = [_lightness(c) for c in ramp]
    middle = len(ramp) // 2
    assert light[middle] == max(light)                         # near-white at zero
    assert all(a < b for a, b in zip(light[:middle], light[1:middle + 1]))
    assert all(a > b for a, b in zip(light[middle:], light[middle + 1:]))
    lo, hi = C.levels([-3.0, 10.0, np.nan], "balance")
    assert (lo, hi) == (-10.0, 10.0)
    zero = C.colours_for([0.0], "balance", lo, hi)[0]
    assert zero.name() == QColor(ramp[middle]).name()
    short, spare = C.colours_for([-10.0, 10.0], "balance", lo, hi)
    assert short.name() == QColor(ramp[0]).name() and spare.name() == QColor(ramp[-1]).name()


def test_shortfall_means_orange_everywhere():
    """The series colour of a shortfall and the dark end of the shortfall ramp share a hue."""
    series = QColor(C.SHORTFALL).hueF()
    dark = QColor(C.RAMPS["shortfall"][-2]).hueF()
    assert abs(series - dark) < 0.04
    assert abs(QColor(C.PLACED).hueF() - QColor(C.RAMPS["use"][-2]).hueF()) < 0.06


def test_missing_values_are_grey_and_percentages_span_0_to_100():
    assert C.colours_for([np.nan], "use", 0, 100)[0].name() == QColor(C.NO_DATA).name()
    assert C.levels([12.0, 40.0], "use") == (0.0, 100.0)
    assert C.text_on(QColor(C.RAMPS["shortfall"][-1])).name() == "#ffffff"
    assert C.text_on(QColor(C.RAMPS["shortfall"][0])).name() == "#000000"


def test_colour_bars_name_their_unit(qapp):
    import pyqtgraph as pg

    plot = pg.PlotWidget()
    bar = C.add_colour_bar(plot, "shortfall", (0, 5), "Unmet learners")
    assert bar.getAxis("right").labelText == "Unmet learners (learners)"
    C.set_colour_bar(bar, "use", (0, 100), "Places used")
    assert bar.getAxis("right").labelText == "Places used (%)"
