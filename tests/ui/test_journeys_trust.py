"""The Journeys tab end to end at the trust scale: the generated case (2,000 nursing learners on
4-placement journeys, 150 wards) opened in the window and planned in the child process."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from conftest import open_and_wait, plan_and_wait
from placement_planner.ui.models.journey_model import INFO, SPAN_ROLE


def test_trust_case_in_the_journeys_tab(qtbot, window, trust_workbook):
    open_and_wait(qtbot, window, [trust_workbook])
    plan_and_wait(qtbot, window, timeout=300000)
    p = window.project
    data, results = p.data, p.results
    schedule = results.schedule
    journeys = data.demand[data.demand["journey"] != ""]
    assert len(schedule) == int(journeys.groupby("journey")["learners"].max().sum()) == 2000
    placed = schedule.learners["placed"].to_numpy()
    assert placed.sum() == len(results.plan.journeys) // 4     # every placed learner has all 4 placements
    per = schedule.placements[schedule.placements["placed"]].groupby("row").size()
    assert (per == 4).all()
    assert all(m == () for m in schedule.learners.loc[placed, "missing"])   # acute and community each
    # Each placement's weeks on the learner's row are its own, none of another's.
    p_rows = schedule.placements
    for k in np.random.default_rng(7).choice(len(p_rows), 50, replace=False):
        row, start = int(p_rows.at[k, "row"]), int(p_rows.at[k, "start_week"]) - schedule.first_week
        assert (schedule.cell[row, start:start + int(p_rows.at[k, "weeks"])] == k).all()
    view = window.journeys
    window.tabs.setCurrentWidget(view)
    assert view.model.rowCount() == 2000 and view.stack.currentIndex() == 1
    index = view.model.index(0, len(INFO) + int(np.argmax(schedule.cell[view.model.learner_row(0)] >= 0)))
    assert view.model.data(index, SPAN_ROLE)[0] == 0 and view.model.data(index)
    # Sites by week never shows more journey learners at a ward than it has places that week.
    sw = view.sites.model.site_weeks
    cap = data.capacity
    for i in np.random.default_rng(3).choice(len(sw), 20, replace=False):
        rows = cap[cap["site_id"] == sw.site_ids[i]]
        for w in range(schedule.n_weeks):
            week = schedule.first_week + w
            places = rows.loc[(rows["start_week"] <= week) & (rows["end_week"] >= week), "places"].sum()
            assert sw.counts[i, w] <= places
    assert sw.counts.sum() == schedule.placements.loc[schedule.placements["placed"], "weeks"].sum()
    hei = view.combos["hei"].itemText(1)
    view.set_filter("hei", hei)
    assert 0 < view.model.rowCount() < 2000
    assert {view.model.data(view.model.index(r, 0)) for r in range(view.model.rowCount())} == {hei}
    assert view.model.headerData(0, Qt.Orientation.Vertical).endswith(" · 1")
