"""The Journeys tab on a hand-built plan (tests/ui/journey_cases.py): the right site in the right
week cells, filters, learners per site and week, the empty states, the summary card, the wording
of a journey left unplaced."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from PySide6.QtCore import Qt

from journey_cases import journey_data, journey_plan
from placement_planner.ui import core
from placement_planner.ui.journeys import SiteWeeks, build_schedule, site_repeats
from placement_planner.ui.models.journey_model import INFO, SPAN_ROLE, ScheduleModel

TIP = Qt.ItemDataRole.ToolTipRole


def week_column(model, day: dt.date) -> int:
    labels = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    return labels.index(day.strftime("%d/%m/%Y"))


def row_of(model, label: str) -> int:
    labels = [model.headerData(r, Qt.Orientation.Vertical) for r in range(model.rowCount())]
    return labels.index(label)


@pytest.fixture
def model(qtbot):
    m = ScheduleModel()
    m.set_schedule(build_schedule(journey_data(), journey_plan().journeys, journey_plan().allocations))
    return m


def test_one_row_per_learner_in_journey_order_with_university_and_profession(model):
    labels = [model.headerData(r, Qt.Orientation.Vertical) for r in range(model.rowCount())]
    assert labels == ["J1 · 1", "J1 · 2", "J2 · 1", "J10 · 1", "J10 · 2"]   # J10 after J2; SOLO is no journey
    r = row_of(model, "J10 · 2")
    assert model.data(model.index(r, 0)) == "City St George's"
    assert model.data(model.index(r, 1)) == "Physiotherapy"


def test_week_headers_are_uk_mondays_and_sites_sit_in_their_weeks(model):
    first = len(INFO)
    assert model.headerData(first, Qt.Orientation.Horizontal) == "08/09/2025"   # week 1 (week 0 is 01/09)
    days = [dt.datetime.strptime(model.headerData(c, Qt.Orientation.Horizontal), "%d/%m/%Y").date()
            for c in range(first, model.columnCount())]
    assert all(d.weekday() == 0 for d in days) and days == [days[0] + dt.timedelta(weeks=k) for k in range(len(days))]
    r = row_of(model, "J1 · 1")
    # Royal Free for the 4 weeks from 08/09/2025, nothing in the week of 06/10, then Camden for 3 weeks.
    for k in range(4):
        index = model.index(r, week_column(model, dt.date(2025, 9, 8) + dt.timedelta(weeks=k)))
        assert model.data(index) == "Royal Free"
        assert model.data(index, SPAN_ROLE)[:4] == (k, 4, False, True)
    assert model.data(model.index(r, week_column(model, dt.date(2025, 10, 6)))) is None
    camden = model.index(r, week_column(model, dt.date(2025, 10, 20)))
    assert model.data(camden) == "Camden Community"
    tip = model.data(camden, TIP)
    assert "Central and North West London" in tip and "community" in tip
    assert "13/10/2025 to 31/10/2025 (3 weeks)" in tip


def test_a_repeated_site_is_marked_and_counted(model):
    r = row_of(model, "J1 · 2")
    first_visit = model.index(r, week_column(model, dt.date(2025, 9, 8)))
    again = model.index(r, week_column(model, dt.date(2025, 10, 13)))
    assert model.data(first_visit) == model.data(again) == "Whittington"
    assert model.data(first_visit, SPAN_ROLE)[2] is False and model.data(again, SPAN_ROLE)[2] is True
    assert "Repeat" in model.data(again, TIP)
    assert model.data(model.index(r, 3)) == "↻ 1"
    assert model.data(model.index(row_of(model, "J1 · 1"), 3)) == "0"
    assert site_repeats(journey_plan().journeys) == 1


def test_required_settings_are_ticked_per_learner(model):
    assert model.data(model.index(row_of(model, "J1 · 1"), 2)) == "acute ✓, community ✓"
    assert model.data(model.index(row_of(model, "J2 · 1"), 2)) == ""
    # A learner whose paths miss a required setting (a plan reopened after an edit) shows ✗.
    plan = journey_plan()
    plan.journeys.loc[plan.journeys["site_id"] == "CC", "setting"] = "acute"
    m = ScheduleModel()
    m.set_schedule(build_schedule(journey_data(), plan.journeys, plan.allocations))
    assert m.data(m.index(row_of(m, "J1 · 1"), 2)) == "acute ✓, community ✗"


def test_unplaced_learners_show_the_weeks_they_asked_for(model):
    r = row_of(model, "J10 · 1")
    index = model.index(r, week_column(model, dt.date(2025, 9, 8)))
    assert model.data(index) == "not placed"
    assert model.data(index, SPAN_ROLE)[3] is False
    assert "Not placed" in model.data(index, TIP)
    assert model.data(model.index(r, 3)) == "not placed"


def test_learners_per_site_and_week():
    schedule = build_schedule(journey_data(), journey_plan().journeys, journey_plan().allocations)
    sw = SiteWeeks(schedule)
    assert sw.site_names == ["Camden Community", "Royal Free", "Whittington"]
    wh, rf = sw.row_of("WH"), sw.row_of("RF")
    week = (dt.date(2025, 10, 13) - schedule.week_dates[0]).days // 7
    assert sw.counts[wh, week] == 2                       # J1 learner 2 and J2 learner 1
    assert sw.journeys_at(wh, week) == [("J1", [2]), ("J2", [1])]
    assert sw.counts[rf].tolist() == [1, 2, 2, 1, 0, 0, 0, 0]
    assert sw.counts.sum() == schedule.placements.loc[schedule.placements["placed"], "weeks"].sum()
    labels = schedule.learners["label"].to_numpy()
    assert sorted(labels[sw.learner_rows(wh, week)]) == ["J1 · 2", "J2 · 1"]


@pytest.fixture
def shown(window):
    p = window.project
    p.data = journey_data()
    p.loaded.emit()
    p.results = core.analyse(p.data, journey_plan())
    p.plan_changed.emit()
    return window


def test_filters_and_search_narrow_the_learners(qtbot, shown):
    view = shown.journeys
    assert view.stack.currentIndex() == 1 and view.model.rowCount() == 5
    view.set_filter("hei", "Middlesex University")
    assert view.model.rowCount() == 3
    view.set_filter("journey", "J2")
    assert [view.model.headerData(r, Qt.Orientation.Vertical) for r in range(view.model.rowCount())] == ["J2 · 1"]
    view.clear_filters()
    view.search.setText("camden")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    assert view.model.headerData(0, Qt.Orientation.Vertical) == "J1 · 1"
    view.clear_filters()
    view.unplaced.setChecked(False)
    assert view.model.rowCount() == 3 and "3 of 5 learners" in view.count.text()


def test_a_site_week_cell_shows_those_learners(qtbot, shown):
    view = shown.journeys
    panel = view.sites
    assert panel.show_site("WH")
    # The site's line, then one line per journey there.
    heads = [panel.model.headerData(r, Qt.Orientation.Vertical) for r in range(panel.model.rowCount())]
    assert heads[0] == "Whittington" and [h.strip() for h in heads[1:]] == ["↳ journey J1", "↳ journey J2"]
    week = week_column(view.model, dt.date(2025, 10, 13)) - len(INFO)
    index = panel.model.index(0, week)
    assert [panel.model.data(panel.model.index(r, week)) for r in range(3)] == ["2", "1", "1"]
    assert "J1 (learner 2); J2 (learner 1)" in panel.model.data(index, TIP)
    assert panel.model.data(panel.model.index(1, 0)) == "1"            # J1 learner 2, acute from 08/09
    assert panel.model.data(panel.model.index(2, 0)) == ""             # J2 is not there yet
    panel.view.setCurrentIndex(index)
    qtbot.keyClick(panel.view, Qt.Key.Key_Return)          # keyboard: Enter on the cell
    labels = [view.model.headerData(r, Qt.Orientation.Vertical) for r in range(view.model.rowCount())]
    assert labels == ["J1 · 2", "J2 · 1"]
    assert view.tabs.currentIndex() == 0 and "at Whittington in the week of 13/10/2025" in view.picked.text()
    panel.choose(panel.model.index(2, week))               # a journey's line: just its learners
    assert [view.model.headerData(r, Qt.Orientation.Vertical) for r in range(view.model.rowCount())] == ["J2 · 1"]
    assert "of journey J2 at Whittington" in view.picked.text()
    view.clear_filters()
    assert view.model.rowCount() == 5
    panel.site.setCurrentIndex(0)                          # (all sites): one line per site
    assert panel.model.rowCount() == 3


def test_enter_on_a_placement_shows_its_site_by_week(qtbot, shown):
    view = shown.journeys
    view.clear_filters()
    shown.tabs.setCurrentWidget(view)
    index = view.model.index(row_of(view.model, "J1 · 1"), week_column(view.model, dt.date(2025, 10, 20)))
    view.view.setCurrentIndex(index)
    qtbot.keyClick(view.view, Qt.Key.Key_Return)
    assert view.tabs.currentIndex() == 1
    assert view.sites.site.currentData() == "CC"
    assert view.sites.view.currentIndex().column() == index.column() - len(INFO)


def test_choosing_a_site_on_the_map_or_utilisation_shows_its_weeks(qtbot, shown):
    shown.utilisation.site_clicked.emit("RF")
    assert shown.journeys.sites.site.currentData() == "RF"
    assert "Sites by week" in shown.status.currentMessage()


def test_an_edit_marks_the_schedule_out_of_date(qtbot, shown):
    view = shown.journeys
    assert view.stale.isHidden()
    shown.project.plan_stale = True
    shown.project.plan_changed.emit()
    assert not view.stale.isHidden() and view.model.rowCount() == 5    # still shown, marked


def test_summary_shows_site_repeats_only_with_journeys(qtbot, shown):
    card = shown.results.summary.cards["site_repeats"]
    assert not card.isHidden() and shown.results.summary.values["site_repeats"].text() == "1"
    p = shown.project
    p.data = journey_data(with_journeys=False)
    p.results = core.analyse(p.data, journey_plan(journeys=False))
    p.plan_changed.emit()
    assert card.isHidden()


def test_no_journeys_in_the_workbook_says_so_with_a_hint(qtbot, window):
    p = window.project
    view = window.journeys
    assert view.stack.currentIndex() == 0 and "No workbook open" in view.empty.text()
    p.data = journey_data(with_journeys=False)
    p.loaded.emit()
    p.results = core.analyse(p.data, journey_plan(journeys=False))
    p.plan_changed.emit()
    assert p.results.schedule is None
    assert view.stack.currentIndex() == 0 and "No journeys in this workbook" in view.empty.text()
    assert "journey" in view.empty.text() and "required_settings" in view.empty.text()
    p.data = journey_data()            # journeys, no plan yet: what to do
    p.results = None
    p.loaded.emit()
    assert view.stack.currentIndex() == 0 and "Plan (F5)" in view.empty.text() and "3 journeys" in view.empty.text()


def test_a_plan_without_learner_paths_has_them_split_again(qtbot, window):
    """Reopened from a file without its Journeys sheet: the allocations are split into learners'
    paths again (the solver's split), so the tab still shows every placed learner."""
    p = window.project
    p.data = journey_data()
    p.results = core.analyse(p.data, journey_plan(journeys=False))
    p.plan_changed.emit()
    paths = p.results.plan.journeys
    assert len(paths) == 6 and window.journeys.stack.currentIndex() == 1
    # The same learners per demand row and site as the allocations say.
    alloc = journey_plan().allocations
    alloc = alloc[alloc["demand_id"] != "SOLO"].groupby(["demand_id", "site_id"])["learners"].sum()
    assert paths.groupby(["demand_id", "site_id"]).size().sort_index().equals(alloc.sort_index())


def test_a_plan_whose_paths_cannot_be_found_says_to_plan_again(qtbot, window):
    p = window.project
    p.data = journey_data()
    plan = journey_plan(journeys=False)
    journey_rows = plan.allocations["demand_id"] != "SOLO"
    plan.allocations.loc[journey_rows, "setting"] = "maternity"     # no such places: no longer options
    p.results = core.analyse(p.data, plan)
    p.plan_changed.emit()
    assert "no learner paths" in window.journeys.empty.text()
    assert p.results.summary["site_repeats"] is None
    assert window.results.summary.cards["site_repeats"].isHidden()


def test_a_journey_left_unplaced_reads_as_the_whole_journey(qtbot, shown):
    unplaced = shown.project.results.unplaced.set_index("demand_id")
    for row in ("J10-a", "J10-b"):
        reason = unplaced.at[row, "reason"]
        assert "journey J10" in reason and "2 placements or none" in reason and "Physiotherapy" in reason
        assert unplaced.at[row, "journey"] == "J10"
    table = shown.results.unplaced.model
    assert "journey" in table.columns
    allocations = shown.project.results.allocations.set_index("demand_id")
    assert allocations.loc["J1-a", "journey"].tolist() == ["J1", "J1"] and allocations.at["SOLO", "journey"] == ""


def test_schedule_scrolls_with_the_keyboard(qtbot, shown):
    view = shown.journeys
    shown.tabs.setCurrentWidget(view)
    view.view.setFocus()
    view.view.setCurrentIndex(view.model.index(0, len(INFO)))
    qtbot.keyClick(view.view, Qt.Key.Key_Right)
    qtbot.keyClick(view.view, Qt.Key.Key_Down)
    assert (view.view.currentIndex().row(), view.view.currentIndex().column()) == (1, len(INFO) + 1)
    assert np.array_equal(view.model.rows, np.arange(5))
