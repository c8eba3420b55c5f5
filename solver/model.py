"""The model of one part: variables x[v] and the contract's hard rules as sparse rows.

One function per constraint family; each returns (row of nonzero, column, value, lower,
upper) with rows numbered from 0, and ``build_part`` stacks them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from placement_planner.solver.capacity import capacity_rows
from placement_planner.solver.problem import Problem

INF = float("inf")


@dataclass
class Rows:
    row: np.ndarray
    col: np.ndarray
    val: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    kind: np.ndarray       # per row: "demand", "capacity" or "locked"

    @property
    def n(self) -> int:
        return len(self.lower)

    @property
    def n_demand(self) -> int:
        """Demand rows come first, one per group of the part."""
        return int(np.count_nonzero(self.kind == "demand"))


@dataclass
class PartModel:
    options: np.ndarray     # global option index of each column
    ub: np.ndarray
    rows: Rows
    weight: np.ndarray      # tier scores per column
    preferred: np.ndarray
    km: np.ndarray
    previous: np.ndarray
    fair: np.ndarray        # local fair group of each column
    fair_ids: np.ndarray    # global (hei, profession) id of each local fair group
    fair_requested: np.ndarray
    lock_errors: list
    start: np.ndarray = None   # learners per column of the plan to start from (or zeros)


def demand_rows(problem: Problem, opts: np.ndarray) -> Rows:
    """1. A group places at most its learners, over all sites, pools and start weeks."""
    groups, local = np.unique(problem.g[opts], return_inverse=True)
    return Rows(local, np.arange(len(opts)), np.ones(len(opts)),
                np.full(len(groups), -INF), problem.groups.learners[groups].astype(float),
                np.full(len(groups), "demand", dtype=object))


def weekly_capacity_rows(problem: Problem, opts: np.ndarray) -> Rows:
    """2. Learners on placement in a pool in any week fit the places offered that week."""
    t = problem.t[opts]
    end = t + problem.groups.weeks[problem.g[opts]]
    nz_row, nz_col, rhs, where = capacity_rows(problem.p[opts], t, end, problem.pools.places)
    return Rows(nz_row, nz_col, np.ones(len(nz_row)), np.full(len(rhs), -INF),
                rhs.astype(float), np.full(len(rhs), "capacity", dtype=object))


def locked_rows(problem: Problem, opts: np.ndarray) -> tuple[Rows, list[str]]:
    """3. Locked allocations are part of the plan: at least that many at that site (pool)."""
    lk = problem.locks
    in_part = np.flatnonzero(np.isin(lk.group, problem.g[opts]))
    site = problem.pools.site[problem.p[opts]]
    setting = problem.pools.setting[problem.p[opts]]
    g = problem.g[opts]
    rows, cols, lower, errors = [], [], [], []
    for k in in_part:
        cols_k = np.flatnonzero((g == lk.group[k]) & (site == lk.site[k])
                                & ((lk.setting[k] == "") | (setting == lk.setting[k])))
        if not len(cols_k):
            errors.append(lk.label[k])
            continue
        rows.append(np.full(len(cols_k), len(lower)))
        cols.append(cols_k)
        lower.append(float(lk.learners[k]))
    if not rows:
        return Rows(*(np.zeros(0),) * 5, np.zeros(0, dtype=object)), errors
    row, col = np.concatenate(rows), np.concatenate(cols)
    return Rows(row, col, np.ones(len(row)), np.array(lower), np.full(len(lower), INF),
                np.full(len(lower), "locked", dtype=object)), errors


def stack(*families: Rows) -> Rows:
    offset, parts = 0, []
    for f in families:
        parts.append((f.row + offset, f.col, f.val))
        offset += f.n
    return Rows(np.concatenate([p[0] for p in parts]).astype(np.int64),
                np.concatenate([p[1] for p in parts]).astype(np.int64),
                np.concatenate([p[2] for p in parts]).astype(float),
                np.concatenate([f.lower for f in families]),
                np.concatenate([f.upper for f in families]),
                np.concatenate([f.kind for f in families]))


def build_part(problem: Problem, opts: np.ndarray, start: np.ndarray | None = None) -> PartModel:
    locks, lock_errors = locked_rows(problem, opts)
    rows = stack(demand_rows(problem, opts), weekly_capacity_rows(problem, opts), locks)
    fair_ids, fair = np.unique(problem.groups.fair[problem.g[opts]], return_inverse=True)
    return PartModel(options=opts, ub=problem.ub[opts].astype(float), rows=rows,
                     weight=problem.weight[opts], preferred=problem.preferred[opts],
                     km=problem.km[opts], previous=problem.previous[opts], fair=fair,
                     fair_ids=fair_ids, fair_requested=problem.groups.fair_requested[fair_ids],
                     lock_errors=lock_errors,
                     start=np.zeros(len(opts)) if start is None else start[opts].astype(float))
