"""One eligibility rule (placement_planner.eligibility), shared by the solver and the analysis."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from placement_planner.analysis.common import build_context
from placement_planner.analysis.eligibility import eligible_pairs
from placement_planner.analysis.reasons import unplaced_table
from placement_planner.build import build_planning_data
from placement_planner.domain import ALLOCATION_COLUMNS, Plan, PlanStatus
from placement_planner.eligibility import distance_km, eligible, reachable, same_or_blank, travel_ok
from placement_planner.generate import generate_tables
from placement_planner.names import name_key


def _one(demand: dict, pool: dict, open_=True) -> bool:
    d = {"profession": "adultnursing", "setting": "", "ics": "", "region": "", "lat": np.nan,
         "lon": np.nan, "limit": 50.0, **demand}
    p = {"profession": "adultnursing", "setting": "acute", "ics": "X", "region": "R", "lat": 51.5,
         "lon": 0.0, **pool}
    arr = lambda v, kind=object: np.array([v], dtype=kind)
    return bool(eligible(arr(d["profession"]), arr(d["setting"]), arr(d["ics"]), arr(d["region"]),
                         arr(d["lat"], float), arr(d["lon"], float), arr(d["limit"], float),
                         arr(p["profession"]), arr(p["setting"]), arr(p["ics"]), arr(p["region"]),
                         arr(p["lat"], float), arr(p["lon"], float), np.array([open_]))[0, 0])


def test_each_rule_can_rule_a_pair_out():
    assert _one({}, {})
    assert not _one({"profession": "physiotherapy"}, {})
    assert not _one({}, {}, open_=False)
    assert _one({"setting": "acute"}, {}) and not _one({"setting": "community"}, {})
    assert _one({"ics": "X"}, {}) and not _one({"ics": "Y"}, {})
    assert _one({"region": "R"}, {}) and not _one({"region": "S"}, {})


def test_travel_uses_haversine_with_radius_6371_and_the_limit_inclusive():
    one_degree = 6371.0 * math.pi / 180.0          # km along a meridian
    assert distance_km([0.0], [0.0], [1.0], [0.0])[0, 0] == pytest.approx(one_degree, rel=1e-12)
    assert _one({"lat": 51.0, "lon": 0.0, "limit": one_degree * 0.5 + 1e-9}, {"lat": 51.5})
    assert not _one({"lat": 51.0, "lon": 0.0, "limit": one_degree * 0.5 - 1e-6}, {"lat": 51.5})


def test_coordinates_missing_on_either_side():
    assert _one({"limit": 1.0}, {"lat": 60.0})                           # demand without: every site
    assert not _one({"lat": 51.5, "lon": 0.0}, {"lat": np.nan, "lon": np.nan})   # site without: out
    assert not reachable(np.nan, 1e9)
    assert travel_ok([np.nan], [np.nan], [1.0], [np.nan], [np.nan])[0, 0]


def test_same_or_blank_is_a_matrix():
    got = same_or_blank(np.array(["", "a"], dtype=object), np.array(["a", "b"], dtype=object))
    assert got.tolist() == [[True, True], [True, False]]


def _brute_force_pairs(ctx, rows):
    """Every (row, pool) by the shared rule, one row at a time (no classes, no latitude bands)."""
    data, pools = ctx.data, ctx.pools
    sites, demand = data.sites, data.demand
    site = pools["site_pos"].to_numpy()
    site_key = lambda col: np.array([name_key(v) if isinstance(v, str) else "" for v in sites[col]],
                                    dtype=object)[site]
    dem_key = lambda col: np.array([name_key(v) if isinstance(v, str) else "" for v in demand[col]],
                                   dtype=object)[rows]
    ok = eligible(ctx.demand_prof[rows], ctx.demand_setting[rows], dem_key("ics"), dem_key("region"),
                  demand["latitude"].to_numpy(float)[rows], demand["longitude"].to_numpy(float)[rows],
                  data.travel_limit_km()[rows],
                  pools["prof_key"].to_numpy(object), pools["set_key"].to_numpy(object),
                  site_key("ics"), site_key("region"),
                  sites["latitude"].to_numpy(float)[site], sites["longitude"].to_numpy(float)[site],
                  ctx.site_quality[site] != "suspended")
    i, j = np.nonzero(ok)
    return set(zip(rows[i].tolist(), j.tolist()))


@pytest.mark.parametrize("shapes", ["", "icb-restricted,tight-travel"])
def test_analysis_pairs_are_exactly_the_shared_rule_on_generated_data(shapes):
    tables = generate_tables("demo", 3, shapes)
    demand = tables["Demand"].copy()
    demand.loc[demand.index[::7], ["latitude", "longitude"]] = np.nan   # some without coordinates
    data = build_planning_data(sites=tables["Sites"], capacity=tables["Capacity"], demand=demand)
    empty = pd.DataFrame(columns=ALLOCATION_COLUMNS).astype({"start_week": "int64", "learners": "int64"})
    ctx = build_context(data, Plan(allocations=empty, status=PlanStatus.OPTIMAL, bound=0.0, solve_seconds=0))
    rows = np.arange(len(data.demand))
    pairs = eligible_pairs(ctx, rows)
    got = set(zip(pairs.d.tolist(), pairs.pool.tolist()))
    assert got == _brute_force_pairs(ctx, rows) and len(got) > 0


def test_holders_counted_per_key_match_a_direct_count():
    """Many rows without coordinates share one key; each row's holders are still its own:
    learners of other rows' allocations overlapping its weeks, its own left out."""
    import datetime as dt
    mon = dt.date(2025, 9, 1)
    sites = [{"site_id": s, "provider": s, "ics": "I", "region": "R", "latitude": 51.5, "longitude": -0.1}
             for s in ("A", "B")]
    capacity = [{"site_id": s, "profession": "Physiotherapy", "setting": "", "start_date": mon,
                 "end_date": mon + dt.timedelta(weeks=11), "places": 2} for s in ("A", "B")]
    rng = np.random.default_rng(5)
    demand, alloc = [], []
    used = np.zeros((2, 12), dtype=int)
    for i in range(40):
        start, weeks = int(rng.integers(0, 9)), int(rng.integers(1, 4))
        hei = f"Uni {i % 3}"
        demand.append({"demand_id": f"D{i}", "hei": hei, "profession": "Physiotherapy", "learners": 2,
                       "start_date": mon + dt.timedelta(weeks=start), "weeks": weeks,
                       "priority": 1.0 + (i % 2)})
        for s in range(2):
            if (used[s, start:start + weeks] < 2).all() and rng.random() < 0.7:
                used[s, start:start + weeks] += 1
                alloc.append((f"D{i}", "AB"[s], "", start, 1, False))
                break
    data = build_planning_data(sites=sites, capacity=capacity, demand=demand, week0=mon)
    plan = Plan(allocations=pd.DataFrame(alloc, columns=ALLOCATION_COLUMNS), status=PlanStatus.OPTIMAL,
                bound=math.nan, solve_seconds=0)
    table = unplaced_table(data, plan).set_index("demand_id")
    a = plan.allocations.assign(start=lambda f: f["start_week"],
                                end=lambda f: f["start_week"] + f["demand_id"].map(
                                    {d["demand_id"]: d["weeks"] for d in demand}) - 1)
    checked = 0
    for d in demand:
        if d["demand_id"] not in table.index or table.loc[d["demand_id"], "reason_code"] != "taken":
            continue
        first = (pd.Timestamp(d["start_date"]) - pd.Timestamp(mon)).days // 7
        last = first + d["weeks"] - 1
        others = a[(a["demand_id"] != d["demand_id"]) & (a["start"] <= last) & (a["end"] >= first)]
        by_hei = others.groupby(others["demand_id"].map({x["demand_id"]: x["hei"] for x in demand}))["learners"].sum()
        top = by_hei.sort_values(ascending=False, kind="stable")
        reason = table.loc[d["demand_id"], "reason"]
        for hei, n in top.items():
            name = f"other {hei} groups" if hei == d["hei"] else hei
            assert f"{name} ({n} learner{'s' if n != 1 else ''})" in reason, reason
        checked += 1
    assert checked >= 5
