"""The model of one part: variables x[v] and the contract's hard rules as sparse rows.

One function per constraint family; each returns (row of nonzero, column, value, lower,
upper) with rows numbered from 0, and ``build_part`` stacks them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

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
    off = np.zeros(len(opts), bool)
    if not gr.classes or not len(opts) or not np.any(gr.journey[g] >= 0):
        return empty, off, [], None, []
    col = np.flatnonzero(gr.journey[g] >= 0)
    c, pos = gr.journey[g[col]], gr.journey_pos[g[col]]
    order = np.lexsort((pos, c))
    col, c, pos = col[order], c[order], pos[order]
    setting = problem.pools.setting[problem.p[opts[col]]]
    site = problem.pools.site[problem.p[opts[col]]]
    s_code, s_names = pd.factorize(setting)
    s_index = {s: i for i, s in enumerate(s_names)}
    here = _sorted_unique(c)
    k_of = np.zeros(len(gr.classes), dtype=np.int64)
    k_of[here] = [len(gr.classes[ci].groups) for ci in here]
    span = int(k_of.max()) + 1
    pairs = _sorted_unique(c * span + pos)              # (class, position) with options
    n_pos = np.bincount(pairs // span, minlength=len(k_of))
    offered = np.flatnonzero(np.bincount(c * (len(s_names) + 1) + s_code))  # (class, setting)
    lk = problem.locks
    errors: list[str] = []
    bad = np.zeros(len(k_of), dtype=bool)
    for ci in here:
        req = gr.classes[ci].required
        want = [ci * (len(s_names) + 1) + s_index[s] for s in req if s in s_index]
        if n_pos[ci] < k_of[ci] or len(want) < len(req) or \
                not np.isin(want, offered, assume_unique=True).all():
            bad[ci] = True
            errors += [f"{lk.label[k]}: its journey cannot be placed as a whole"
                       for k in np.flatnonzero(np.isin(lk.group, gr.classes[ci].groups))]
    off[col[bad[c]]] = True
    keep = ~bad[c]
    col, c, pos, site, s_code = col[keep], c[keep], pos[keep], site[keep], s_code[keep]
    on = _sorted_unique(c)
    if not len(on):
        return empty, off, errors, None, []
    parts: list = []          # (row, col, val) blocks, rows numbered per family below
    lower, upper = [], []
    base = pos == 0
    # equality: row (class, p) for p >= 1: sum x(row p) - sum x(row 0) = 0
    eq_off = np.zeros(len(k_of), dtype=np.int64)
    eq_off[on] = np.cumsum(k_of[on] - 1) - (k_of[on] - 1)
    n_eq = int((k_of[on] - 1).sum())
    bc, bcol = c[base], col[base]
    rep = k_of[bc] - 1
    b_row = np.repeat(eq_off[bc], rep) + (np.arange(rep.sum()) - np.repeat(np.cumsum(rep) - rep, rep))
    parts.append((np.r_[eq_off[c[~base]] + pos[~base] - 1, b_row],
                  np.r_[col[~base], np.repeat(bcol, rep)],
                  np.r_[np.ones(int((~base).sum())), -np.ones(len(b_row))]))
    lower += [0.0] * n_eq
    upper += [0.0] * n_eq
    # required settings: row (class, S): sum x(in S) - sum x(row 0) >= 0
    req_class, req_code = [], []
    for ci in on:
        for s in gr.classes[ci].required:
            req_class.append(ci)
            req_code.append(s_index[s])
    if req_class:
        req_class, req_code = np.array(req_class), np.array(req_code)
        key = req_class * (len(s_names) + 1) + req_code
        k_order = np.argsort(key)
        ck = c * (len(s_names) + 1) + s_code
        at = np.minimum(np.searchsorted(key[k_order], ck), len(key) - 1)
        plus = np.where(key[k_order][at] == ck, n_eq + k_order[at], -1)
        first_req = np.searchsorted(req_class, c, side="left")
        n_req = np.searchsorted(req_class, c, side="right") - first_req
        m_plus = (plus >= 0) & ~base                      # base columns in S net to 0
        b_n = np.where(base, n_req, 0)
        b_req = np.repeat(first_req, b_n) + (np.arange(b_n.sum()) - np.repeat(np.cumsum(b_n) - b_n, b_n))
        b_col = np.repeat(np.arange(len(col)), b_n)
        m_minus = req_code[b_req] != s_code[b_col]
        parts.append((np.r_[plus[m_plus], n_eq + b_req[m_minus]],
                      np.r_[col[m_plus], col[b_col[m_minus]]],
                      np.r_[np.ones(int(m_plus.sum())), -np.ones(int(m_minus.sum()))]))
        lower += [0.0] * len(key)
        upper += [INF] * len(key)
    # a lock on a row of the journey holds every row: sum x(row p) >= locked learners
    lo, hi = np.searchsorted(c, on), np.searchsorted(c, on, side="right")
    by_class = {int(ci): np.split(col[a:b], np.flatnonzero(np.diff(pos[a:b])) + 1)
                for ci, a, b in zip(on, lo, hi)}
    for ci in on:
        locks = np.flatnonzero(np.isin(lk.group, gr.classes[ci].groups)) if len(lk.group) else []
        need = int(lk.learners[locks].max()) if len(locks) else 0
        for part in by_class[int(ci)] if need > 0 else ():
            parts.append((np.full(len(part), len(lower)), part, np.ones(len(part))))
            lower.append(float(need))
            upper.append(INF)
    fam = Rows(np.concatenate([p[0] for p in parts]).astype(np.int64),
               np.concatenate([p[1] for p in parts]).astype(np.int64),
               np.concatenate([p[2] for p in parts]).astype(float),
               np.array(lower), np.array(upper), np.full(len(lower), "journey", dtype=object))
    setting = setting[keep]
    placeable = [JourneyCols(by_class[int(ci)], gr.classes[ci].required, setting[a:b],
                             site[a:b]) for ci, a, b in zip(on, lo, hi)]
    return fam, off, errors, _variety(c, pos, col, site, base), placeable


def _sorted_unique(a: np.ndarray) -> np.ndarray:
    """np.unique of an array already sorted."""
    return a[np.r_[True, a[1:] != a[:-1]]] if len(a) else a


def _variety(c, pos, col, site, base):
    """(class, site) pairs that two or more rows of the class can reach."""
    n_s = int(site.max()) + 1
    cs = c * n_s + site
    n_p = int(pos.max()) + 1
    reach = np.flatnonzero(np.bincount(cs * n_p + pos)) // n_p    # (class, site, row) used
    n = np.bincount(reach)
    cand = np.flatnonzero(n >= 2)
    if not len(cand):
        return None
    cls, local = np.unique(cand // n_s, return_inverse=True)
    at = np.searchsorted(cand, cs)
    hit = (at < len(cand)) & (cand[np.minimum(at, len(cand) - 1)] == cs)
    has = np.isin(c, cls)
    b = base & has
    return Variety(n_classes=len(cls), base_class=np.searchsorted(cls, c[b]), base_col=col[b],
                   site_class=local, entry_row=at[hit], entry_col=col[hit])


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
