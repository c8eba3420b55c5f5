"""Every hard rule and every tier of the contract on a tiny hand-built case.

Each case is "given these rows, the rule forbids / allows that"; every plan also goes
through the independent checker in feasibility.py.
"""

from __future__ import annotations

import datetime as dt

import pytest

from feasibility import check_plan
from placement_planner.build import build_planning_data
from placement_planner.domain import PlanStatus, Settings, Tier
from placement_planner.solver import Progress, SolveOptions, solve

MON = dt.date(2025, 9, 1)   # a Monday: week 0


def week(n: int) -> dt.date:
    return MON + dt.timedelta(weeks=n)


def site(sid, lat=52.0, lon=-1.0, **kw):
    return dict(site_id=sid, provider="P", ics=kw.pop("ics", "North"),
                region=kw.pop("region", "Midlands"), latitude=lat, longitude=lon, **kw)


def cap(sid, places, a=0, b=9, prof="Physiotherapy", setting=""):
    return dict(site_id=sid, profession=prof, setting=setting, start_date=week(a),
                end_date=week(b), places=places)


def dem(did, learners, start=0, weeks=2, prof="Physiotherapy", hei="U1", **kw):
    kw.setdefault("latitude", 52.0)
    kw.setdefault("longitude", -1.0)
    return dict(demand_id=did, hei=hei, profession=prof, learners=learners,
                start_date=week(start), weeks=weeks, **kw)


def run(sites, capacity, demand, tiers=None, **extra):
    data = build_planning_data(sites=sites, capacity=capacity, demand=demand,
                               locked=extra.pop("locked", None),
                               previous=extra.pop("previous", None),
                               settings=Settings(**extra) if extra else None, week0=MON)
    plan = solve(data, SolveOptions(tiers=tiers, time_limit_s=30))
    if plan.status is not PlanStatus.INFEASIBLE:
        check_plan(data, plan)
    return plan


def placed_at(plan, column="site_id"):
    a = plan.allocations
    return a.groupby(column)["learners"].sum().to_dict()


# ---- hard rules -------------------------------------------------------------------------
def test_profession_must_match():
    plan = run([site("A")], [cap("A", 5, prof="Radiography")], [dem("D", 3)])
    assert plan.learners_placed == 0
    assert plan.status is PlanStatus.OPTIMAL


def test_setting_pools_are_separate_and_case_insensitive():
    capacity = [cap("A", 2, setting="Acute"), cap("A", 3, setting="community"), cap("A", 1)]
    plan = run([site("A")], capacity, [dem("D1", 5, setting="ACUTE"), dem("D2", 9)])
    per = plan.allocations.groupby(["demand_id", "setting"])["learners"].sum().to_dict()
    # D1 (needs acute, any spelling) only ever sits in the acute pool; the pools never mix.
    assert {k[1] for k in per if k[0] == "D1"} <= {"Acute"}
    assert sum(v for k, v in per.items() if k[1] == "Acute") <= 2
    assert sum(v for k, v in per.items() if k[1] == "community") <= 3
    assert sum(per.values()) == 6


def test_capacity_rows_of_one_pool_add_up():
    plan = run([site("A")], [cap("A", 2, 0, 9), cap("A", 3, 0, 4)], [dem("D", 9, weeks=3)])
    assert plan.learners_placed == 5


def test_suspended_site_is_never_used():
    plan = run([site("A", quality="suspended"), site("B")], [cap("A", 5), cap("B", 1)],
               [dem("D", 4)])
    assert placed_at(plan) == {"B": 1}


def test_ics_and_region_restriction_case_insensitive():
    sites = [site("A", ics="North"), site("B", ics="South", region="London")]
    plan = run(sites, [cap("A", 5), cap("B", 5)],
               [dem("D1", 3, ics="south"), dem("D2", 3, region="MIDLANDS")])
    by = plan.allocations.groupby("demand_id")["site_id"].unique().to_dict()
    assert list(by["D1"]) == ["B"] and list(by["D2"]) == ["A"]


def test_travel_limit_and_site_without_coordinates():
    sites = [site("near", 52.0, -1.0), site("far", 53.0, -1.0),      # about 111 km
             site("nowhere", float("nan"), float("nan"))]
    capacity = [cap("near", 1), cap("far", 5), cap("nowhere", 5)]
    plan = run(sites, capacity, [dem("D", 6, max_travel_km=100.0)])
    assert placed_at(plan) == {"near": 1}
    plan = run(sites, capacity, [dem("D", 6, max_travel_km=120.0)])
    assert placed_at(plan) == {"near": 1, "far": 5}
    # no demand coordinates: no distance limit, and sites without coordinates are fine
    plan = run(sites, capacity, [dem("D", 20, latitude=float("nan"), longitude=float("nan"))])
    assert plan.learners_placed == 11


