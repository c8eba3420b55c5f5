"""Journeys in the solver (contract v2, "Journeys"): all or nothing, the required setting mix
for every learner, the variety tier and per-learner paths, on tiny hand-built cases. Every
plan goes through the independent checkers (feasibility.py and the journeys checker)."""

from __future__ import annotations

import datetime as dt

import pytest

from feasibility import check_plan
from journey_checker import check_journeys, variety_repeats
from placement_planner.build import build_planning_data
from placement_planner.domain import JOURNEY_COLUMNS, PlanStatus, Settings, Tier
from placement_planner.solver import SolveOptions, solve

MON = dt.date(2025, 9, 1)
PROF = "Adult Nursing"


def week(n: int) -> dt.date:
    return MON + dt.timedelta(weeks=n)


def site(sid, lat=52.0, lon=-1.0):
    return dict(site_id=sid, provider="P", ics="North", region="Midlands", latitude=lat,
                longitude=lon)


def cap(sid, places, setting="", a=0, b=29):
    return dict(site_id=sid, profession=PROF, setting=setting, start_date=week(a),
                end_date=week(b), places=places)


def dem(did, learners, start, journey="", required="", weeks=2, **kw):
    kw.setdefault("latitude", 52.0)
    kw.setdefault("longitude", -1.0)
    return dict(demand_id=did, hei=kw.pop("hei", "U1"), profession=PROF, learners=learners,
                start_date=week(start), weeks=weeks, journey=journey,
                required_settings=required, **kw)


def run(sites, capacity, demand, tiers=None, locked=None, previous=None, **opts):
    data = build_planning_data(sites=sites, capacity=capacity, demand=demand, locked=locked,
                               previous=previous, settings=Settings(), week0=MON)
    plan = solve(data, SolveOptions(tiers=tiers, time_limit_s=30, **opts))
    if plan.status is not PlanStatus.INFEASIBLE:
        check_plan(data, plan)
        assert check_journeys(data, plan) == []
    return data, plan


def placed(plan, did) -> int:
    a = plan.allocations
    return int(a.loc[a["demand_id"] == did, "learners"].sum())


def path(plan, journey, learner) -> list[str]:
    j = plan.journeys
    mine = j[(j["journey"] == journey) & (j["learner"] == learner)].sort_values("start_week")
    return list(mine["site_id"])


# ---- all or nothing ----------------------------------------------------------------------
def test_journey_whose_second_row_has_no_place_gets_nobody_while_a_plain_row_is_placed():
    # J's second row asks for theatre, which no site offers
    _, plan = run([site("A")], [cap("A", 5, "acute")],
                  [dem("J1", 2, 0, "J"), dem("J2", 2, 4, "J", setting="theatre"),
                   dem("P", 2, 0)])
    assert placed(plan, "J1") == 0 and placed(plan, "J2") == 0
    assert placed(plan, "P") == 2
    assert plan.status is PlanStatus.OPTIMAL
    assert len(plan.journeys) == 0


def test_a_journey_places_the_same_learners_in_every_row():
    # 3 learners; the second row's weeks offer only 2 places, so only 2 go on the journey
    _, plan = run([site("A")], [cap("A", 3, a=0, b=3), cap("A", 2, a=4, b=9)],
                  [dem("J1", 3, 0, "J"), dem("J2", 3, 4, "J")])
    assert placed(plan, "J1") == placed(plan, "J2") == 2
    assert plan.tier_values["placed"] == 4


def test_journey_rows_are_never_merged_with_identical_plain_rows():
    # a plain row identical to J1 in every column takes the place J1 cannot use
    _, plan = run([site("A")], [cap("A", 1, a=0, b=1), cap("A", 0, a=4, b=9)],
                  [dem("J1", 1, 0, "J"), dem("J2", 1, 4, "J"), dem("P", 1, 0)])
    assert placed(plan, "J1") == 0 and placed(plan, "P") == 1


