"""Screenshots of the Journeys tab for the docs, from a planned slice of the generated trust case
(journeys-schedule.png and journeys-site-weeks.png). A test run writes them to a temporary
folder, so the suite leaves the tree as it was; to refresh the docs' copies:

    PLACEMENT_PLANNER_SCREENSHOTS=docs/screenshots python -m pytest tests/ui/test_journeys_screenshots.py
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from placement_planner.solver.progress import Progress
from placement_planner.ui import colours as C
from placement_planner.ui import core
from placement_planner.ui.journeys import natural_key



@pytest.fixture(scope="module")
def trust_slice(trust_workbook):
    """The first 14 journeys of the trust case (30 learners, 120 placements), planned."""
    from placement_planner.io import load_workbooks

    data = load_workbooks([trust_workbook]).data
    names = sorted(set(data.demand["journey"]) - {""}, key=natural_key)[:14]
    data = dataclasses.replace(data, demand=data.demand[data.demand["journey"].isin(names)].reset_index(drop=True))
    return data, core.plan_and_analyse(data, Progress())


def colours_in(image: QImage) -> set[str]:
    found = set()
    for y in range(0, image.height(), 3):
        for x in range(0, image.width(), 3):
            found.add(QColor(image.pixel(x, y)).name())
    return found


def test_screenshots_of_the_journeys_tab(qtbot, window, trust_slice, tmp_path):
    data, results = trust_slice
    shots = Path(os.environ.get("PLACEMENT_PLANNER_SCREENSHOTS") or tmp_path)
    window.resize(1440, 900)
    p = window.project
    p.data = data
    p.loaded.emit()
    p.results = results
    p.plan_changed.emit()
    view = window.journeys
    window.tabs.setCurrentWidget(view)
    view.set_week_width(26)                          # the whole placement year on one screen
    assert view.view.horizontalHeader().on_end()
    view.view.setCurrentIndex(view.model.index(0, 4))
    qtbot.wait(50)
    shots.mkdir(parents=True, exist_ok=True)
    schedule = window.grab().toImage()
    assert schedule.save(str(shots / "journeys-schedule.png"))
    seen = colours_in(schedule)
    for setting in ("acute", "community"):           # bars in both settings the journeys require
        assert QColor(C.SETTING_HUES[setting]).name() in seen
    assert view.model.rowCount() == len(results.schedule) == 30

    view.tabs.setCurrentIndex(1)
    panel = view.sites
    sw = panel.model.site_weeks
    busiest = max(range(len(sw)), key=lambda i: len(sw.journey_lines(i)))   # the site with most journeys
    assert panel.show_site(sw.site_ids[busiest])
    assert panel.model.rowCount() == 1 + len(sw.journey_lines(busiest)) > 2   # the site, then its journeys
    qtbot.wait(50)
    assert "learner" in panel.detail.text() and sw.site_names[busiest] in panel.detail.text()
    image = window.grab().toImage()
    assert image.save(str(shots / "journeys-site-weeks.png"))
    assert (shots / "journeys-site-weeks.png").stat().st_size > 10_000