def test_default_travel_limit_comes_from_settings():
    sites = [site("far", 52.5, -1.0)]                                 # about 56 km
    assert run(sites, [cap("far", 3)], [dem("D", 3)]).learners_placed == 0
    assert run(sites, [cap("far", 3)], [dem("D", 3)],
               default_max_travel_km=60.0).learners_placed == 3


def test_weekly_capacity_with_overlapping_windows():
    # 2 places; D1 weeks 0-3, D2 weeks 2-5, D3 weeks 4-7: D1 and D2 overlap in weeks 2-3
    demand = [dem("D1", 2, 0, 4), dem("D2", 2, 2, 4), dem("D3", 2, 4, 4)]
    plan = run([site("A")], [cap("A", 2, 0, 9)], demand)
    assert plan.learners_placed == 4
    assert plan.bound == pytest.approx(4)


def test_capacity_window_is_inclusive_of_end_monday():
    # the row ends on a Friday of week 3: the Monday of week 3 counts, so weeks 0-3 fit
    capacity = [dict(cap("A", 1), end_date=week(3) + dt.timedelta(days=4))]
    assert run([site("A")], capacity, [dem("D", 1, 0, 4)]).learners_placed == 1
    assert run([site("A")], capacity, [dem("D", 1, 0, 5)]).learners_placed == 0


def test_flex_weeks_choose_another_start():
    demand = [dem("D1", 1, 0, 3), dem("D2", 1, 1, 3, flex_weeks=2)]
    plan = run([site("A")], [cap("A", 1, 0, 5)], demand)
    starts = plan.allocations.set_index("demand_id")["start_week"].to_dict()
    assert starts == {"D1": 0, "D2": 3}


def test_locked_rows_are_kept_even_against_tier_one():
    demand = [dem("D1", 2, priority=1.0), dem("D2", 2, priority=5.0)]
    locked = [dict(demand_id="D1", site_id="A", learners=2)]
    plan = run([site("A")], [cap("A", 2)], demand, locked=locked)
    assert plan.allocations.set_index("demand_id")["learners"].to_dict() == {"D1": 2}
    assert plan.allocations["locked"].all()


def test_locked_rows_beyond_capacity_make_the_plan_infeasible_with_the_site_named():
    locked = [dict(demand_id="D1", site_id="A", learners=3)]
    plan = run([site("A")], [cap("A", 2)], [dem("D1", 3)], locked=locked)
    assert plan.status is PlanStatus.INFEASIBLE
    assert any("site A" in m for m in plan.messages)


def test_groups_split_across_sites():
    plan = run([site("A"), site("B")], [cap("A", 2), cap("B", 3)], [dem("D", 5)])
    assert placed_at(plan) == {"A": 2, "B": 3}


# ---- tiers ------------------------------------------------------------------------------
def test_priority_weights_win_tier_one():
    plan = run([site("A")], [cap("A", 2)], [dem("D1", 2), dem("D2", 2, priority=2.0)])
    assert placed_at(plan, "demand_id") == {"D2": 2}
    assert plan.tier_values["placed"] == 4.0


def test_leximin_shares_shortfall_and_ignores_unplaceable_group():
    demand = [dem("A1", 4, hei="U1"), dem("B1", 4, hei="U2"),
              dem("C1", 4, hei="U3", prof="Radiography")]       # U3 cannot be placed at all
    plan = run([site("A")], [cap("A", 4)], demand)
    assert placed_at(plan, "demand_id") == {"A1": 2, "B1": 2}
    assert plan.tier_values["fair_share"] == 0.5


def test_leximin_second_level():
    # U1 can only go to A (1 place); U2, U3 share B (4 places): leximin 1/4, then 2/4 each
    sites = [site("A", 52.0, -1.0), site("B", 52.0, 1.0)]      # about 137 km apart
    demand = [dem("A1", 4, hei="U1", max_travel_km=10.0),
              dem("B1", 4, hei="U2", latitude=float("nan"), longitude=float("nan")),
              dem("C1", 4, hei="U3", latitude=52.0, longitude=1.0)]
    plan = run(sites, [cap("A", 1), cap("B", 4)], demand)
    assert placed_at(plan, "demand_id") == {"A1": 1, "B1": 2, "C1": 2}


