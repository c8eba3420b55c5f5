"""Words for a plan that cannot exist: which site and week the locked rows overfill."""

from __future__ import annotations

import numpy as np

from placement_planner.domain import PlanningData
from placement_planner.solver.problem import Problem


def locked_conflicts(data: PlanningData, problem: Problem) -> list[str]:
    """Site, profession and week where locked learners (at their nominal start) exceed
    every place the site offers that profession; else the locks involved."""
    lk, grp, pools = problem.locks, problem.groups, problem.pools
    load: dict[tuple, np.ndarray] = {}
    for g, s, n in zip(lk.group, lk.site, lk.learners):
        key = (int(s), grp.profession[g])
        weeks = load.setdefault(key, np.zeros(problem.n_weeks, np.int64))
        weeks[grp.start[g]:grp.start[g] + grp.weeks[g]] += n
    out = []
    for (s, prof), weeks in load.items():
        offered = pools.places[(pools.site == s) & (pools.profession == prof)].sum(axis=0)
        over = np.flatnonzero(weeks > offered)
        for w in over[:3]:
            out.append(f"site {problem.sites.ids[s]}, {prof}, week of {data.week_date(int(w))}:"
                       f" {weeks[w]} locked learners, {offered[w]} places")
    return out or [f"check {label}" for label in lk.label]
