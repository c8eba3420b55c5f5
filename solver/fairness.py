"""Tier 2: exact leximin of the (hei, profession) fill rates, by ordered cumulative sums.

Sorting the fill rates of a part's n groups from smallest, ``S_k`` is the sum of the k
smallest. A plan is leximin-best exactly when (S_1, S_2, ..., S_n) is lexicographically
largest (two sorted vectors that agree on their first k-1 entries compare by the k-th,
and so do their prefix sums). ``S_k`` of a plan is a linear programme of its own
(Ogryczak and Sliwinski):

    S_k = max  k*t_k - sum_f d_kf   over  d_kf >= t_k - fill_f,  d_kf >= 0,

so round k maximises ``k*t_k - sum_f d_kf`` over the whole integer model, with the rows of
rounds 1..k-1 kept at their proven optima. No group is ever chosen or fixed by the solver:
the result depends only on the data, never on row order or on which of several equally
good sets a MIP happened to return. Every round is proven (by max flow, the rounding proof,
the level proof or level MIP for groups tied at one fill, or a MIP solved to optimality); a
round stopped early leaves the tier unproven.

A round ends the tier early when the incumbent's remaining fill rates are all 1 (nothing
can rise above full). Groups left at a fill of 0 are the ones that cannot be placed at all
(given the tiers above): they take the first places of the sorted vector, add 0 to every
``S_k``, and so hold no other group back; the reported fair share leaves them out.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from placement_planner.solver.fair_flow import FairFlow
from placement_planner.solver.highs_part import HighsPart, Result
from placement_planner.solver.mip import restricted_mip
from placement_planner.solver.tier_solve import whole
from placement_planner.solver.progress import Progress

# Two plans whose S_k differ by less than this are treated as equal (fill rates are
# fractions p/q with q the learners requested; 1e-7 separates any two of them with
# q up to about 3,000 for the first rounds).
TOLERANCE = 1e-9
# Share of the part's remaining time the leximin rounds may use (the tiers after it need
# the rest), and the least time a round gets.
TIME_SHARE = 0.5
MIN_ROUND_S = 0.5
# The rounding proof tries at most this many sets of groups that could be at the bottom.
MAX_BOTTOM_SETS = 6
# The level MIP (_level_block) runs first in a round only when the incumbent has at least
# this many rounds tied at its k-th fill (k's included).
MIN_BLOCK = 3
# LP-only steps of a round may use this long past the round's own share (see leximin).
LP_STEP_S = 3.0
# The first MIP of a round whose earlier rounds are proven stops after this long for the
# proofs (rounding, level); the MIPs after them get the rest of the round's share.
QUICK_MIP_S = 2.0
# At most this many held-round LPs a round (each raises the round's value).
HELD_STEPS = 2
# The target step (_target_round) before a round's MIP on parts that are not networks: the
# largest fill rate p/q up to the round's LP bound that MIPs with no objective reach over the
# round's LP columns (a binary search), then the rounding proof. At most this many bottom
# cases (the proof is an LP per case).
TARGET = True
TARGET_CASES = 2


@dataclass
class FairResult:
    unplaceable: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    proven: bool = True
    stopped: str = ""
    rounds: int = 0


def fills(hp: HighsPart, values: np.ndarray) -> np.ndarray:
    m = hp.model
    placed = np.bincount(m.fair, weights=values[:hp.n_x], minlength=len(m.fair_ids))
    return placed / m.fair_requested.astype(float)


def leximin(hp: HighsPart, deadline: float, progress: Progress | None) -> FairResult:
    hp.step = "fair_share"        # its LPs and MIPs run on engine.PER_STEP's engines
    m = hp.model
    n_f = len(m.fair_ids)
    req = m.fair_requested.astype(float)
    out = FairResult()
    start_fill = fills(hp, hp.values)
    if n_f == 0:
        return out
    if np.all(start_fill >= 1.0 - 1e-12):
        _keep_full(hp, req, 0.0, n_f)     # every group full: the tiers after keep them full
        return out
    # fill_f = placed_f / requested_f, as a column per group
    phi = hp.add_cols(np.zeros(n_f), np.ones(n_f))
    hp.values[phi] = start_fill
    hp.add_rows(np.concatenate([m.fair, np.arange(n_f)]),
                np.concatenate([np.arange(hp.n_x), phi]),
                np.concatenate([np.ones(hp.n_x), -req]), np.zeros(n_f), np.zeros(n_f))
    # network parts: a round by integer max flow first (fair_flow), the LPs only after it
    net = FairFlow.build(hp) if hp.network else None
    s_prev = 0.0
    kept = 0                     # rounds 1..kept keep S_k at the incumbent's value
    aux: list = []               # (round, t, d columns) of each round with its row
    proven_upto = 0              # rounds 1..proven_upto are all proven
    full_from = None             # the round at which the rest were all full
    now = time.perf_counter()
    fair_deadline = min(deadline, now + TIME_SHARE * max(0.0, deadline - now))
    for k in range(1, n_f + 1):
        if k <= kept:            # settled with an earlier round by the level proof
            continue
        sorted_fill = np.sort(fills(hp, hp.values))
        if np.all(sorted_fill[k - 1:] >= 1.0 - 1e-12):
            full_from = k
            # the rest are full: S_j is at its maximum; the tiers after must keep it so
            _keep_full(hp, req, s_prev if kept == k - 1 else float(sorted_fill[:k - 1].sum()),
                       n_f - k + 1)
            break
        now = time.perf_counter()
        if now >= deadline or (progress is not None and progress.cancelled):
            out.proven, out.stopped = False, hp.why_stopped(progress)
            break
        # each round may use its share of the leximin time; one that is not proven by then
        # keeps its incumbent's S_k (the tier is then reported as not proven) and the
        # rounds and tiers after it still run
        # the rounds left are counted as the distinct fills below 1: groups tied at one fill
        # are mostly settled together (_level_proof, _level_block)
        left = len(_levels(sorted_fill[k - 1:], int(np.count_nonzero(
            sorted_fill[k - 1:] < 1.0 - 1e-12)))[0])
        round_deadline = min(deadline, now + max(MIN_ROUND_S, (fair_deadline - now) / left))
        # from round 2 the incumbent is often best already: the rounding proof first; else
        # the LP and the MIP over the columns it uses (a better incumbent), the rounding proof
        # again, and the MIP over every column only when that fails too
        # the LP-only steps (rounding proof, held round) may run past the round's share, up
        # to LP_STEP_S (never past the leximin time): they are what spares the MIP
        lp_deadline = max(round_deadline, min(fair_deadline, now + LP_STEP_S))
        cost, fix, t_col, d_cols = _round(hp, k, phi)
        aux.append((k, t_col, d_cols))
        snap = _fraction_snap(s_prev, req)
        # groups tied at the incumbent's k-th fill, or too many bottom cases to list: the
        # level proof (an LP, no cases; the tied rounds together), then, with many tied or
        # at 0, one MIP for the whole level (_level_block)
        level, tried = 0, None
        # past the leximin time a round only keeps the incumbent's S_k (not proven)
        late = now >= fair_deadline
        if proven_upto == k - 1 and not late:
            level = _level_proofs(hp, phi, req, sorted_fill, k, lp_deadline, progress)
            if level < k and _tied(sorted_fill, k, MIN_BLOCK):
                tried = float(sorted_fill[k - 1])
                level = _level_block(hp, phi, req, k, fix, _share(
                    fair_deadline, sorted_fill, k, round_deadline), progress)
                sorted_fill = np.sort(fills(hp, hp.values))    # its plan may be better
        settled = level >= k
        settled = settled or (net is not None and proven_upto == k - 1 and not late and
                              _flow_round(hp, net, phi, req, aux, k, lp_deadline))
        settled = settled or (k > 1 and proven_upto == k - 1 and not late and
                              _rounding_proof(hp, phi, req, sorted_fill, k, lp_deadline, progress))
        settled = settled or (TARGET and net is None and proven_upto == k - 1 and not late and
                              _target_round(hp, phi, req, aux, cost, fix, s_prev, k,
                                            lp_deadline, progress))
        # the held round (no MIP): on one-week stays it often reaches the round's best
        # first at floor(t q)/q from the round's LP value t, then, while the rounding proof
        # fails, every group above the incumbent's f_k
        need = None
        for _ in range(HELD_STEPS if not settled and proven_upto == k - 1 and hp.network
                       and not late else 0):
            if not _held_round(hp, phi, req, aux, k, s_prev, cost, lp_deadline, progress, need):
                break
            now_fill = np.sort(fills(hp, hp.values))
            if _rounding_proof(hp, phi, req, now_fill, k, lp_deadline, progress):
                settled = True
                break
            need = (np.floor(now_fill[k - 1] * req + 1e-7) + 1) / req
        cost = np.r_[cost, np.zeros(hp.n_cols - len(cost))]
        # the MIP path still gets the round's whole share after the LP-only steps
        round_deadline = max(round_deadline, min(deadline, time.perf_counter()
                                                 + (round_deadline - now)))
        if settled:
            value = float(cost @ hp.values)
            r = Result(value, value, True, hp.values.copy())
        elif late:
            r = Result(float(cost @ hp.values), np.inf, False, hp.values.copy())
        else:
            r, by_level = _mip_round(hp, phi, req, cost, snap, k, proven_upto == k - 1,
                                     round_deadline, fair_deadline, progress)
            level = max(level, by_level)
        out.rounds = k
        if r.stopped not in ("", "time_limit"):         # cancelled, or solver trouble
            out.proven, out.stopped = False, r.stopped
            break
        if r.proven and proven_upto == k - 1:
            proven_upto = k
        if not r.proven:
            out.proven = False
            if time.perf_counter() >= deadline:
                out.stopped = "time_limit"
                break
        # keep S_k at the incumbent's value in every later round and tier (proven optimal
        # when the round is; never more than the incumbent reaches)
        exact = float(np.sort(fills(hp, hp.values))[:k].sum())
        hp.set_row_bounds(fix, exact - TOLERANCE * max(1.0, abs(exact)), np.inf)
        kept = k
        s_prev = exact
        if r.proven and proven_upto == k:
            # many groups tied at the k-th fill: the rounds after k at that fill settled
            # together (no rows: round b+1's row with S_b kept already gives every fill
            # after b at least that value)
            now_fill = np.sort(fills(hp, hp.values))
            if level <= k and float(now_fill[k - 1]) != tried and \
                    _tied(now_fill, k, MIN_BLOCK):
                level = max(k, _level_proof(hp, phi, req, k, fair_deadline, progress)[0])
            if level > k:
                kept = proven_upto = out.rounds = level
                s_prev = float(np.sort(fills(hp, hp.values))[:level].sum())
    if not out.stopped:          # the lower tiers may hold these fills (highs_part)
        hp.fair_hold = _fair_hold(phi, req, fills(hp, hp.values), kept, proven_upto == kept)
    final = fills(hp, hp.values)
    zero = np.flatnonzero(final <= 1e-12)
    # groups at 0 "cannot be placed at all" only when the rounds that prove it (the zeros,
    # and the first place above them) are proven; else they count in the fair share
    settled = proven_upto >= min(len(zero) + 1, n_f) or \
        (full_from is not None and proven_upto >= full_from - 1 >= len(zero))
    out.unplaceable = m.fair_ids[zero] if settled else np.zeros(0, np.int64)
    return out


def _bottom_cases(req: np.ndarray, fill: np.ndarray, kept: int,
                  limit: int = MAX_BOTTOM_SETS) -> list | None:
    """Every way the bottom of a plan that keeps rounds 1..kept (proven) can look: a list of
    (mask of the ``kept`` bottom groups, fill of each of them), or None when there are more
    than ``limit``.

    In every such plan the ``kept`` smallest fills are the multiset B = f_1..f_kept and every
    other group is at f_kept or above. A fill is p/q_g, so a value v of B can sit only on a
    group with v q_g whole: the cases are the ways to give each value of B (as many times as
    it occurs) to distinct groups that can take it. Groups of the same size q (e.g. two of 83
    learners, one at 82/83) make two cases where any k-1 of the k candidates made k."""
    n = len(req)
    if kept == 0:
        return [(np.zeros(n, dtype=bool), np.zeros(n))]
    vals, counts = np.unique(np.sort(fill)[:kept], return_counts=True)
    takers = [np.flatnonzero(np.abs(v * req - np.round(v * req)) <= 1e-7) for v in vals]
    cases: list = []

    def place(i: int, at: np.ndarray) -> None:
        if len(cases) > limit:
            return
        if i == len(vals):
            cases.append((~np.isnan(at), np.nan_to_num(at)))
            return
        free = [g for g in takers[i] if np.isnan(at[g])]
        for chosen in combinations(free, int(counts[i])):
            nxt = at.copy()
            nxt[list(chosen)] = vals[i]
            place(i + 1, nxt)
    place(0, np.full(n, np.nan))
    return cases if len(cases) <= limit else None


def _forced_bottom(req: np.ndarray, fill: np.ndarray, kept: int) -> np.ndarray | None:
    """The groups that hold the ``kept`` smallest fills in every plan that keeps rounds
    1..kept (proven), each at its incumbent's fill; None when that is not forced (more than
    one case in ``_bottom_cases``)."""
    cases = _bottom_cases(req, fill, kept, 1)
    return None if cases is None else cases[0][0]


def _held_round(hp: HighsPart, phi: np.ndarray, req: np.ndarray, aux: list, k: int,
                s_prev: float, cost: np.ndarray, deadline: float,
                progress: Progress | None, need: np.ndarray | None = None) -> bool:
    """A better incumbent for round k without a MIP; True when it was found (the rounding
    proof then decides whether it is the round's best).

    With the bottom k-1 groups forced (``_forced_bottom``; none for k = 1) their fills are
    held, and every other group is asked for floor(t q_g)/q_g of its learners, t the round's
    LP value above S_(k-1). With the fills bounded like that the leximin columns no longer
    touch the placements, and on one-week stays the rows left are a network matrix, so the
    LP's vertex is whole: a plan whose k-th fill is at least min_g floor(t q_g)/q_g (or, with
    ``need``, every other group at least its ``need``). Every
    row is checked on it as on any plan; an LP that fails or a vertex that is not whole
    leaves the incumbent as it was."""
    n_x = hp.n_x
    cost = np.r_[cost, np.zeros(hp.n_cols - len(cost))]     # proofs may have added columns
    fill = fills(hp, hp.values)
    if k == 1:
        bottom, lo_h = np.zeros(len(phi), dtype=bool), np.zeros(len(phi))
    else:
        bottom = _forced_bottom(req, fill, k - 1)
        if bottom is None:
            return False
        lo_h = np.where(bottom, fill, np.sort(fill)[k - 2])
    if need is None:
        r = hp.solve(cost, True, deadline=deadline, progress=progress, lp_only=True)
        if r.stopped or time.perf_counter() >= deadline:
            return False
        lp_x = np.zeros(hp.n_cols)
        lp_x[hp.lp_cols] = hp.lp.x()
        t = min(float(cost @ lp_x), r.bound) - s_prev
        need = np.floor(max(t, 0.0) * req + 1e-7) / req
    elif np.any(need[~bottom] > 1.0 + 1e-12) or time.perf_counter() >= deadline:
        return False                      # a group cannot rise that far
    target = np.minimum(need, 1.0)
    lo = np.where(bottom, fill, np.maximum(lo_h, target))
    up = np.where(bottom, fill, 1.0)
    old_lo, old_up = hp.col_lo[phi].copy(), hp.col_up[phi].copy()
    hp.set_col_bounds(phi, lo, up)
    try:
        word = hp.lp.run(deadline, progress, True)
        x = hp.lp.x() if word == "optimal" else None
    finally:
        hp.set_col_bounds(phi, old_lo, old_up)
    if x is None:
        return False
    full = np.zeros(hp.n_cols)
    full[hp.lp_cols] = x
    return _take_if_better(hp, np.round(full[:n_x]), phi, req, aux, k)


def _take_if_better(hp: HighsPart, x: np.ndarray, phi: np.ndarray, req: np.ndarray,
                    aux: list, k: int) -> bool:
    """The plan with options ``x`` (its fill and leximin columns set from them) becomes the
    incumbent when its S_k is larger and it keeps every row; True when it did."""
    plan = hp.values.copy()
    plan[:hp.n_x] = x
    f = np.bincount(hp.model.fair, weights=x, minlength=len(phi)) / req
    plan[phi] = f
    sf = np.sort(f)
    for j, t_j, d_j in aux:
        plan[t_j] = sf[j - 1]
        plan[d_j] = np.maximum(0.0, sf[j - 1] - f)
    if sf[:k].sum() <= np.sort(fills(hp, hp.values))[:k].sum() + TOLERANCE or \
            not hp._rows_hold(plan):
        return False
    hp.values = plan
    return True


def _flow_round(hp: HighsPart, net: FairFlow, phi: np.ndarray, req: np.ndarray, aux: list,
                k: int, deadline: float) -> bool:
    """Round k settled by max flow (fair_flow.FairFlow.best_round): True when its optimum is
    proven and the incumbent holds it (rounds 1..k-1 proven). For each way the bottom k-1
    groups can hold the kept fills (``_bottom_cases``; one when they are forced) the round
    asks how high all the others can rise together; the best case is the round's optimum."""
    fill = fills(hp, hp.values)
    cases = _bottom_cases(req, fill, k - 1)
    if cases is None:
        return False
    placed = np.round(fill * req).astype(np.int64)
    low = float(np.sort(fill)[k - 1])
    best = None
    for bottom, at in cases:
        got = net.best_round(np.where(bottom, np.round(at * req).astype(np.int64), placed),
                             bottom, low, deadline)
        if got is None:
            return False
        if got[0] is not None:           # this case reaches above ``low``: the bar rises
            best = got[0]
            f = np.bincount(hp.model.fair, weights=best, minlength=len(phi)) / req
            low = float(f[~bottom].min())
    if best is None:                     # nothing above the incumbent's k-th fill is reachable
        return True
    return _take_if_better(hp, best, phi, req, aux, k)


