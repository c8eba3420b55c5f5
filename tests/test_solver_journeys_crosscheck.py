"""The journeys solver's tier-1 and variety optima against an independent per-learner model,
on seeded random tiny cases.

The reference is written from the contract's words, not from the solver: one CP-SAT boolean
per (journey, learner, row, site pool, start week), the learner either placed in every row of
the journey (exactly one placement each) or in none, every required setting covered by that
learner's own placements, plain rows as whole numbers per option, and every week of every
pool within its places (feasibility.offered / feasibility.eligible). Tier 1 is maximised;
with it fixed, the repeats (per learner and site, visits minus one) are minimised.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

import pytest
from ortools.sat.python import cp_model

from feasibility import _text, check_plan, eligible, offered
from journey_checker import check_journeys, variety_repeats
from placement_planner.build import build_planning_data
from placement_planner.domain import PlanStatus, Settings, Tier
from placement_planner.solver import SolveOptions, solve

MON = dt.date(2025, 9, 1)
PROF = "Adult Nursing"
SETTINGS = ("acute", "community")


def random_journeys(seed: int):
    rnd = random.Random(seed)
    sites, capacity = [], []
    for k in range(rnd.randint(2, 4)):
        sid = f"S{k}"
        sites.append(dict(site_id=sid, provider="P", ics="North", region="Midlands",
                          latitude=52.0 + 0.02 * k, longitude=-1.0))
        for setting in rnd.sample(SETTINGS, rnd.randint(1, 2)):
            a = rnd.choice((0, 0, 3))
            capacity.append(dict(site_id=sid, profession=PROF, setting=setting,
                                 start_date=MON + dt.timedelta(weeks=a),
                                 end_date=MON + dt.timedelta(weeks=rnd.randint(a + 3, 14)),
                                 places=rnd.randint(0, 2)))
    demand = []
    for j in range(rnd.randint(1, 3)):
        n_rows, learners = rnd.randint(2, 3), rnd.randint(1, 3)
        required = ",".join(rnd.sample(SETTINGS, rnd.randint(0, 2)))
        for i in range(n_rows):
            demand.append(dict(
                demand_id=f"J{j}-{i}", hei=rnd.choice(("U1", "U2")), profession=PROF,
                learners=learners, start_date=MON + dt.timedelta(weeks=1 + 4 * i), weeks=2,
                flex_weeks=rnd.choice((0, 0, 1)), journey=f"J{j}",
                required_settings=required if i == 0 else "",
                setting=rnd.choice(("", "", "", "acute")), latitude=52.0, longitude=-1.0))
        # journeys share hei and profession row by row
        for row in demand[-n_rows:]:
            row["hei"] = demand[-n_rows]["hei"]
    for p in range(rnd.randint(0, 2)):
        demand.append(dict(demand_id=f"P{p}", hei="U3", profession=PROF,
                           learners=rnd.randint(1, 3),
                           start_date=MON + dt.timedelta(weeks=rnd.randint(0, 9)), weeks=2,
                           flex_weeks=rnd.choice((0, 1)), latitude=52.0, longitude=-1.0))
    return build_planning_data(sites=sites, capacity=capacity, demand=demand,
                               settings=Settings(), week0=MON)


def reference(data) -> tuple[int, int]:
    """(tier-1 optimum, least repeats at that tier 1) of the per-learner model."""
    pools = offered(data)

    def options(d):
        out = []
        for (site, prof, setting), weeks in pools.items():
            if prof != d.profession or not eligible(data, d, site, setting):
                continue
            for t in range(int(d.start_week) - int(d.flex_weeks),
                           int(d.start_week) + int(d.flex_weeks) + 1):
                if t >= 0:
                    out.append((site, setting, t, range(t, t + int(d.weeks)),
                                (site, prof, setting)))
        return out

    m = cp_model.CpModel()
    load = defaultdict(list)
    placed_terms, visits = [], defaultdict(list)
    rows_of = defaultdict(list)
    for d in data.demand.itertuples():
        if d.journey:
            rows_of[d.journey].append(d)
    for jid, rows in rows_of.items():
        required = {_text(s) for r in rows for s in r.required_settings}
        for learner in range(int(rows[0].learners)):
            on = m.NewBoolVar("")
            placed_terms.append((on, len(rows)))
            covered = defaultdict(list)
            for r in rows:
                zs = []
                for site, setting, t, weeks, pool in options(r):
                    z = m.NewBoolVar("")
                    zs.append(z)
                    covered[setting].append(z)
                    visits[(jid, learner, site)].append(z)
                    for w in weeks:
                        load[(pool, w)].append((z, 1))
                m.Add(sum(zs) == on)
            for s in required:
                m.Add(sum(covered[s]) >= on)
    for d in data.demand.itertuples():
        if d.journey:
            continue
        ns = []
        for site, setting, t, weeks, pool in options(d):
            n = m.NewIntVar(0, int(d.learners), "")
            ns.append(n)
            for w in weeks:
                load[(pool, w)].append((n, 1))
        m.Add(sum(ns) <= int(d.learners))
        placed_terms.append((sum(ns), 1) if ns else (0, 1))
    for (pool, w), terms in load.items():
        m.Add(sum(v for v, _ in terms) <= pools[pool].get(w, 0))
    tier1 = sum(v * k for v, k in placed_terms)
    m.Maximize(tier1)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 30
    solver.parameters.num_workers = 1
    assert solver.Solve(m) == cp_model.OPTIMAL
    best = int(round(solver.ObjectiveValue()))
    m.Add(tier1 == best)
    repeats = []
    for zs in visits.values():
        r = m.NewIntVar(0, len(zs), "")
        m.Add(r >= sum(zs) - 1)
        repeats.append(r)
    m.Minimize(sum(repeats))
    assert solver.Solve(m) == cp_model.OPTIMAL
    return best, int(round(solver.ObjectiveValue()))


@pytest.mark.parametrize("seed", range(40))
def test_tier1_and_variety_match_the_per_learner_model(seed):
    data = random_journeys(seed)
    plan = solve(data, SolveOptions(time_limit_s=30, tiers=(Tier.PLACED, Tier.VARIETY)))
    check_plan(data, plan)
    assert check_journeys(data, plan) == []
    best, least = reference(data)
    assert plan.tier_values["placed"] == pytest.approx(best)
    repeats = variety_repeats(plan.journeys)
    assert plan.tier_values["variety"] == repeats
    assert repeats >= least                      # the reference is the true optimum
    if plan.status is PlanStatus.OPTIMAL:        # proven means equal
        assert repeats == least
    else:                                        # otherwise the plan says by how much
        assert any("Variety is not proven" in m for m in plan.messages)


def test_the_random_cases_are_not_trivial():
    """Most cases place some journey learners, and some of them must repeat a site."""
    results = [reference(random_journeys(s)) for s in range(40)]
    assert sum(1 for best, _ in results if best > 0) >= 30
    assert sum(1 for _, least in results if least > 0) >= 3