# ---- the required setting mix, per learner -----------------------------------------------
def test_required_settings_hold_for_every_learner_not_just_the_journey():
    # Row 1 can go to acute A or community C (one place each), row 2 only to community C2.
    # Counted per journey, 2 learners would cover acute and community together; per learner
    # only the one who starts at A has an acute placement, so only 1 learner can go.
    _, plan = run([site("A"), site("C"), site("C2")],
                  [cap("A", 1, "acute", 0, 1), cap("C", 1, "community", 0, 1),
                   cap("C2", 2, "community", 4, 9)],
                  [dem("J1", 2, 0, "J", "acute, community"), dem("J2", 2, 4, "J")])
    assert placed(plan, "J1") == placed(plan, "J2") == 1
    assert path(plan, "J", 1) == ["A", "C2"]


def test_each_learner_gets_one_acute_and_one_community_placement():
    # 2 learners, 2 rows, one acute and one community place in each row's weeks: the bad split
    # (one learner acute twice, the other community twice) would break the rule for both
    _, plan = run([site("A"), site("C")], [cap("A", 1, "acute"), cap("C", 1, "community")],
                  [dem("J1", 2, 0, "J", "acute,community"), dem("J2", 2, 4, "J")])
    assert placed(plan, "J1") == placed(plan, "J2") == 2
    for learner in (1, 2):
        assert sorted(path(plan, "J", learner)) == ["A", "C"]


def test_a_required_setting_no_site_offers_keeps_the_journey_out():
    _, plan = run([site("A")], [cap("A", 5, "acute")],
                  [dem("J1", 1, 0, "J", "acute, community"), dem("J2", 1, 4, "J"),
                   dem("P", 1, 0)])
    assert placed(plan, "J1") == placed(plan, "J2") == 0 and placed(plan, "P") == 1


def test_required_settings_on_a_later_row_count_for_the_whole_journey():
    _, plan = run([site("A"), site("C")], [cap("A", 5, "acute"), cap("C", 5, "community")],
                  [dem("J1", 1, 0, "J"), dem("J2", 1, 4, "J"), dem("J3", 1, 8, "J", "community")],
                  tiers=(Tier.PLACED, Tier.TRAVEL))
    assert "C" in path(plan, "J", 1)


# ---- variety -----------------------------------------------------------------------------
def test_variety_alternates_sites_even_when_one_is_nearer():
    # A is nearer, so travel alone would send the learner to A twice; variety comes first
    near, far = site("A", 52.0, -1.0), site("B", 52.2, -1.0)
    demand = [dem("J1", 1, 0, "J"), dem("J2", 1, 4, "J")]
    _, plan = run([near, far], [cap("A", 5), cap("B", 5)], demand)
    assert plan.status is PlanStatus.OPTIMAL
    assert sorted(path(plan, "J", 1)) == ["A", "B"]
    assert plan.tier_values["variety"] == 0
    # without the variety tier the same case repeats A (the tier does something)
    _, plain = run([near, far], [cap("A", 5), cap("B", 5)], demand,
                   tiers=(Tier.PLACED, Tier.TRAVEL))
    assert path(plain, "J", 1) == ["A", "A"]


def test_a_forced_repeat_counts_once_per_extra_visit():
    _, plan = run([site("A")], [cap("A", 5)],
                  [dem("J1", 2, 0, "J"), dem("J2", 2, 4, "J"), dem("J3", 2, 8, "J")])
    # each of the 2 learners visits A three times: 2 repeats each
    assert plan.tier_values["variety"] == 4 == variety_repeats(plan.journeys)
    assert plan.status is PlanStatus.OPTIMAL


def test_variety_is_counted_from_the_learners_paths():
    # 2 learners, sites A and B with one place each in each row's weeks: the paths A,B and
    # B,A repeat nothing; A,A and B,B would repeat twice, though the rows are the same
    _, plan = run([site("A"), site("B", 52.01)], [cap("A", 1), cap("B", 1)],
                  [dem("J1", 2, 0, "J"), dem("J2", 2, 4, "J")])
    assert plan.tier_values["variety"] == 0
    assert {tuple(path(plan, "J", n)) for n in (1, 2)} == {("A", "B"), ("B", "A")}


