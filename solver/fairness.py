"""Tier 2: leximin of the (hei, profession) fill rates, by max-min then fix.

Each round (1) maximises z, the smallest fill rate of the groups still free, then
(2) maximises how many of them can be lifted above z together (binary b[F] with
placed[F] >= m[F] + b[F], m[F] the fewest learners giving a fill of z). Groups that
cannot be lifted are fixed at m[F]; the lifted ones keep placed[F] >= m[F] + 1 and go
round again, so z rises every round. A group fixed at 0 in the first round is one that
"cannot be placed at all" and holds nobody back. Ties between equally large liftable
sets are broken by the solver, so the result is exact max-min at every level and
leximin up to that choice.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from placement_planner.solver.highs_part import HighsPart
from placement_planner.solver.progress import Progress

MAX_ROUNDS = 50
# Share of the part's remaining time the leximin rounds may use; past it the groups still
# free keep what they have (the tier is then reported as not proven) and later tiers run.
TIME_SHARE = 0.4


@dataclass
class FairResult:
    unplaceable: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    proven: bool = True
    stopped: str = ""


def leximin(hp: HighsPart, deadline: float, progress: Progress | None) -> FairResult:
    m = hp.model
    part_deadline = deadline
    deadline = time.perf_counter() + TIME_SHARE * max(0.0, deadline - time.perf_counter())
    n_f = len(m.fair_ids)
    req = m.fair_requested.astype(float)
    placed = np.bincount(m.fair, weights=hp.values[:hp.n_x], minlength=n_f)
    if np.all(placed >= req):
        return FairResult()
    P = hp.add_cols(np.zeros(n_f), req)
    hp.values[P] = placed
    hp.add_rows(np.concatenate([m.fair, np.arange(n_f)]),
                np.concatenate([np.arange(hp.n_x), P]),
                np.concatenate([np.ones(hp.n_x), -np.ones(n_f)]), np.zeros(n_f), np.zeros(n_f))
    z = hp.add_cols([0.0], [1.0])[0]
    lex = hp.add_rows(np.repeat(np.arange(n_f), 2), np.stack([P, np.full(n_f, z)], 1).ravel(),
                      np.stack([np.ones(n_f), -req], 1).ravel(), np.zeros(n_f),
                      np.full(n_f, np.inf))
    b = hp.add_cols(np.zeros(n_f), np.zeros(n_f), integer=True)
    cnt = hp.add_rows(np.repeat(np.arange(n_f), 2), np.stack([P, b], 1).ravel(),
                      np.tile([1.0, -1.0], n_f), np.full(n_f, -np.inf), np.full(n_f, np.inf))
    free = np.ones(n_f, dtype=bool)
    lower = np.zeros(n_f)
    out = FairResult()
    zero = []
    for round_no in range(MAX_ROUNDS):
        if not free.any():
            break
        cost = np.zeros(hp.n_cols)
        cost[z] = 1.0
        r = hp.solve(cost, True, deadline=deadline, integral=False, progress=progress)
        if r.stopped:
            out.proven, out.stopped = False, _why(r.stopped, part_deadline)
            break
        need = np.ceil(r.value * req - 1e-6)
        if r.value >= 1.0 - 1e-9:
            lower[free] = req[free]
            free[:] = False
            break
        can_rise = free & (need < req)
        hp.set_row_bounds(cnt, np.where(free, need, -np.inf), np.inf)
        hp.set_col_bounds(b, 0.0, can_rise.astype(float))
        hp.values[b] = 0.0
        cost = np.zeros(hp.n_cols)
        cost[b] = 1.0
        r2 = hp.solve(cost, True, deadline=deadline, integral=True, progress=progress)
        lifted = free & (np.round(r2.values[b]) >= 1)
        stuck = free & ~lifted
        lower[stuck] = need[stuck]
        lower[lifted] = need[lifted] + 1
        if round_no == 0:
            zero = np.flatnonzero(stuck & (need == 0))
        free = lifted
        hp.set_col_bounds(P, lower, req)
        hp.set_row_bounds(lex, np.where(free, 0.0, -np.inf), np.inf)
        hp.set_row_bounds(cnt, -np.inf, np.inf)
        hp.set_col_bounds(b, 0.0, 0.0)
        hp.values[b] = 0.0
        if r2.stopped:
            out.proven, out.stopped = False, _why(r2.stopped, part_deadline)
            break
    else:
        out.proven = False
    if free.any():   # out of rounds or time: hold what the incumbent gives
        now = np.bincount(m.fair, weights=hp.values[:hp.n_x], minlength=n_f)
        lower[free] = np.maximum(lower[free], now[free])
        hp.set_col_bounds(P, lower, req)
    hp.set_col_bounds([z], 0.0, 1.0)
    out.unplaceable = m.fair_ids[np.asarray(zero, dtype=np.int64)]
    return out


def _why(stopped: str, part_deadline: float) -> str:
    """Running out of the leximin share is not a stop of the whole part."""
    if stopped == "time_limit" and time.perf_counter() < part_deadline:
        return ""
    return stopped
