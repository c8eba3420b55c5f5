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
    # duplicate options merged (build_part(merge=True)): per option of the part (``opts`` as
    # given) its column, bound and start week; None: one option per column
    merged: tuple = None


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
    groups, local = _unique(problem.g[opts], len(problem.groups))
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
    in_part = np.flatnonzero(_present(problem.g[opts], len(problem.groups))[lk.group])
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
    fam = Rows(np.concatenate([p[0] for p in parts]).astype(np.int64, copy=False),
               np.concatenate([p[1] for p in parts]).astype(np.int64, copy=False),
               np.concatenate([p[2] for p in parts]).astype(float, copy=False),
               np.array(lower), np.array(upper), np.full(len(lower), "journey", dtype=object))
    setting = setting[keep]
    placeable = [JourneyCols(by_class[int(ci)], gr.classes[ci].required, setting[a:b],
                             site[a:b]) for ci, a, b in zip(on, lo, hi)]
    return fam, off, errors, _variety(c, pos, col, site, base), placeable


def _present(a: np.ndarray, size: int) -> np.ndarray:
    """Per value 0..size-1: whether it is in ``a``."""
    out = np.zeros(size, dtype=bool)
    out[a] = True
    return out


def _unique(a: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(a, return_inverse=True) of values in 0..size-1, by a table instead of a sort
    (the same arrays; a part's groups were a tenth of the national's model build)."""
    here = _present(a, size)
    return np.flatnonzero(here), (np.cumsum(here) - 1)[a]


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
    """The families' rows one after another (rows renumbered), written once into the result."""
    n_nz = sum(len(f.row) for f in families)
    row, col, val = np.empty(n_nz, np.int64), np.empty(n_nz, np.int64), np.empty(n_nz)
    at = offset = 0
    for f in families:
        k = len(f.row)
        np.add(f.row, offset, out=row[at:at + k], casting="unsafe")
        col[at:at + k], val[at:at + k] = f.col, f.val
        at, offset = at + k, offset + f.n
    return Rows(row, col, val, np.concatenate([f.lower for f in families]),
                np.concatenate([f.upper for f in families]),
                np.concatenate([f.kind for f in families]))


# Options that are the same column of the model are merged into one (build_part(merge=True)).
MERGE_DUPLICATES = False


def build_part(problem: Problem, opts: np.ndarray, start: np.ndarray | None = None,
               merge: bool = False) -> PartModel:
    """The part's model over options ``opts``; with ``merge``, options that are one column of
    the model are one column (``duplicate_columns``), and ``spread`` gives the plan back per
    option."""
    locks, lock_errors = locked_rows(problem, opts)
    journeys, off, journey_errors, variety, placeable = journey_rows(problem, opts)
    capacity = weekly_capacity_rows(problem, opts)
    rows = stack(demand_rows(problem, opts), capacity, locks, journeys)
    fair_ids, fair = _unique(problem.groups.fair[problem.g[opts]], len(problem.groups.fair_keys))
    ub = problem.ub[opts].astype(float)
    ub[off] = 0.0
    model = PartModel(options=opts, ub=ub, rows=rows, variety=variety, journeys=placeable,
                      weight=problem.weight[opts], preferred=problem.preferred[opts],
                      km=problem.km[opts], previous=problem.previous[opts], fair=fair,
                      fair_ids=fair_ids, fair_requested=problem.groups.fair_requested[fair_ids],
                      lock_errors=lock_errors + journey_errors,
                      start=np.zeros(len(opts)) if start is None else start[opts].astype(float))
    if merge and len(opts):
        column = duplicate_columns(problem, opts, capacity)
        if column.max() < len(opts) - 1:
            model.merged = (column, ub, problem.t[opts])
            _merge(model, column)
    return model


def duplicate_columns(problem: Problem, opts: np.ndarray, capacity: Rows) -> np.ndarray:
    """Per option, its column when options that are the same column are merged: the first of
    its class, columns numbered in the options' order (no duplicates: 0, 1, 2, ...).

    Two options are the same column when they have the same group and pool and cover the same
    capacity rows (start weeks whose stays the compressed week grid cannot tell apart). Then
    every row has the same entry for both (the demand row is the group's; a Locked row takes
    every option of its group at its site and setting; the capacity rows are the same by
    construction) and every tier scores both alike (weight and fair group are the group's,
    km and preferred the site's), so x1 <= ub1, x2 <= ub2 is the same as one column
    x1 + x2 <= ub1 + ub2: every value of it splits back (``spread``). Kept alone: options with
    a previous plan's learners (the keep-previous tier scores each start week itself) and
    journey rows (their paths are built per start week)."""
    n = len(opts)
    g, p = problem.g[opts], problem.p[opts]
    # an option's capacity rows are the kept segments of its stay: a run of consecutive rows
    none = np.iinfo(np.int64).max
    first = np.full(n, none, dtype=np.int64)
    np.minimum.at(first, capacity.col, capacity.row)
    first[first == none] = -1
    last = np.full(n, -1, dtype=np.int64)
    np.maximum.at(last, capacity.col, capacity.row)
    alone = problem.previous[opts] > 0
    if problem.groups.journey is not None:
        alone |= problem.groups.journey[g] >= 0
    last[alone] = -2 - np.flatnonzero(alone)           # a key of its own: never merged
    order = np.lexsort((last, first, p, g))            # stable: a class's first option first
    k = (g[order], p[order], first[order], last[order])
    new = np.r_[True, np.any([a[1:] != a[:-1] for a in k], axis=0)]
    head = np.empty(n, dtype=np.int64)
    head[order] = order[np.flatnonzero(new)[np.cumsum(new) - 1]]
    is_head = head == np.arange(n)
    return (np.cumsum(is_head) - 1)[head]


def _merge(model: PartModel, column: np.ndarray) -> None:
    """One column per class of ``column``: bounds and start plan summed, rows kept once."""
    n_new = int(column.max()) + 1
    head = np.r_[True, column[1:] > np.maximum.accumulate(column)[:-1]]   # first of its class
    r = model.rows
    keep = head[r.col]
    model.rows = Rows(r.row[keep], column[r.col[keep]], r.val[keep], r.lower, r.upper, r.kind)
    model.ub = np.bincount(column, weights=model.ub, minlength=n_new)
    model.start = np.bincount(column, weights=model.start, minlength=n_new)
    for name in ("options", "weight", "preferred", "km", "previous", "fair"):
        setattr(model, name, getattr(model, name)[head])
    if model.variety is not None:
        v = model.variety
        v.base_col, v.entry_col = column[v.base_col], column[v.entry_col]
    for j in model.journeys or ():
        j.by_pos = [column[c] for c in j.by_pos]


def spread(model: PartModel, x: np.ndarray) -> np.ndarray:
    """Learners per option of the part (``opts`` of build_part) from a plan per column: a
    merged column's learners go to its options in start order, each up to its own bound. Exact:
    they add up to the column's learners, at most the sum of the bounds (``_merge``)."""
    if model.merged is None:
        return x
    column, ub, t = model.merged
    order = np.lexsort((t, column))
    c, u = column[order], ub[order]
    cum = np.cumsum(u)
    first = np.r_[0, np.flatnonzero(c[1:] != c[:-1]) + 1]
    before = cum - u - np.repeat(cum[first] - u[first], np.diff(np.r_[first, len(c)]))
    out = np.empty(len(column))
    out[order] = np.minimum(u, np.maximum(np.asarray(x, dtype=float)[c] - before, 0.0))
    return out
