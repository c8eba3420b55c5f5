"""An independent reading of the contract for tests: a plan checker, a reference tier-1
model solved by HiGHS through scipy, and a seeded random instance maker.

Written from the words of shared/workbook-contract.md ("The week grid", "What a plan must
satisfy", "Which plan is best"), not from the solver's code: plain loops, no shortcuts.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix

from placement_planner.build import build_planning_data


def km(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance, haversine, Earth radius 6371.0 km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def _text(v) -> str:
    return v.strip().casefold() if isinstance(v, str) else ""


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def offered(data) -> dict:
    """(site, profession, pool setting) -> {week: places}; capacity rows add up."""
    pools: dict = defaultdict(lambda: defaultdict(int))
    for c in data.capacity.itertuples():
        for w in range(int(c.start_week), int(c.end_week) + 1):
            pools[(c.site_id, c.profession, _text(c.setting))][w] += int(c.places)
    return pools


def eligible(data, d, site_id: str, pool_setting: str) -> bool:
    """The contract's eligibility of demand row ``d`` (a namedtuple) for one pool."""
    site = data.sites.loc[site_id]
    if _text(site["quality"]) == "suspended":
        return False
    if _text(d.setting) and _text(d.setting) != pool_setting:
        return False
    if _text(d.ics) and _text(d.ics) != _text(site["ics"]):
        return False
    if _text(d.region) and _text(d.region) != _text(site["region"]):
        return False
    if not (_missing(d.latitude) or _missing(d.longitude)):
        if _missing(site["latitude"]) or _missing(site["longitude"]):
            return False
        limit = data.settings.default_max_travel_km if _missing(d.max_travel_km) \
            else d.max_travel_km
        if km(d.latitude, d.longitude, site["latitude"], site["longitude"]) > limit:
            return False
    return True


def check_plan(data, plan) -> None:
    """Raise AssertionError naming the first broken rule of "What a plan must satisfy"."""
    a = plan.allocations
    assert list(a.columns[:6]) == ["demand_id", "site_id", "setting", "start_week",
                                   "learners", "locked"], list(a.columns)
    pools = offered(data)
    demand = {str(d.demand_id): d for d in data.demand.itertuples()}
    keys = set()
    per_demand: dict = defaultdict(int)
    load: dict = defaultdict(int)
    for r in a.itertuples():
        key = (r.demand_id, r.site_id, _text(r.setting), int(r.start_week))
        assert key not in keys, f"duplicate allocation row {key}"
        keys.add(key)
        assert int(r.learners) > 0, f"row with no learners {key}"
        d = demand[str(r.demand_id)]
        pool = (r.site_id, d.profession, _text(r.setting))
        assert pool in pools, f"{key}: no {d.profession} pool '{r.setting}' at {r.site_id}"
        assert eligible(data, d, r.site_id, _text(r.setting)), f"{key}: not eligible"
        t = int(r.start_week)
        assert t >= 0 and abs(t - int(d.start_week)) <= int(d.flex_weeks), f"{key}: start"
        per_demand[str(r.demand_id)] += int(r.learners)
        for w in range(t, t + int(d.weeks)):
            load[pool + (w,)] += int(r.learners)
    for did, n in per_demand.items():
        assert n <= int(demand[did].learners), f"demand {did} over-placed: {n}"
    for (site, prof, setting, w), n in load.items():
        places = pools[(site, prof, setting)].get(w, 0)
        assert n <= places, f"{site} {prof} '{setting}' week {w}: {n} > {places} places"
    for lk in data.locked.itertuples():
        got = sum(int(r.learners) for r in a.itertuples()
                  if str(r.demand_id) == str(lk.demand_id) and r.site_id == lk.site_id
                  and (not _text(lk.setting) or _text(r.setting) == _text(lk.setting)))
        assert got >= int(lk.learners), f"locked {lk.demand_id}@{lk.site_id}: {got}"


def eligible_starts(data, d, pools: dict):
    """(pool, weeks offered, start week) for every pool demand row ``d`` may use and every start
    its flex allows (t >= 0): the contract's eligibility, before any capacity is looked at."""
    for pool, weeks in pools.items():
        site, prof, setting = pool
        if prof != d.profession or not eligible(data, d, site, setting):
            continue
        for t in range(int(d.start_week) - int(d.flex_weeks), int(d.start_week) + int(d.flex_weeks) + 1):
            if t >= 0:
                yield pool, weeks, t


