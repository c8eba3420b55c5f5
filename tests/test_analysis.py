"""Analysis tables on small hand-built plans: one case per rule and per reason."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from placement_planner.analysis import (allocation_table, gaps_table, summary, unplaced_table,
                                        utilisation_table)
from placement_planner.build import build_planning_data
from placement_planner.geo import haversine_km
from placement_planner.domain import ALLOCATION_COLUMNS, Plan, PlanStatus

MON = dt.date(2025, 9, 1)  # a Monday

LONDON = (51.5074, -0.1278)
READING = (51.4543, -0.9781)      # ~59 km from London
BIRMINGHAM = (52.4862, -1.8904)


def site(site_id, where=LONDON, ics="NCL", region="London", quality="ok", **extra):
    lat, lon = where if where else (np.nan, np.nan)
    return {"site_id": site_id, "site_name": f"Site {site_id}", "provider": f"Trust {site_id}",
            "hub": "Hub", "ics": ics, "region": region, "latitude": lat, "longitude": lon,
            "quality": quality, **extra}


def cap(site_id, places, start=MON, weeks=8, profession="Physiotherapy", setting="acute"):
    return {"site_id": site_id, "profession": profession, "setting": setting,
            "start_date": start, "end_date": start + dt.timedelta(weeks=weeks - 1),
            "places": places}


def dem(demand_id, learners, hei="Uni A", start=MON, weeks=4, profession="Physiotherapy",
        where=LONDON, **extra):
    lat, lon = where if where else (np.nan, np.nan)
    return {"demand_id": demand_id, "hei": hei, "profession": profession, "learners": learners,
            "start_date": start, "weeks": weeks, "latitude": lat, "longitude": lon, **extra}


def plan_of(rows, status=PlanStatus.OPTIMAL, bound=math.nan):
    frame = pd.DataFrame(rows, columns=ALLOCATION_COLUMNS)
    if not len(frame):
        frame = frame.astype({"start_week": "int64", "learners": "int64", "locked": bool})
    return Plan(allocations=frame, status=status, bound=bound, solve_seconds=1.5)


def data_of(sites, capacity, demand, **kw):
    return build_planning_data(sites=sites, capacity=capacity, demand=demand, week0=MON, **kw)


# ---- allocations ------------------------------------------------------------------------

def test_allocation_table_joins_names_dates_and_distance():
    data = data_of([site("A", READING)], [cap("A", 5)], [dem("D1", 3, weeks=4)])
    plan = plan_of([("D1", "A", "acute", 2, 3, True)])
    table = allocation_table(data, plan)
    row = table.iloc[0]
    assert row["start_date"] == pd.Timestamp(2025, 9, 15)  # week 2 is the Monday 15/09/2025
    assert row["provider"] == "Trust A" and row["hei"] == "Uni A" and row["weeks"] == 4
    assert row["distance_km"] == pytest.approx(58.8, abs=1.0)
    assert bool(row["locked"]) is True
    assert list(table.columns[:15]) == ["demand_id", "hei", "profession", "setting", "site_id",
                                        "site_name", "provider", "hub", "ics", "region",
                                        "start_date", "weeks", "learners", "distance_km", "locked"]


def test_allocation_distance_blank_without_demand_coordinates():
    data = data_of([site("A")], [cap("A", 5)], [dem("D1", 1, where=None)])
    table = allocation_table(data, plan_of([("D1", "A", "acute", 0, 1, False)]))
    assert np.isnan(table["distance_km"].iloc[0])


# ---- summary ----------------------------------------------------------------------------

def test_summary_counts_from_the_allocations():
    data = data_of(
        [site("A"), site("B", READING)], [cap("A", 2), cap("B", 2)],
        [dem("D1", 4, priority=2.0, preferred_sites="B"), dem("D2", 2, hei="Uni B")],
        previous=[{"demand_id": "D1", "site_id": "A", "setting": "acute", "start_week": 0,
                   "learners": 2, "locked": False}])
    plan = plan_of([("D1", "A", "acute", 0, 2, False), ("D1", "B", "acute", 0, 1, False)],
                   bound=10.0)
    figures = summary(data, plan)
    assert figures["learners_requested"] == 6
    assert figures["learners_placed"] == 3
    assert figures["weighted_placed"] == 6.0
    assert figures["gap"] == pytest.approx(0.4)
    assert figures["min_group_fill"] == 0.0        # Uni B has nothing
    assert figures["kept_from_previous"] == 2
    assert figures["preferred_placed"] == 1
    assert figures["learner_km"] == pytest.approx(58.8, abs=1.0)
    assert figures["status"] == "optimal" and figures["solve_seconds"] == 1.5


# ---- utilisation ------------------------------------------------------------------------

def test_utilisation_place_weeks():
    data = data_of([site("A")], [cap("A", 2, weeks=8), cap("A", 1, weeks=4)],
                   [dem("D1", 3, weeks=4)])
    plan = plan_of([("D1", "A", "acute", 1, 3, False)])
    table = utilisation_table(data, plan)
    assert len(table) == 1
    row = table.iloc[0]
    assert row["place_weeks_offered"] == 2 * 8 + 1 * 4
    assert row["place_weeks_used"] == 12
    assert row["utilisation"] == pytest.approx(12 / 20)


# ---- gaps -------------------------------------------------------------------------------

def test_gaps_counts_demand_in_nearest_eligible_site_area():
    # D1 has no region: counted where its nearest eligible site is (B, Midlands), not at
    # A. D2 names its own region and is counted there although nothing is offered there.
    data = data_of(
        [site("A", LONDON), site("B", BIRMINGHAM, ics="BSOL", region="Midlands")],
        [cap("A", 1, weeks=2), cap("B", 1, weeks=2)],
        [dem("D1", 3, weeks=1, where=(52.45, -1.93)),
         dem("D2", 2, weeks=1, where=(52.45, -1.93), region="North West", ics="GM")])
    plan = plan_of([("D1", "B", "acute", 0, 1, False)])
    gaps = gaps_table(data, plan)
    w0 = gaps[gaps["week_start"] == pd.Timestamp(MON)].set_index("region")
    assert w0.loc["Midlands", "demand_learners"] == 3
    assert w0.loc["Midlands", "allocated_learners"] == 1
    assert w0.loc["Midlands", "unmet_learners"] == 2
    assert w0.loc["Midlands", "capacity_places"] == 1
    assert w0.loc["Midlands", "spare_places"] == 0
    assert w0.loc["North West", "demand_learners"] == 2
    assert w0.loc["North West", "ics"] == "GM"
    assert w0.loc["North West", "capacity_places"] == 0
    assert w0.loc["London", "spare_places"] == 1 and w0.loc["London", "demand_learners"] == 0
    w1 = gaps[gaps["week_start"] == pd.Timestamp(MON) + pd.Timedelta(weeks=1)]
    assert set(w1["region"]) == {"London", "Midlands"}   # capacity only, no demand in week 1
    assert w1["demand_learners"].sum() == 0


def test_gaps_ignore_suspended_places_and_count_placed_weeks():
    data = data_of([site("A"), site("S", quality="suspended")], [cap("A", 2), cap("S", 9)],
                   [dem("D1", 2, weeks=2, flex_weeks=1)])
    plan = plan_of([("D1", "A", "acute", 1, 2, False)])   # flexed one week later
    gaps = gaps_table(data, plan).set_index("week_start")
    assert gaps["capacity_places"].max() == 2
    assert gaps.loc[pd.Timestamp(MON), "demand_learners"] == 0
    assert gaps.loc[pd.Timestamp(2025, 9, 8), "demand_learners"] == 2
    assert gaps.loc[pd.Timestamp(2025, 9, 15), "allocated_learners"] == 2


# ---- unplaced reasons -------------------------------------------------------------------

def _reason(data, plan=None):
    table = unplaced_table(data, plan or plan_of([]))
    assert len(table) == 1
    return table.iloc[0]


def test_reason_no_profession_anywhere():
    row = _reason(data_of([site("A")], [cap("A", 5)], [dem("D1", 2, profession="Podiatry")]))
    assert row["reason_code"] == "no_profession"
    assert row["reason"] == "no Podiatry places are offered at any site"
    assert row["learners_unplaced"] == 2


def test_reason_no_setting():
    row = _reason(data_of([site("A")], [cap("A", 5)], [dem("D1", 2, setting="community")]))
    assert row["reason_code"] == "no_setting"
    assert "community setting" in row["reason"] and "acute" in row["reason"]


def test_reason_only_suspended():
    row = _reason(data_of([site("A", quality="suspended")], [cap("A", 5)], [dem("D1", 2)]))
    assert row["reason_code"] == "only_suspended"
    assert "suspended" in row["reason"]


def test_reason_outside_required_area():
    row = _reason(data_of([site("A")], [cap("A", 5)], [dem("D1", 2, ics="BSOL")]))
    assert row["reason_code"] == "outside_area"
    assert "BSOL ICB" in row["reason"]
    full = _reason(data_of([site("A")], [cap("A", 5)], [dem("D1", 2, ics="NHS Devon Integrated Care Board")]))
    assert "in NHS Devon Integrated Care Board" in full["reason"] and "Board ICS" not in full["reason"]


def test_reason_out_of_reach_names_limit_and_nearest():
    row = _reason(data_of([site("A", BIRMINGHAM)], [cap("A", 5)], [dem("D1", 2)]))
    assert row["reason_code"] == "out_of_reach"
    km = haversine_km(*LONDON, *BIRMINGHAM)
    assert "within 50 km" in row["reason"] and f"nearest is {km:.0f} km" in row["reason"]


def test_reason_sites_without_coordinates():
    row = _reason(data_of([site("A", None)], [cap("A", 5)], [dem("D1", 2)]))
    assert row["reason_code"] == "site_coordinates"
    assert "no coordinates" in row["reason"]


def test_reason_no_places_in_those_weeks_uses_uk_dates():
    late = MON + dt.timedelta(weeks=10)
    row = _reason(data_of([site("A")], [cap("A", 5, start=late)], [dem("D1", 2, weeks=6)]))
    assert row["reason_code"] == "no_places_in_weeks"
    assert row["reason"] == "no Physiotherapy places within 50 km in weeks 01/09/2025 to 06/10/2025"


def test_reason_places_cover_only_part_of_the_weeks():
    row = _reason(data_of([site("A")], [cap("A", 5, weeks=3)], [dem("D1", 2, weeks=6)]))
    assert row["reason_code"] == "no_places_in_weeks"
    assert "only part" in row["reason"]


def test_reason_flex_weeks_widen_the_window():
    # One place in weeks 2-5. A 4-week group starting in week 1 fits only by starting a week
    # later: with flex_weeks 1 it is blocked by the holder D1; with none, no places fit.
    week = lambda n: MON + dt.timedelta(weeks=n)
    data = data_of([site("A")], [cap("A", 1, start=week(2), weeks=4)],
                   [dem("D1", 1, start=week(2)),
                    dem("FLEX", 1, start=week(1), flex_weeks=1),
                    dem("FIXED", 1, start=week(1))])
    table = unplaced_table(data, plan_of([("D1", "A", "acute", 2, 1, False)])).set_index("demand_id")
    assert table.loc["FLEX", "reason_code"] == "taken"
    assert "weeks 01/09/2025 to 06/10/2025" in table.loc["FLEX", "reason"]
    assert table.loc["FIXED", "reason_code"] == "no_places_in_weeks"


def test_reason_taken_by_higher_priority_groups_named():
    data = data_of([site("A")], [cap("A", 3)],
                   [dem("LOW", 2, hei="Uni Low", priority=1.0),
                    dem("H1", 2, hei="Uni High", priority=3.0),
                    dem("H2", 1, hei="Uni Other", priority=2.0)])
    plan = plan_of([("H1", "A", "acute", 0, 2, False), ("H2", "A", "acute", 0, 1, False)])
    row = _reason(data, plan)
    assert row["reason_code"] == "taken"
    assert "higher-priority groups" in row["reason"]
    assert row["reason"].index("Uni High (2 learners)") < row["reason"].index("Uni Other (1 learner)")


def test_reason_taken_same_priority_and_partial_placement():
    data = data_of([site("A")], [cap("A", 3)],
                   [dem("X", 3, hei="Uni X"), dem("Y", 3, hei="Uni Y")])
    plan = plan_of([("X", "A", "acute", 0, 2, False), ("Y", "A", "acute", 0, 1, False)])
    table = unplaced_table(data, plan).set_index("demand_id")
    assert table.loc["X", "learners_unplaced"] == 1 and table.loc["Y", "learners_unplaced"] == 2
    assert table.loc["X", "reason_code"] == "taken"
    assert "same priority" in table.loc["Y", "reason"] and "Uni X (2 learners)" in table.loc["Y", "reason"]


def test_reason_free_places_not_used_says_so():
    data = data_of([site("A")], [cap("A", 3)], [dem("D1", 2)])
    row = _reason(data, plan_of([], status=PlanStatus.TIME_LIMIT))
    assert row["reason_code"] == "not_used"
    assert "A" in row["reason"] and "time_limit" in row["reason"]


def test_placed_groups_are_not_listed():
    data = data_of([site("A")], [cap("A", 3)], [dem("D1", 2)])
    assert unplaced_table(data, plan_of([("D1", "A", "acute", 0, 2, False)])).empty


def test_reason_taken_by_own_university_says_other_groups():
    data = data_of([site("A")], [cap("A", 2)], [dem("A1", 2, hei="Uni A"), dem("A2", 1, hei="Uni A")])
    plan = plan_of([("A1", "A", "acute", 0, 2, False)])
    row = _reason(data, plan)
    assert "other Uni A groups (2 learners)" in row["reason"]
