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
    kind: np.ndarray       # per row: "demand", "capacity", "locked" or "journey"

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
    variety: "Variety" = None  # journeys' repeated-site candidates (None: no journeys)
    journeys: list = None      # JourneyCols per journey class of the part (first plan)


@dataclass
class JourneyCols:
    by_pos: list               # columns of each row of the class, in start order
    required: tuple            # folded settings every learner must cover
    setting: np.ndarray        # per column of np.concatenate(by_pos): folded setting
    site: np.ndarray           #                                       site


@dataclass
class Variety:
    """What the variety tier needs: per local journey class the columns of its first row
    (its learners y), and per (class, site) that two or more rows of the class can reach a
    row ``r >= sum x at the site - y``."""
    n_classes: int
    base_class: np.ndarray     # per entry: local class
    base_col: np.ndarray       #            column of the class's first row
    site_class: np.ndarray     # per (class, site) row: local class
    entry_row: np.ndarray      # per entry: (class, site) row
    entry_col: np.ndarray      #            column at that site


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


def _cols_by_group(g: np.ndarray):
    order = np.argsort(g, kind="stable")
    gs = g[order]
    return lambda grp: order[np.searchsorted(gs, grp):np.searchsorted(gs, grp, side="right")]


def journey_rows(problem: Problem, opts: np.ndarray):
    """4. Journeys (contract "Journeys"): every row of a journey places the same learners
    (all or nothing), and each required setting is covered for every learner. Aggregated per
    journey class; exact by König's theorem (solver/README.md, "Journeys"). A lock on one row
    of a journey holds every row. A journey that some row cannot take at all (or whose
    required settings no row can give) is held at 0.

    Returns (rows, columns held at 0, lock errors, Variety or None, [JourneyCols])."""
    empty = Rows(*(np.zeros(0),) * 5, np.zeros(0, dtype=object))
    gr = problem.groups
    g = problem.g[opts]
    if not gr.classes or not len(opts) or not np.any(gr.journey[g] >= 0):
        return empty, np.zeros(len(opts), bool), [], None, []
    cols_of = _cols_by_group(g)
    setting = problem.pools.setting[problem.p[opts]]
    site = problem.pools.site[problem.p[opts]]
    off = np.zeros(len(opts), bool)
    rows, cols, vals, lower, upper, errors = [], [], [], [], [], []
    base_class, base_col, site_class, entry_row, entry_col, placeable = [], [], [], [], [], []
    n_site_rows = 0
    lk = problem.locks

    def add(c, v, lo, hi):
        rows.append(np.full(len(c), len(lower)))
        cols.append(c)
        vals.append(np.asarray(v, float))
        lower.append(lo)
        upper.append(hi)

    for c in np.unique(gr.journey[g][gr.journey[g] >= 0]):
        jc = gr.classes[c]
        by_pos = [cols_of(grp) for grp in jc.groups]
        every = np.concatenate(by_pos)
        locks = np.flatnonzero(np.isin(lk.group, jc.groups))
        if any(len(x) == 0 for x in by_pos) or \
                any(not np.any(setting[every] == s) for s in jc.required):
            off[every] = True
            errors += [f"{lk.label[k]}: its journey cannot be placed as a whole"
                       for k in locks]
            continue
        placeable.append(JourneyCols(by_pos, jc.required, setting[every], site[every]))
        base = by_pos[0]
        for other in by_pos[1:]:                       # sum x(row i) - sum x(row 0) = 0
            add(np.r_[other, base], np.r_[np.ones(len(other)), -np.ones(len(base))], 0.0, 0.0)
        for s in jc.required:                          # sum x(in s) - sum x(row 0) >= 0
            coef = (setting[every] == s).astype(float)
            coef[:len(base)] -= 1.0
            nz = coef != 0
            add(every[nz], coef[nz], 0.0, INF)
        need = int(lk.learners[locks].max()) if len(locks) else 0
        for part in by_pos if need > 0 else ():       # implied by the lock: every row >= need
            add(part, np.ones(len(part)), float(need), INF)
        pos = np.repeat(np.arange(len(by_pos)), [len(x) for x in by_pos])
        sites, inv = np.unique(site[every], return_inverse=True)
        reach = np.bincount(np.unique(inv * len(by_pos) + pos) // len(by_pos),
                            minlength=len(sites))
        cand = np.flatnonzero(reach >= 2)
        if len(cand):
            local = len(base_col)
            base_class.append(np.full(len(base), local))
            base_col.append(base)
            row_of_site = np.full(len(sites), -1)
            row_of_site[cand] = n_site_rows + np.arange(len(cand))
            n_site_rows += len(cand)
            site_class.append(np.full(len(cand), local))
            m = row_of_site[inv] >= 0
            entry_row.append(row_of_site[inv][m])
            entry_col.append(every[m])
    fam = empty if not lower else Rows(
        np.concatenate(rows).astype(np.int64), np.concatenate(cols).astype(np.int64),
        np.concatenate(vals), np.array(lower), np.array(upper),
        np.full(len(lower), "journey", dtype=object))
    variety = None
    if base_class:
        variety = Variety(n_classes=len(base_col),
                          base_class=np.concatenate(base_class), base_col=np.concatenate(base_col),
                          site_class=np.concatenate(site_class),
                          entry_row=np.concatenate(entry_row), entry_col=np.concatenate(entry_col))
    return fam, off, errors, variety, placeable


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
    journeys, off, journey_errors, variety, placeable = journey_rows(problem, opts)
    rows = stack(demand_rows(problem, opts), weekly_capacity_rows(problem, opts), locks,
                 journeys)
    fair_ids, fair = np.unique(problem.groups.fair[problem.g[opts]], return_inverse=True)
    ub = problem.ub[opts].astype(float)
    ub[off] = 0.0
    return PartModel(options=opts, ub=ub, rows=rows, variety=variety, journeys=placeable,
                     weight=problem.weight[opts], preferred=problem.preferred[opts],
                     km=problem.km[opts], previous=problem.previous[opts], fair=fair,
                     fair_ids=fair_ids, fair_requested=problem.groups.fair_requested[fair_ids],
                     lock_errors=lock_errors + journey_errors,
                     start=np.zeros(len(opts)) if start is None else start[opts].astype(float))