def _fair_hold(phi: np.ndarray, req: np.ndarray, fill: np.ndarray, kept: int,
               proven: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """(fill columns, lower, upper, exact) for ``HighsPart._held_fair_plan``.

    Exact when rounds 1..kept are proven and the bottom ``kept`` fills B = f_1..f_kept are
    forced on their groups: a fill rate is p/q_g, and when exactly ``kept`` groups can take a
    value of B at all, each of them only one, then in every plan that keeps the rounds those
    groups are the bottom ones (the bottom takes values of B) at those very values, and every
    other group is at or above f_kept. The hold (those fills fixed, the others in
    [f_kept, 1]) then describes the plans that keep the rounds exactly. Otherwise every fill
    is held at the incumbent's: a restriction, so its plan is only a candidate."""
    cand = _forced_bottom(req, fill, kept) if proven and kept > 0 else None
    if cand is not None:
        low = np.sort(fill)[kept - 1]
        return phi, np.where(cand, fill, low), np.where(cand, fill, 1.0), True
    return phi, fill.copy(), fill.copy(), False


def _rounding_proof(hp: HighsPart, phi: np.ndarray, req: np.ndarray, sorted_fill: np.ndarray,
                    k: int, deadline: float, progress: Progress | None) -> bool:
    """True when an LP proves that no plan beats the incumbent's S_k (rounds 1..k-1 proven).

    With S_1..S_(k-1) at their proven maxima, the k-1 smallest fill rates of every plan left are
    the incumbent's f_1..f_(k-1). A plan with a larger S_k has every other group above f_k, so
    with p_g whole at least floor(f_k q_g) + 1 of its q_g learners placed. Only groups that can
    take one of the values f_1..f_(k-1) at all (a fill rate is p/q_g) can be the k-1 at the
    bottom; for each way they can hold those values (``_bottom_cases``, at most
    ``MAX_BOTTOM_SETS``) the LP holds them there and asks every other group for that many:
    if for every case the LP over every column cannot place them (its Lagrangian bound says
    so), S_k cannot rise. This rounding of each group is
    what the LP bound of the round lacks (region, a 42,000-column round: the LP bound 0.99670
    against 269/270 = 0.99630 reached; the MIP took 7 s to prove it, this LP well under 1 s).
    """
    cases = _bottom_cases(req, fills(hp, hp.values), k - 1)
    if cases is None:
        return False
    # each way the bottom can look: its fills are held in the LP (exact, every plan that keeps
    # the rounds is in one of the cases), and the others must all rise above f_k
    for bottom, at in cases:
        rest = np.flatnonzero(~bottom)
        need = (np.floor(sorted_fill[k - 1] * req[rest] + 1e-7) + 1) / req[rest]
        if np.any(need > 1.0 + 1e-12):
            continue                         # a group cannot rise above f_k at all
        hold = None if k == 1 else (np.where(bottom, at, sorted_fill[k - 2]),
                                    np.where(bottom, at, 1.0))
        if time.perf_counter() >= deadline or not _cannot_place(
                hp, phi[rest], need, deadline, progress, phi, hold,
                frozenset(np.flatnonzero(bottom).tolist())):
            return False
    return True


def _target_round(hp: HighsPart, phi: np.ndarray, req: np.ndarray, aux: list, cost: np.ndarray,
                  fix: np.ndarray, s_prev: float, k: int, deadline: float,
                  progress: Progress | None) -> bool:
    """Round k settled without its MIP over an objective (rounds 1..k-1 proven): True when
    the incumbent then holds the round's proven best.

    The k-th fill of a plan that keeps rounds 1..k-1 is a fraction p/q_g: the round's LP
    bound leaves the candidates f_k = c_0 < c_1 < ... (every p/q_g up to it). A MIP with no
    objective over the columns the round's LP uses looks for a plan whose
    k-th fill reaches c_i: S_k held at S_(k-1) + c_i, and each fill at least its least value
    over the bottom cases (a relaxation of their union, the row on S_k does the rest).
    Reaching c_i gets harder as i grows, so a binary search finds the largest c* these
    columns reach; the plan it found becomes the incumbent and the rounding proof then says
    whether anything beats it (region, a 13,875-option part: four such MIPs of 0.08-0.13 s
    against 1.2 s for the round's MIP). A restriction: its answers are candidates, never a
    proof; when the proof fails the round goes on to its MIPs from the better incumbent."""
    fill = fills(hp, hp.values)
    sf = np.sort(fill)
    cases = _bottom_cases(req, fill, k - 1, TARGET_CASES)
    if cases is None or time.perf_counter() >= deadline:
        return False
    cost = np.r_[cost, np.zeros(hp.n_cols - len(cost))]
    r = hp.solve(cost, True, deadline=deadline, progress=progress, lp_only=True)
    if r.stopped or not np.isfinite(r.bound) or time.perf_counter() >= deadline:
        return False
    lp_x = np.zeros(hp.n_cols)
    lp_x[hp.lp_cols] = hp.lp.x()
    f_k = float(sf[k - 1])
    top = min(1.0, r.bound - s_prev + 1e-7)
    cand = [f_k]
    for q in np.unique(req[req > 0]):
        p = np.arange(np.floor(f_k * q + 1e-7) + 1, np.floor(top * q + 1e-7) + 1)
        cand.extend((p / q).tolist())
    cand = np.unique(np.round(np.array(cand), 12))
    cand = cand[cand >= f_k - 1e-12]
    # the LP's columns only: with the incumbent's too (tier 1's plan in round 1) the MIPs were
    # larger and slower (region fair share summed 4.0-4.5 -> 3.6-3.7 s under load without)
    keep = ((lp_x > 1e-9) | ~hp.integer) & (hp.col_up > 0)
    cols = np.flatnonzero(keep)
    a = hp.matrix()[:, cols]
    row_lo = hp.row_lo.copy()
    lo, hi, best = 0, len(cand), None           # cand[lo] reached, cand[hi] not (or none)
    step = 1                # from the top down by steps 1, 2, 4, ...: the best is mostly near
    while hi - lo > 1:      # the LP bound, and a MIP that reaches nothing is the quicker one
        mid = max(lo + 1, hi - step) if best is None else (lo + hi) // 2
        step *= 2
        v = float(cand[mid])
        need = np.ceil(v * req - 1e-7) / req
        floor_fill = need.copy()
        for bottom, at in cases:
            floor_fill = np.minimum(floor_fill, np.where(bottom, at, need))
        col_lo = hp.col_lo.copy()
        col_lo[phi] = np.maximum(col_lo[phi], floor_fill - 1e-9)
        goal = s_prev + v
        row_lo[fix] = goal - TOLERANCE * max(1.0, abs(goal))
        word, x = restricted_mip(a, np.zeros(len(cols)), col_lo[cols], hp.col_up[cols], row_lo,
                                 hp.row_up, hp.integer[cols], True, None, deadline, progress,
                                 None, hp.threads, hp.step)
        if x is not None:
            best = np.zeros(hp.n_cols)
            best[cols] = x
            reached = np.sort(np.bincount(hp.model.fair, weights=np.round(best[:hp.n_x]),
                                          minlength=len(phi)) / req)[k - 1]
            # it may reach past v
            lo = min(hi - 1, max(mid, int(np.searchsorted(cand, reached + 1e-9)) - 1))
        elif word in ("infeasible", "optimal"):
            hi = mid
        else:
            return False                        # stopped, cancelled or solver trouble
    if best is None or not _take_if_better(hp, np.round(best[:hp.n_x]), phi, req, aux, k):
        return False
    return _rounding_proof(hp, phi, req, np.sort(fills(hp, hp.values)), k, deadline, progress)


def _cannot_place(hp: HighsPart, phi: np.ndarray, need: np.ndarray, deadline: float,
                  progress: Progress | None, all_phi: np.ndarray | None = None,
                  hold: tuple | None = None, case: frozenset = frozenset()) -> bool:
    """True when an LP over every column proves that the fill rates ``phi`` cannot all reach
    ``need``: max sum_g min(phi_g, need_g) (its Lagrangian bound) stays below sum need.

    The row prices of an earlier such LP (``hp.fair_prices``, per bottom ``case``: its duals,
    and per fill column its row ``w_g - phi_g <= 0``), moved onto this LP's rows of the same
    groups, are tried first: any prices give a valid bound (bound.py), and a round's question
    is often settled by the answer to the last round's case with most of the same bottom."""
    m = len(phi)
    w = hp.add_cols(np.zeros(m), need)
    rows = hp.add_rows(np.repeat(np.arange(m), 2), np.stack([w, phi], 1).ravel(),
                       np.tile([1.0, -1.0], m), np.full(m, -np.inf), np.zeros(m))
    cost = np.zeros(hp.n_cols)
    cost[w] = 1.0
    if hold is not None:                     # (lower, upper) of every fill, exact
        old = hp.col_lo[all_phi].copy(), hp.col_up[all_phi].copy()
        hp.set_col_bounds(all_phi, *hold)
    goal = float(need.sum()) - 1e-6
    known = getattr(hp, "fair_prices", None)
    if known is None:
        known = hp.fair_prices = {}
    try:
        proven = False
        # the earlier cases sharing most of this bottom, the latest first: at most two tries
        order = sorted(known, key=lambda c: (len(c & case), known[c][2]), reverse=True)[:2]
        for c in order:
            if hp.lagrangian_bound(cost, _moved_prices(hp, phi, rows, known[c]), True) < goal:
                proven = True
                break
        if not proven:
            r = hp.solve(cost, True, deadline=deadline, progress=progress, lp_only=True)
            proven = not r.stopped and r.bound < goal
            if not r.stopped:
                y = np.asarray(hp.lp.y(), dtype=float)
                if len(y) == hp.n_rows:
                    known[case] = (y, dict(zip(phi.tolist(), rows.tolist())), len(known))
    finally:
        if hold is not None:
            hp.set_col_bounds(all_phi, *old)
    hp.set_col_bounds(w, np.zeros(m), np.zeros(m))      # the columns say nothing from now on
    return proven


def _mip_round(hp: HighsPart, phi: np.ndarray, req: np.ndarray, cost: np.ndarray, snap,
               k: int, proofs: bool, round_deadline: float, fair_deadline: float,
               progress: Progress | None) -> tuple[Result, int]:
    """Round k by its MIPs: the MIP over the columns the round's LP and the incumbent use,
    then (rounds before proven: ``proofs``) the rounding proof and the level proofs, and the
    MIP over every column reduced-cost fixing keeps only when they fail. With ``proofs``
    the first MIP gets QUICK_MIP_S (2 s) first: its plan is often the round's best already and
    the proofs say so (region small-universities, a 61,481-option part: its round-1 MIP
    took 8.9 s to close over those columns, the rounding proof 0.2 s); when they do not,
    it runs again with the round's share. Returns the round's result and the last round a
    level proof settled (0: none)."""
    quick = min(round_deadline, time.perf_counter() + QUICK_MIP_S) if proofs else None
    level, tried = 0, None
    for deadline in ([quick] if quick is not None and quick < round_deadline else []) + \
            [round_deadline]:
        cost = np.r_[cost, np.zeros(hp.n_cols - len(cost))]
        r = hp.solve(cost, True, deadline=deadline, snap=snap, progress=progress,
                     wide=not proofs)
        if r.stopped == "time_limit" and deadline < round_deadline and \
                time.perf_counter() < round_deadline:
            r = Result(r.value, r.bound, False, r.values)      # stopped by QUICK_MIP_S
        if r.proven or r.stopped or not proofs:
            break
        now_fill = np.sort(fills(hp, hp.values))
        if tried is not None and np.array_equal(now_fill, tried):
            continue                 # the same fills as the proofs already failed on
        tried = now_fill
        proof_deadline = max(round_deadline, min(fair_deadline, time.perf_counter() + LP_STEP_S))
        if _rounding_proof(hp, phi, req, now_fill, k, proof_deadline, progress):
            r = Result(r.value, r.value, True, hp.values.copy())  # its S_k is the best
            break
        level = _level_proofs(hp, phi, req, now_fill, k, proof_deadline, progress)
        if level >= k:
            r = Result(r.value, r.value, True, hp.values.copy())
            break
    if not (r.proven or r.stopped) and proofs:
        cost = np.r_[cost, np.zeros(hp.n_cols - len(cost))]
        r = hp.solve(cost, True, deadline=round_deadline, snap=snap, progress=progress)
    return r, level


def _level_block(hp: HighsPart, phi: np.ndarray, req: np.ndarray, k: int, fix: np.ndarray,
                 deadline: float, progress: Progress | None, free: bool = True) -> int:
    """The last round r proven at the incumbent's k-th fill v (rounds 1..k-1 proven; r >= k
    when round k is proven, else k - 1). One MIP for a whole level of groups tied at v
    instead of one MIP a round.

    Round k's row ``fix`` is held at S_k >= the incumbent's S_k (a plan better in round k is
    among those). In every such plan that keeps rounds 1..k-1 the k-1 smallest fills are the
    incumbent's and every other group is at v or above. The MIP maximises the number of
    groups above v (z_g binary, fill_g >= z_g (floor(v q_g) + 1) / q_g). With U its bound,
    every plan left has at least n - U groups at v or below, so the rounds up to n - U have
    a value of at most v: those the incumbent has at v are proven. Its plan (which keeps
    every row) becomes the incumbent when it has more groups above v; the rounds proven are
    then those up to b + its count at v (b: the fills below v). A MIP stopped early still
    proves the rounds its bound allows. When nothing is proven round k's row is left free
    again (with ``free``; else round k is proven already and its row stays)."""
    fill = fills(hp, hp.values)
    sf = np.sort(fill)
    n = len(req)
    v = float(sf[k - 1])
    b = int(np.count_nonzero(sf < v - 1e-9))
    if v >= 1.0 - 1e-12 or time.perf_counter() >= deadline:
        return k - 1
    s_k = float(sf[:k].sum())
    hp.set_row_bounds(fix, s_k - TOLERANCE * max(1.0, abs(s_k)), np.inf)
    need = np.floor(v * req + 1e-7) + 1                # learners above v
    can = need <= req
    z = hp.add_cols(np.zeros(n), can.astype(float), integer=True)
    rows = hp.add_rows(np.r_[np.arange(n), np.arange(n)], np.r_[phi, z],
                       np.r_[np.ones(n), -need / req], np.zeros(n), np.full(n, np.inf))
    hp.values[z] = (can & (fill * req >= need - 1e-7)).astype(float)
    cost = np.zeros(hp.n_cols)
    cost[z] = 1.0
    try:
        r = hp.solve(cost, True, deadline=deadline, snap=whole(True), progress=progress)
    finally:
        hp.set_col_bounds(z, np.zeros(n), np.zeros(n))
        hp.values[z] = 0.0
        hp.set_row_bounds(rows, np.full(n, -np.inf), np.full(n, np.inf))
    top = k - 1
    if r.stopped in ("", "time_limit") and np.isfinite(r.bound):
        at_most = n - int(np.floor(r.bound + 1e-6))      # rounds whose value is <= v
        sf = np.sort(fills(hp, hp.values))
        at_v = int(np.count_nonzero(np.abs(sf - v) <= 1e-9))
        top = max(k - 1, min(at_most, b + at_v))
    if top < k and free:
        hp.set_row_bounds(fix, -np.inf, np.inf)
    return top


def _level_proofs(hp: HighsPart, phi: np.ndarray, req: np.ndarray, sorted_fill: np.ndarray,
                  k: int, deadline: float, progress: Progress | None) -> int:
    """The level proof (an LP) where it is worth an LP (at least MIN_BLOCK rounds tied at the
    k-th fill, or too many bottom cases for the rounding proof): for the tied rounds
    together, then for round k alone and the block its slack suggests. The last round
    proven (k-1 when none)."""
    many = k > 1 and _bottom_cases(req, sorted_fill, k - 1) is None
    tied = _tied(sorted_fill, k, MIN_BLOCK)
    level = k - 1
    if not (tied or many):
        return level
    level = max(level, _level_proof(hp, phi, req, k, deadline, progress)[0])
    if level < k and _tied(sorted_fill, k, 2):
        # round k alone; the least slack it proves suggests how many rounds a block could
        # take (each group moved to the level needs one learner fewer): one more LP for it
        top, slack = _level_proof(hp, phi, req, k, deadline, progress, top=k)
        level = max(level, top)
        guess = k + int(np.floor(slack - 1e-6))
        if top >= k and guess > k:
            level = max(level, _level_proof(hp, phi, req, k, deadline, progress, top=guess)[0])
    return level


def _tied(sorted_fill: np.ndarray, k: int, least: int) -> bool:
    """At least ``least`` of the rounds from k on are tied at the incumbent's k-th fill v (b
    fills below it, c at it: b + c >= k + least - 1), or v is 0 (the level MIP then asks how
    many groups can be placed at all: a plan with none left at 0 where there is one, else
    the proof that they cannot); False when v is 1."""
    v = sorted_fill[k - 1]
    if v >= 1.0 - 1e-12:
        return False
    return v <= 1e-12 or int(np.count_nonzero(sorted_fill <= v + 1e-9)) >= k + least - 1


def _share(fair_deadline: float, sorted_fill: np.ndarray, k: int,
           round_deadline: float) -> float:
    """The level MIP's deadline: a level's share of the leximin time left (the levels left
    are the distinct fills below 1; half of it for the level at 0, where the MIP places every
    group that can be placed or proves the rest cannot: the fair share reads 0 until it
    does), never less than the round's."""
    below = int(np.count_nonzero(sorted_fill[k - 1:] < 1.0 - 1e-12))
    left = 2 if sorted_fill[k - 1] <= 1e-12 else \
        max(1, len(_levels(sorted_fill[k - 1:], below)[0]))
    now = time.perf_counter()
    return max(round_deadline, min(fair_deadline, now + (fair_deadline - now) / left))


def _levels(fill: np.ndarray, upto: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of the ``upto`` smallest fills and how often each occurs (values
    within 1e-9 of each other are one value: fills are fractions p/q computed in floats)."""
    low = np.sort(fill)[:upto]
    if not len(low):
        return np.zeros(0), np.zeros(0, np.int64)
    start = np.r_[0, np.flatnonzero(np.diff(low) > 1e-9) + 1]
    return low[start], np.diff(np.r_[start, len(low)])


def _level_proof(hp: HighsPart, phi: np.ndarray, req: np.ndarray, k: int, deadline: float,
                 progress: Progress | None, top: int | None = None) -> tuple[int, float]:
    """(the last round r >= k an LP proves at the incumbent's value, or 0; the least slack
    it proved, 0 when none), rounds 1..k-1 proven. No bottom case is listed, so it works
    where ``_bottom_cases`` finds too many.

    Let v be the incumbent's k-th smallest fill, b the number of its fills below v and c the
    number at v. Every plan left (rounds 1..k-1 kept) has the incumbent's b values below v
    as its b smallest fills (with their multiplicities), and every other group at v or
    above. If no such plan has fewer than c groups at v, the rounds b+1..b+c all have the
    value v in every plan left: rounds k..b+c are proven at once (many groups of the same
    size tied at one fill are lifted as a block). With ``top`` only rounds k..top are asked
    (fewer than top-b groups at v is impossible).

    Such a plan, with m groups at v (k-1-b <= m <= c-1, or m = k-1-b alone), is described
    by the convex hull of each group's choices, coupled by the counts (an assignment LP):
    y_gl in [0, 1] for group g at level u_l (a value below v, or v; only where u_l q_g is
    whole, a fill being p/q_g), a_g for g above v (at least floor(v q_g) + 1 of its q_g
    learners), sum_l y_gl + a_g = 1, sum_g y_gl = the count of u_l (in [k-1-b, c-1] for v),
    and fill_g between sum_l u_l y_gl + need_g a_g / q_g and sum_l u_l y_gl + a_g. Every
    such plan is a whole point of it. With slack columns on the two fill rows, the least
    slack (in learners) over every column is bounded below by the Lagrangian bound of the
    LP's duals: a bound above 0 means no such plan exists."""
    fill = fills(hp, hp.values)
    sf = np.sort(fill)
    n = len(req)
    v = float(sf[k - 1])
    if v >= 1.0 - 1e-12 or time.perf_counter() >= deadline:
        return 0, 0.0
    b = int(np.count_nonzero(sf < v - 1e-9))
    c = int(np.count_nonzero(np.abs(sf - v) <= 1e-9))
    top = b + c if top is None else min(top, b + c)
    vals, counts = _levels(fill, b)
    vals = np.r_[vals, v]
    lo_cnt = np.r_[counts, k - 1 - b].astype(float)
    up_cnt = np.r_[counts, top - 1 - b].astype(float)
    whole = np.abs(vals[:, None] * req[None, :] - np.round(vals[:, None] * req[None, :])) <= 1e-7
    lv, gp = np.nonzero(whole)                       # (level, group) pairs a group can take
    need = np.floor(v * req + 1e-7) + 1              # learners above v
    y = hp.add_cols(np.zeros(len(lv)), np.ones(len(lv)))
    a = hp.add_cols(np.zeros(n), (need <= req).astype(float))
    sp = hp.add_cols(np.zeros(n), np.ones(n))
    sm = hp.add_cols(np.zeros(n), np.ones(n))
    g_ = np.arange(n)
    L = len(vals)
    # rows: one choice per group (n), one count per level (L), then the two fill rows
    r_choice = np.r_[gp, g_]
    c_choice = np.r_[y, a]
    v_choice = np.ones(len(lv) + n)
    r_count = lv + n
    c_count = y
    v_count = np.ones(len(lv))
    u = vals[lv]
    base = n + L
    # fill_g - sum u y - need/q a + sp >= 0 ; fill_g - sum u y - a - sm <= 0
    r_lo = np.r_[base + g_, base + gp, base + g_, base + g_]
    c_lo = np.r_[phi, y, a, sp]
    v_lo = np.r_[np.ones(n), -u, -need / req, np.ones(n)]
    r_up = r_lo + n
    c_up = np.r_[phi, y, a, sm]
    v_up = np.r_[np.ones(n), -u, -np.ones(n), -np.ones(n)]
    new_rows = hp.add_rows(np.r_[r_choice, r_count, r_lo, r_up],
                           np.r_[c_choice, c_count, c_lo, c_up],
                           np.r_[v_choice, v_count, v_lo, v_up],
                           np.r_[np.ones(n), lo_cnt, np.zeros(n), np.full(n, -np.inf)],
                           np.r_[np.ones(n), up_cnt, np.full(n, np.inf), np.zeros(n)])
    cost = np.zeros(hp.n_cols)
    cost[sp] = req
    cost[sm] = req
    try:
        r = hp.solve(cost, False, deadline=deadline, progress=progress, lp_only=True)
        proven = not r.stopped and r.bound > 1e-6
    finally:
        new = np.r_[y, a, sp, sm]
        hp.set_col_bounds(new, np.zeros(len(new)), np.zeros(len(new)))
        hp.set_row_bounds(new_rows, np.full(len(new_rows), -np.inf),
                          np.full(len(new_rows), np.inf))
    return (top, float(r.bound)) if proven else (0, 0.0)


def _moved_prices(hp: HighsPart, phi: np.ndarray, rows: np.ndarray, last: tuple) -> np.ndarray:
    """An earlier rounding-proof LP's duals, its rows' prices moved to this LP's rows of the
    same fill columns (its own rows now hold w = 0 and get no price)."""
    y_old, row_of, _ = last
    y = np.zeros(hp.n_rows)
    y[:len(y_old)] = y_old
    y[list(row_of.values())] = 0.0
    for col, row in zip(phi.tolist(), rows.tolist()):
        if col in row_of:
            y[row] = y_old[row_of[col]]
    return y


def _fraction_snap(s_prev: float, req: np.ndarray):
    """S_k - S_(k-1) is the k-th smallest fill rate, a fraction p/q with q the learners
    requested by one of the groups: a bound on S_k snaps down to the largest such value.
    That is what lets a round be proven without closing the MIP gap to 1e-9."""
    qs = np.unique(req[req > 0])

    def snap(bound: float) -> float:
        room = min(1.0, bound - s_prev)
        if room < 0:
            return bound
        best = float(np.max(np.floor(room * qs + 1e-6) / qs))
        return s_prev + min(best, room + 1e-6)   # never above the bound it snaps
    return snap


def _keep_full(hp: HighsPart, req: np.ndarray, s_kept: float, n_full: int) -> None:
    """Keep S_j for every j above the kept rounds when the groups left are all full.

    One row does it: sum_f fill_f >= S_(k-1) + n_full. With S_1..S_(k-1) kept and every fill
    at most 1, the j smallest fills then sum to at least S_n - (n - j) = S_(k-1) + (j - k + 1),
    the maximum, for every j >= k. Without it a tier after leximin with tier 1 switched off
    (travel, say) could empty full groups: 107 of 268 placed on the demo, called optimal."""
    m = hp.model
    rhs = s_kept + n_full
    hp.add_rows(np.zeros(hp.n_x, np.int64), np.arange(hp.n_x), 1.0 / req[m.fair],
                [rhs - TOLERANCE * max(1.0, rhs)], [np.inf])


def _round(hp: HighsPart, k: int, phi: np.ndarray):
    """Columns t_k and d_kf >= 0, rows d_kf - t_k + fill_f >= 0 and the row
    ``k*t_k - sum d_kf`` (returned unbounded, fixed once the round is proven)."""
    n_f = len(phi)
    t = hp.add_cols([0.0], [1.0])[0]                 # fill rates lie in [0, 1]
    d = hp.add_cols(np.zeros(n_f), np.ones(n_f))
    cur = np.sort(hp.values[phi])
    hp.values[t] = cur[k - 1]
    hp.values[d] = np.maximum(0.0, cur[k - 1] - hp.values[phi])
    rows = np.repeat(np.arange(n_f), 3)
    cols = np.stack([d, np.full(n_f, t), phi], 1).ravel()
    vals = np.tile([1.0, -1.0, 1.0], n_f)
    hp.add_rows(rows, cols, vals, np.zeros(n_f), np.full(n_f, np.inf))
    fix = hp.add_rows(np.zeros(n_f + 1, np.int64), np.r_[t, d], np.r_[float(k), -np.ones(n_f)],
                      [-np.inf], [np.inf])
    cost = np.zeros(hp.n_cols)
    cost[t] = float(k)
    cost[d] = -1.0
    return cost, fix, t, d