def reference_placed(data, time_limit: float = 60.0) -> float:
    """Tier 1 optimum of the contract's model, every week a row, solved by HiGHS (scipy)."""
    pools = offered(data)
    weights = data.weights()
    cols = [(i, pool, t, int(d.weeks), weights[i])
            for i, d in enumerate(data.demand.itertuples()) for pool, _, t in eligible_starts(data, d, pools)]
    if not cols:
        return 0.0
    rows: dict = {}
    entries = []
    for j, (i, pool, t, n_weeks, _) in enumerate(cols):
        entries.append((rows.setdefault(("d", i), len(rows)), j))
        for w in range(t, t + n_weeks):
            entries.append((rows.setdefault(("c", pool, w), len(rows)), j))
    a = lil_matrix((len(rows), len(cols)))
    for r, j in entries:
        a[r, j] = 1.0
    ub = np.zeros(len(rows))
    learners = data.demand["learners"].to_numpy()
    for key, r in rows.items():
        ub[r] = learners[key[1]] if key[0] == "d" else pools[key[1]].get(key[2], 0)
    cost = -np.array([c[4] for c in cols])
    res = milp(cost, constraints=LinearConstraint(a.tocsr(), -np.inf, ub),
               integrality=np.ones(len(cols)), bounds=Bounds(0, np.inf),
               options={"time_limit": time_limit, "mip_rel_gap": 0.0})
    assert res.status == 0, res.message
    return -float(res.fun)


def random_instance(seed: int, n_sites: int = 8, n_demand: int = 12, n_weeks: int = 16,
                    locked: bool = False, previous: bool = False, **settings):
    """A small messy instance: missing coordinates, suspended sites, settings, flex."""
    rng = np.random.default_rng(seed)
    profs = ["Adult Nursing", "Physiotherapy"]
    settings_ = ["", "acute", "community"]
    regions = ["London", "Midlands"]
    sites = []
    for s in range(n_sites):
        no_xy = rng.random() < 0.1
        sites.append(dict(
            site_id=f"S{s}", provider=f"P{s % 3}", ics=f"ICS{s % 3}",
            region=regions[s % 2], quality="suspended" if rng.random() < 0.1 else "ok",
            latitude=np.nan if no_xy else 52.0 + rng.random() * 0.6,
            longitude=np.nan if no_xy else -1.0 + rng.random() * 0.9))
    capacity = []
    for s in range(n_sites):
        for _ in range(rng.integers(1, 4)):
            a = int(rng.integers(0, n_weeks - 2))
            b = int(rng.integers(a, n_weeks))
            capacity.append(dict(site_id=f"S{s}", profession=profs[rng.integers(2)],
                                 setting=settings_[rng.integers(3)].upper()
                                 if rng.random() < 0.2 else settings_[rng.integers(3)],
                                 start_date=_monday(a), end_date=_monday(b) ,
                                 places=int(rng.integers(0, 6))))
    demand = []
    for i in range(n_demand):
        has_xy = rng.random() < 0.8
        demand.append(dict(
            demand_id=f"D{i}", hei=f"U{rng.integers(3)}", profession=profs[rng.integers(2)],
            learners=int(rng.integers(1, 9)), start_date=_monday(int(rng.integers(1, n_weeks - 4))),
            weeks=int(rng.integers(1, 6)), setting=settings_[rng.integers(3)],
            latitude=52.0 + rng.random() * 0.6 if has_xy else np.nan,
            longitude=-1.0 + rng.random() * 0.9 if has_xy else np.nan,
            max_travel_km=float(rng.choice([np.nan, 25.0, 60.0])),
            ics=f"ICS{rng.integers(3)}" if rng.random() < 0.15 else "",
            region=regions[rng.integers(2)] if rng.random() < 0.15 else "",
            priority=float(rng.choice([1, 1, 2, 3])), flex_weeks=int(rng.choice([0, 0, 1, 2])),
            preferred_sites=",".join(f"S{k}" for k in rng.choice(n_sites, 2, replace=False))))
    from placement_planner.domain import Settings
    return build_planning_data(sites=sites, capacity=capacity, demand=demand,
                               settings=Settings(**settings) if settings else None)


def _monday(week: int):
    import datetime as dt
    return dt.date(2025, 9, 1) + dt.timedelta(weeks=week, days=int(week % 3))


