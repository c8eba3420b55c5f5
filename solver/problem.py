"""The whole planning problem as flat numpy arrays: pools, groups and placement options.

Every placement option ``v`` is one model variable x[v] = learners of group g[v] at pool
p[v] starting in week t[v]. Per option it also carries what the tiers score.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from placement_planner.domain import PlanningData
from placement_planner.geo import haversine_km
from placement_planner.solver.arcs import eligible_arcs, placement_options
from placement_planner.solver.groups import Groups, build_groups
from placement_planner.solver.pools import Pools, Sites, build_pools, fold, site_table


@dataclass
class Locks:
    group: np.ndarray
    site: np.ndarray
    setting: np.ndarray        # folded; "" = any pool of the site
    learners: np.ndarray
    label: list                # "demand D at site S" for messages


@dataclass
class Problem:
    sites: Sites
    pools: Pools
    groups: Groups
    g: np.ndarray              # per option: group
    p: np.ndarray              #             pool
    t: np.ndarray              #             start week
    ub: np.ndarray             #             most learners it can take
    weight: np.ndarray         #             tier 1 score per learner
    preferred: np.ndarray      #             1 when the site is one of the group's preferred
    km: np.ndarray             #             distance (0 without demand coordinates)
    previous: np.ndarray       #             learners the previous plan had here
    locks: Locks
    n_weeks: int
    errors: list[str] = field(default_factory=list)

    @property
    def end(self) -> np.ndarray:
        return self.t + self.groups.weeks[self.g]


def build_problem(data: PlanningData) -> Problem:
    n_weeks = max(1, data.n_weeks)
    sites = site_table(data)
    pools = build_pools(data, sites, n_weeks)
    groups = build_groups(data)
    arc_g, arc_p = eligible_arcs(groups, pools, sites)
    g, p, t, ub = placement_options(groups, pools, arc_g, arc_p)
    site = pools.site[p]
    km = np.nan_to_num(_km(groups, sites, g, site), nan=0.0)
    problem = Problem(sites=sites, pools=pools, groups=groups, g=g, p=p, t=t, ub=ub,
                      weight=groups.weight[g], preferred=_preferred(groups, sites, g, site),
                      km=km, previous=np.zeros(len(g), dtype=np.int64),
                      locks=Locks(*(np.zeros(0, np.int64),) * 2, np.zeros(0, object),
                                  np.zeros(0, np.int64), []),
                      n_weeks=n_weeks)
    problem.previous = _previous_amounts(data, problem)
    problem.locks, problem.errors = _locks(data, problem)
    return problem


def _km(groups: Groups, sites: Sites, g: np.ndarray, site: np.ndarray) -> np.ndarray:
    """Distance of each option: once per run of options with the same group and site (an
    arc's start weeks come together), the same values as per option at a fifth of the cost."""
    if not len(g):
        return np.zeros(0)
    first = np.flatnonzero(np.r_[True, (g[1:] != g[:-1]) | (site[1:] != site[:-1])])
    gf, sf = g[first], site[first]
    km = haversine_km(groups.lat[gf], groups.lon[gf], sites.lat[sf], sites.lon[sf])
    return np.repeat(km, np.diff(np.r_[first, len(g)]))


def _preferred(groups: Groups, sites: Sites, g: np.ndarray, site: np.ndarray) -> np.ndarray:
    pairs = [(gi, sites.index[s]) for gi, pref in enumerate(groups.preferred) for s in pref
             if s in sites.index]
    if not pairs:
        return np.zeros(len(g), dtype=np.int64)
    pk = np.array([a * len(sites.ids) + b for a, b in pairs], dtype=np.int64)
    return np.isin(g * len(sites.ids) + site, pk).astype(np.int64)


def option_keys(problem: Problem, g, p, t) -> np.ndarray:
    """One int64 per (group, pool, start) so options can be looked up with searchsorted."""
    return (np.asarray(g) * len(problem.pools) + np.asarray(p)) * (problem.n_weeks + 1) \
        + np.asarray(t)


def find_options(problem: Problem, g, p, t) -> np.ndarray:
    """Option index of each (group, pool, start); -1 where there is no such option."""
    keys = option_keys(problem, problem.g, problem.p, problem.t)
    order = np.argsort(keys)
    want = option_keys(problem, g, p, t)
    pos = np.clip(np.searchsorted(keys[order], want), 0, max(len(keys) - 1, 0))
    if not len(keys):
        return np.full(len(want), -1)
    return np.where(keys[order][pos] == want, order[pos], -1)


def previous_options(data: PlanningData, problem: Problem, plan: pd.DataFrame | None = None):
    """(demand row, option, learners) of each row of a plan (default: the previous plan)
    that is still an option: same demand, site, setting pool and start week."""
    prev = data.previous if plan is None else plan
    empty = (np.zeros(0, np.int64),) * 3
    if not len(prev) or not len(problem.g):
        return empty
    row_of = pd.Series(np.arange(len(data.demand)), index=data.demand["demand_id"].astype(str))
    row = prev["demand_id"].astype(str).map(row_of)
    site = prev["site_id"].astype(str).map(problem.sites.index)
    ok = (row.notna() & site.notna()).to_numpy()
    row = row[ok].astype(np.int64).to_numpy()
    site = site[ok].astype(np.int64).to_numpy()
    g = problem.groups.of_row[row]
    setting = fold(prev["setting"][ok])
    prof = problem.groups.profession[g]
    pool = np.array([problem.pools.index.get((s, pr, st), -1)
                     for s, pr, st in zip(site, prof, setting)], dtype=np.int64)
    v = find_options(problem, g, np.maximum(pool, 0), prev["start_week"][ok].to_numpy(np.int64))
    v = np.where(pool >= 0, v, -1)
    n = prev["learners"][ok].to_numpy(np.int64)
    return row[v >= 0], v[v >= 0], n[v >= 0]


def plan_amounts(data: PlanningData, problem: Problem, plan: pd.DataFrame) -> np.ndarray:
    """Learners of a plan (ALLOCATION_COLUMNS) at each option, e.g. ``SolveOptions.start_from``;
    rows that are no longer an option are dropped (the caller still checks every row)."""
    out = np.zeros(len(problem.g), dtype=np.int64)
    if plan is None or not len(plan):
        return out
    _, v, n = previous_options(data, problem, plan)
    np.add.at(out, v, n)
    return np.minimum(out, problem.ub)


def _previous_amounts(data: PlanningData, problem: Problem) -> np.ndarray:
    """Learners of the previous plan at each option."""
    out = np.zeros(len(problem.g), dtype=np.int64)
    _, v, n = previous_options(data, problem)
    np.add.at(out, v, n)
    return np.minimum(out, problem.ub)


def _locks(data: PlanningData, problem: Problem) -> tuple[Locks, list[str]]:
    lk = data.locked
    errors: list[str] = []
    if not len(lk):
        return problem.locks, errors
    row_of = {d: i for i, d in enumerate(data.demand["demand_id"].astype(str))}
    grp, site, setting, learners, label = [], [], [], [], []
    for d, s, n, st in zip(lk["demand_id"].astype(str), lk["site_id"].astype(str),
                           lk["learners"].to_numpy(np.int64), fold(lk["setting"])):
        where = f"locked allocation of demand {d} at site {s}"
        if d not in row_of or s not in problem.sites.index:
            errors.append(f"{where}: unknown {'demand row' if d not in row_of else 'site'}")
            continue
        grp.append(problem.groups.of_row[row_of[d]])
        site.append(problem.sites.index[s])
        setting.append(st)
        learners.append(int(n))
        label.append(where + (f" ({st})" if st else ""))
    return Locks(np.array(grp, np.int64), np.array(site, np.int64), np.array(setting, object),
                 np.array(learners, np.int64), label), errors