def test_previous_plan_is_kept_where_it_was():
    previous = [dict(demand_id="D", site_id="B", setting="", start_week=1, learners=2,
                     locked=False)]
    plan = run([site("A"), site("B", 52.05, -1.0)], [cap("A", 5), cap("B", 5)],
               [dem("D", 2, start=0, flex_weeks=1)], previous=previous)
    a = plan.allocations
    assert (a["site_id"].tolist(), a["start_week"].tolist()) == (["B"], [1])
    assert plan.tier_values["keep_previous"] == 2


def test_preferred_sites_beat_travel():
    sites = [site("A"), site("B", 52.1, -1.0)]
    plan = run(sites, [cap("A", 5), cap("B", 5)], [dem("D", 3, preferred_sites="B")])
    assert placed_at(plan) == {"B": 3}
    assert plan.tier_values["preferred"] == 3


def test_learner_km_is_minimised():
    sites = [site("far", 52.2, -1.0), site("near", 52.05, -1.0)]
    plan = run(sites, [cap("far", 5), cap("near", 2)], [dem("D", 3)])
    assert placed_at(plan) == {"far": 1, "near": 2}


def test_tier_order_can_change_and_tiers_switch_off():
    sites = [site("A"), site("B", 52.1, -1.0)]
    args = ([cap("A", 5), cap("B", 5)], [dem("D", 3, preferred_sites="B")])
    travel_first = run(sites, *args, tiers=(Tier.PLACED, Tier.TRAVEL, Tier.PREFERRED))
    assert placed_at(travel_first) == {"A": 3}
    no_travel = run(sites, *args, tiers=(Tier.PLACED,))
    assert no_travel.learners_placed == 3
    assert set(no_travel.tier_values) == {"placed"}


def test_cancel_returns_a_valid_plan():
    progress = Progress()
    progress.cancel()
    data = build_planning_data(sites=[site("A")], capacity=[cap("A", 2)],
                               demand=[dem("D", 3)], week0=MON)
    plan = solve(data, SolveOptions(time_limit_s=5), progress)
    assert plan.status is PlanStatus.CANCELLED
    check_plan(data, plan)


# ---- a plan to start from (SolveOptions.start_from) ------------------------------------
def _start_case():
    sites = [site("near"), site("far", 52.2, -1.0)]
    return build_planning_data(sites=sites, capacity=[cap("near", 5), cap("far", 2)],
                               demand=[dem("D", 2), dem("E", 3, hei="U2")], week0=MON)


def _start(rows):
    import pandas as pd
    return pd.DataFrame([dict(demand_id=d, site_id=s, setting="", start_week=t, learners=n,
                              locked=False) for d, s, t, n in rows])


def test_start_from_is_the_first_incumbent():
    """Cancelled before any tier runs, the plan is the incumbent: the start plan's rows
    (here 2 learners of D at the far site, where the greedy plan would not put them)."""
    data = _start_case()
    progress = Progress()
    progress.cancel()
    plan = solve(data, SolveOptions(time_limit_s=5, start_from=_start([("D", "far", 0, 2)])),
                 progress)
    check_plan(data, plan)
    got = plan.allocations.set_index(["demand_id", "site_id"])["learners"].to_dict()
    assert got[("D", "far")] == 2
    without = solve(data, SolveOptions(time_limit_s=5), progress)
    assert ("D", "far") not in without.allocations.set_index(["demand_id", "site_id"]).index


def test_start_from_rows_that_break_rules_are_never_kept():
    data = _start_case()
    bad = _start([("D", "far", 0, 9),          # more learners than the row has
                  ("E", "far", 0, 3),          # with D's, over the far site's 2 places
                  ("E", "nowhere", 0, 1),      # unknown site
                  ("D", "near", 5, 2),         # a start week the row cannot have
                  ("X", "near", 0, 1)])        # unknown demand row
    for progress in (None, Progress()):
        if progress is not None:
            progress.cancel()
        plan = solve(data, SolveOptions(time_limit_s=10, start_from=bad), progress)
        check_plan(data, plan)
    assert plan.learners_placed >= 2
    full = solve(data, SolveOptions(time_limit_s=10, start_from=bad))
    assert full.status is PlanStatus.OPTIMAL and full.learners_placed == 5