def brute_force_leximin(data) -> tuple[float, list]:
    """Every whole-number plan of a tiny instance, enumerated: the largest weighted number
    placed, and among the plans reaching it the leximin-best sorted list of (hei,
    profession) fill rates (every group that asked for learners, 0 included)."""
    pools = offered(data)
    weights = data.weights()
    rows = list(data.demand.itertuples())
    options = []            # per demand row: list of (pool, start)
    for d in rows:
        mine = []
        for pool, weeks, t in eligible_starts(data, d, pools):
            if all(weeks.get(w, 0) > 0 for w in range(t, t + int(d.weeks))):
                mine.append((pool, t))
        options.append(mine)
    groups: dict = defaultdict(int)
    for d in rows:
        groups[(d.hei, d.profession)] += int(d.learners)
    keys = sorted(groups)
    best = [-1.0, None]
    load: dict = defaultdict(int)
    placed = [0] * len(rows)

    def fits(pool, t, n_weeks, k) -> bool:
        return all(load[(pool, w)] + k <= pools[pool].get(w, 0) for w in range(t, t + n_weeks))

    def visit(i: int, j: int) -> None:
        if i == len(rows):
            value = sum(weights[r] * placed[r] for r in range(len(rows)))
            got: dict = defaultdict(int)
            for r, d in enumerate(rows):
                got[(d.hei, d.profession)] += placed[r]
            fill = sorted(got[k] / groups[k] for k in keys)
            if value > best[0] + 1e-9 or (abs(value - best[0]) <= 1e-9 and fill > best[1]):
                best[0], best[1] = value, fill
            return
        d = rows[i]
        if j == len(options[i]):
            visit(i + 1, 0)
            return
        pool, t = options[i][j]
        k = 0
        while True:
            visit(i, j + 1)
            k += 1
            if placed[i] + 1 > int(d.learners) or not fits(pool, t, int(d.weeks), 1):
                break
            placed[i] += 1
            for w in range(t, t + int(d.weeks)):
                load[(pool, w)] += 1
        placed[i] -= k - 1
        for w in range(t, t + int(d.weeks)):
            load[(pool, w)] -= k - 1

    visit(0, 0)
    return best[0], best[1]

def sorted_fills(data, plan) -> np.ndarray:
    """A plan's (hei, profession) fill rates, smallest first, counted from its allocations."""
    key = data.demand.set_index(data.demand["demand_id"].astype(str))[["hei", "profession"]]
    req = data.demand.groupby(["hei", "profession"])["learners"].sum()
    alloc = plan.allocations.assign(demand_id=plan.allocations["demand_id"].astype(str)) \
        .join(key, on="demand_id")
    placed = alloc.groupby(["hei", "profession"])["learners"].sum().reindex(req.index).fillna(0)
    return np.sort((placed / req).to_numpy())


def assert_leximin_optimal(data, plan) -> None:
    """The plan keeps every rule, is ``optimal``, and has the brute force's weighted learners
    placed and (hei, profession) fills, smallest first."""
    best_placed, best_fill = brute_force_leximin(data)
    check_plan(data, plan)
    assert plan.status.value == "optimal", plan.status
    assert abs(plan.tier_values["placed"] - best_placed) <= 1e-9, (plan.tier_values, best_placed)
    fills = sorted_fills(data, plan)
    assert len(fills) == len(best_fill) and np.allclose(fills, best_fill, rtol=0, atol=1e-9), \
        (fills, best_fill)


def tiny_instance(seed: int):
    """Two or three sites, up to four demand rows of 1-3 learners from three universities:
    small enough to enumerate every plan, tight enough that the fair share matters."""
    rng = np.random.default_rng(seed)
    n_sites = int(rng.integers(1, 3))
    sites = [dict(site_id=f"S{s}", provider="P", ics="I", region="R", latitude=52.0 + 0.1 * s,
                  longitude=-1.0) for s in range(n_sites)]
    capacity = []
    for s in range(n_sites):
        a = int(rng.integers(0, 3))
        capacity.append(dict(site_id=f"S{s}", profession="Physiotherapy", setting="",
                             start_date=_monday(a), end_date=_monday(a + int(rng.integers(1, 5))),
                             places=int(rng.integers(1, 5))))
    demand = []
    for i in range(int(rng.integers(2, 6))):
        demand.append(dict(
            demand_id=f"D{i}", hei=f"U{rng.integers(4)}", profession="Physiotherapy",
            learners=int(rng.integers(1, 6)), start_date=_monday(int(rng.integers(0, 3))),
            weeks=int(rng.integers(1, 3)), flex_weeks=int(rng.choice([0, 0, 0, 1])),
            latitude=52.0 + 0.1 * int(rng.integers(0, 3)), longitude=-1.0,
            max_travel_km=float(rng.choice([30.0, 15.0])),
            priority=float(rng.choice([1, 1, 1, 1, 2]))))
    return build_planning_data(sites=sites, capacity=capacity, demand=demand)


def record_returns(monkeypatch, module, name: str) -> list:
    """Wrap ``module.name`` for one test: the list it returns fills with each call's answer
    (e.g. whether a leximin step settled its round)."""
    real = getattr(module, name)
    answers: list = []

    def recorded(*a, **k):
        answer = real(*a, **k)
        answers.append(answer)
        return answer
    monkeypatch.setattr(module, name, recorded)
    return answers