# ---- learners' paths ---------------------------------------------------------------------
def test_every_learner_of_a_multi_learner_journey_gets_a_path():
    _, plan = run([site("A"), site("B", 52.01), site("C", 52.02)],
                  [cap("A", 3), cap("B", 3), cap("C", 3)],
                  [dem("J1", 3, 0, "J"), dem("J2", 3, 4, "J"), dem("J3", 3, 8, "J")])
    j = plan.journeys
    assert list(j.columns) == JOURNEY_COLUMNS
    assert sorted(j["learner"].unique()) == [1, 2, 3]
    assert len(j) == 9
    for n in (1, 2, 3):
        assert len(set(path(plan, "J", n))) == 3          # no repeats: 3 sites, 3 rows


def test_identical_single_learner_journeys_merge_and_still_get_their_own_paths():
    demand = []
    for k in range(1, 5):
        demand += [dem(f"S{k}a", 1, 0, f"S{k}", "acute,community"), dem(f"S{k}b", 1, 4, f"S{k}")]
    _, plan = run([site("A"), site("C")], [cap("A", 2, "acute"), cap("C", 2, "community")],
                  demand)
    assert plan.tier_values["placed"] == 8
    for k in range(1, 5):
        assert sorted(path(plan, f"S{k}", 1)) == ["A", "C"]


def test_a_workbook_without_journeys_has_no_journeys_and_no_variety_figure():
    _, plan = run([site("A")], [cap("A", 5)], [dem("P", 3, 0), dem("Q", 2, 4)])
    assert len(plan.journeys) == 0
    assert "variety" not in plan.tier_values


# ---- locks, previous plans, leximin ------------------------------------------------------
def test_a_lock_on_one_journey_row_holds_the_whole_journey():
    locked = [dict(demand_id="J1", site_id="B", learners=1, setting="")]
    _, plan = run([site("A"), site("B", 52.3)], [cap("A", 5), cap("B", 5)],
                  [dem("J1", 2, 0, "J"), dem("J2", 2, 4, "J")], locked=locked)
    assert placed(plan, "J1") == placed(plan, "J2") == 2
    a = plan.allocations
    assert int(a[(a["demand_id"] == "J1") & (a["site_id"] == "B")]["learners"].sum()) >= 1


def test_a_lock_on_a_journey_that_cannot_be_placed_whole_is_infeasible_and_says_why():
    locked = [dict(demand_id="J1", site_id="A", learners=1, setting="")]
    _, plan = run([site("A")], [cap("A", 5, "acute")],
                  [dem("J1", 1, 0, "J"), dem("J2", 1, 4, "J", setting="theatre")], locked=locked)
    assert plan.status is PlanStatus.INFEASIBLE
    assert any("journey cannot be placed as a whole" in m for m in plan.messages)


def test_previous_plan_of_a_journey_is_kept():
    previous = [dict(demand_id="J1", site_id="B", setting="", start_week=0, learners=1),
                dict(demand_id="J2", site_id="A", setting="", start_week=4, learners=1)]
    # the journey twin K is identical; the previous plan names J's rows, so J keeps B then A
    _, plan = run([site("A"), site("B", 52.3)], [cap("A", 5), cap("B", 5)],
                  [dem("J1", 1, 0, "J"), dem("J2", 1, 4, "J"),
                   dem("K1", 1, 0, "K"), dem("K2", 1, 4, "K")], previous=previous)
    assert path(plan, "J", 1) == ["B", "A"]
    assert plan.tier_values["keep_previous"] == 2


