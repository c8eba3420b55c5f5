"""The independent journey checker accepts a hand-built correct plan and names each kind of broken one."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from placement_planner.build import build_planning_data
from placement_planner.domain import JOURNEY_COLUMNS, Plan, PlanStatus
from tests.journey_checker import check_journeys, variety_repeats

MON = dt.date(2025, 9, 1)


def _data():
    sites = [{"site_id": s, "provider": "T", "ics": "I", "region": "R"} for s in ("A", "B", "C")]
    capacity = [
        {"site_id": "A", "profession": "Adult Nursing", "setting": "acute", "start_date": MON,
         "end_date": MON + dt.timedelta(weeks=20), "places": 2},
        {"site_id": "B", "profession": "Adult Nursing", "setting": "Community", "start_date": MON,
         "end_date": MON + dt.timedelta(weeks=20), "places": 2},
        {"site_id": "C", "profession": "Adult Nursing", "setting": "acute", "start_date": MON,
         "end_date": MON + dt.timedelta(weeks=20), "places": 1},
    ]
    common = {"hei": "U", "profession": "Adult Nursing", "learners": 2, "weeks": 4, "journey": "J"}
    demand = [
        {**common, "demand_id": "D1", "start_date": MON, "required_settings": "acute, community"},
        {**common, "demand_id": "D2", "start_date": MON + dt.timedelta(weeks=5)},
        {**common, "demand_id": "D3", "start_date": MON + dt.timedelta(weeks=10), "flex_weeks": 1},
        {"demand_id": "X", "hei": "U", "profession": "Adult Nursing", "learners": 1, "weeks": 2,
         "start_date": MON},
    ]
    return build_planning_data(sites=sites, capacity=capacity, demand=demand)


# learner 1: A (acute) -> B (community) -> A; learner 2: B -> A -> C (D3 starts a week late: flex 1).
PATHS = [("J", "D1", 1, "A", "acute", 0, 4), ("J", "D1", 2, "B", "community", 0, 4),
         ("J", "D2", 1, "B", "community", 5, 4), ("J", "D2", 2, "A", "acute", 5, 4),
         ("J", "D3", 1, "A", "acute", 10, 4), ("J", "D3", 2, "C", "acute", 11, 4)]


def _plan(paths=PATHS, extra_alloc=()):
    journeys = pd.DataFrame(paths, columns=JOURNEY_COLUMNS)
    alloc = (journeys.groupby(["demand_id", "site_id", "setting", "start_week"], as_index=False)
             .agg(learners=("learner", "size")))
    alloc = pd.concat([alloc, pd.DataFrame([{"demand_id": "X", "site_id": "C", "setting": "acute",
                                             "start_week": 0, "learners": 1}]),
                       pd.DataFrame(list(extra_alloc), columns=alloc.columns)], ignore_index=True)
    alloc["locked"] = False
    return Plan(allocations=alloc, status=PlanStatus.OPTIMAL, journeys=journeys)


def _replace(paths, i, **change):
    out = list(paths)
    row = dict(zip(JOURNEY_COLUMNS, out[i]))
    row.update(change)
    out[i] = tuple(row[c] for c in JOURNEY_COLUMNS)
    return out


def test_a_correct_plan_passes_and_its_repeats_are_counted():
    plan = _plan()
    assert check_journeys(_data(), plan) == []
    assert variety_repeats(plan.journeys) == 1      # learner 1 is at A twice


def test_an_empty_plan_passes():
    plan = _plan(paths=[])
    plan = dataclasses.replace(plan, allocations=plan.allocations[plan.allocations["demand_id"] == "X"])
    assert check_journeys(_data(), plan) == []


@pytest.mark.parametrize("broken, words", [
    # a half journey: learner 2 placed on D1 and D2 only
    (PATHS[:5], "places different numbers of learners"),
    # learner numbered 3 instead of 2
    (_replace(PATHS, 1, learner=3), "expected [1, 2]"),
    # the same learner twice on D2 and nobody numbered 2
    (_replace(PATHS, 3, learner=1), "more than one placement for D2"),
    # learner 2 never in community (D1 moved to acute site C)
    (_replace(PATHS, 1, site_id="C", setting="acute"), "never has a 'community' placement"),
    # learner 1's D2 starts while D1 is still running (and outside D2's flex)
    (_replace(PATHS, 2, start_week=2), "overlaps"),
    # D3 learner 2 starts two weeks late: only one week of flex
    (_replace(PATHS, 5, start_week=12), "outside 10 +/- 1"),
    # three learners at C (1 place) in week 11: learner 1's D3 moved there too
    (_replace(PATHS, 4, site_id="C", start_week=11), "1 places"),
    # a path row with the wrong number of weeks
    (_replace(PATHS, 0, weeks=3), "lasts 3 weeks"),
])
def test_each_kind_of_broken_plan_is_named(broken, words):
    found = check_journeys(_data(), _plan(paths=broken))
    assert found and any(words in f for f in found), found


def test_paths_that_disagree_with_allocations_are_named():
    plan = _plan()
    alloc = plan.allocations.copy()
    alloc.loc[(alloc["demand_id"] == "D2") & (alloc["site_id"] == "A"), "site_id"] = "C"
    found = check_journeys(_data(), dataclasses.replace(plan, allocations=alloc))
    assert any("allocations place 0, Journeys lists 1" in f for f in found), found
    assert any("allocations place 1, Journeys lists 0" in f for f in found), found


def test_a_plan_without_paths_is_rejected():
    plan = dataclasses.replace(_plan(), journeys=pd.DataFrame(columns=JOURNEY_COLUMNS))
    found = check_journeys(_data(), plan)
    assert any("Journeys lists learners none, expected [1, 2]" in f for f in found), found


def test_more_placed_than_asked_is_named():
    plan = _plan(extra_alloc=[("X", "A", "acute", 15, 1)])
    assert any("asked for 1" in f for f in check_journeys(_data(), plan))


def test_variety_repeats_counts_k_minus_1_per_site_and_learner():
    paths = pd.DataFrame([("J", f"D{i}", 1, "A", "acute", i * 5, 4) for i in range(3)]
                         + [("J", f"D{i}", 2, s, "acute", i * 5, 4) for i, s in enumerate("ABA")]
                         + [("K", "E1", 1, "A", "acute", 0, 4)], columns=JOURNEY_COLUMNS)
    assert variety_repeats(paths) == 2 + 1
    assert variety_repeats(paths.iloc[:0]) == 0


def test_a_learner_at_a_suspended_site_is_named():
    data = _data()
    sites = data.sites.copy()
    sites.loc[sites["site_id"] == "C", "quality"] = "suspended"
    found = check_journeys(dataclasses.replace(data, sites=sites), _plan())
    assert found == ["C is suspended but has learners placed"]