def test_leximin_shares_places_between_a_journey_university_and_a_plain_one():
    # 2 places in each row's weeks; U1 wants 2 learners on a 2-row journey, U2 two plain rows
    # of 2 in the same weeks: 4 placements either way, and fair share gives each half
    _, plan = run([site("A")], [cap("A", 2, a=0, b=1), cap("A", 2, a=4, b=9)],
                  [dem("J1", 2, 0, "J"), dem("J2", 2, 4, "J"), dem("P1", 2, 0, hei="U2"),
                   dem("P2", 2, 4, hei="U2")])
    assert placed(plan, "J1") == placed(plan, "J2") == 1
    assert placed(plan, "P1") == placed(plan, "P2") == 1
    assert plan.tier_values["fair_share"] == pytest.approx(0.5)


def test_start_from_a_plan_with_journeys_still_gives_whole_journeys():
    sites, capacity = [site("A"), site("B", 52.1)], [cap("A", 1), cap("B", 1)]
    demand = [dem("J1", 2, 0, "J", "acute"), dem("J2", 2, 4, "J")]
    capacity = [cap("A", 1, "acute"), cap("B", 1, "community")]
    data, first = run(sites, capacity, demand)
    _, again = run(sites, capacity, demand, start_from=first.allocations)
    assert again.tier_values == first.tier_values


def test_paths_can_be_rebuilt_from_the_allocations_alone():
    from placement_planner.solver.journeys import plan_paths
    data, plan = run([site("A"), site("C", 52.01)],
                     [cap("A", 2, "acute"), cap("C", 2, "community")],
                     [dem("J1", 2, 0, "J", "acute,community"), dem("J2", 2, 4, "J"),
                      dem("K1", 1, 0, "K"), dem("K2", 1, 4, "K"), dem("P", 1, 8)])
    rebuilt = plan_paths(data, plan.allocations)
    again = type(plan)(allocations=plan.allocations, status=plan.status, journeys=rebuilt.frame)
    assert check_journeys(data, again) == []
    assert len(rebuilt.frame) == len(plan.journeys) == 6
    assert rebuilt.repeats == plan.tier_values["variety"] == 0


def test_the_first_plan_keeps_the_journeys_of_the_plan_to_start_from():
    """The plan to start from is the first plan's journeys where it still fits (the plain
    start-from rounding cannot place a journey)."""
    import numpy as np
    from placement_planner.solver.components import split_parts
    from placement_planner.solver.highs_part import HighsPart
    from placement_planner.solver.journeys_fill import journey_fill
    from placement_planner.solver.model import build_part
    from placement_planner.solver.problem import build_problem, plan_amounts
    near, far = site("A", 52.0, -1.0), site("B", 52.2, -1.0)
    data = build_planning_data(sites=[near, far], capacity=[cap("A", 5), cap("B", 5)],
                               demand=[dem("J1", 2, 0, "J"), dem("J2", 2, 4, "J")], week0=MON)
    start = build_planning_data(sites=[near, far], capacity=[], demand=[], week0=MON,
                                previous=[dict(demand_id="J1", site_id="B", setting="",
                                               start_week=0, learners=2),
                                          dict(demand_id="J2", site_id="B", setting="",
                                               start_week=4, learners=2)]).previous
    pr = build_problem(data)
    (part,) = split_parts(pr.g, pr.p, pr.groups.fair, len(pr.groups), len(pr.pools),
                          len(pr.groups.fair_keys), pr.groups.journey)
    model = build_part(pr, part, plan_amounts(data, pr, start))
    hp = HighsPart(model)
    x = journey_fill(hp.matrix(), hp.row_up, model, hp.values)
    site_of = pr.sites.ids[pr.pools.site[pr.p[part]]]
    assert int(x[:len(part)][site_of == "B"].sum()) == 4 == int(x[:len(part)].sum())
    # without a plan to start from, the nearest site A comes first
    plain = build_part(pr, part)
    y = journey_fill(hp.matrix(), hp.row_up, plain, HighsPart(plain).values)
    assert int(y[:len(part)][site_of == "A"].sum()) >= 2
