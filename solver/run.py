"""Solve every part through the enabled tiers, in parallel threads (the engines release the GIL)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from placement_planner.domain import Tier
from placement_planner.solver.fairness import leximin
from placement_planner.solver.greedy import greedy_fill
from placement_planner.solver.journeys_fill import journey_fill
from placement_planner.solver.highs_part import HighsPart, Result
from placement_planner.solver.lp_bound import lp_guided_plan, pdlp_solution
from placement_planner.solver.model import PartModel
from placement_planner.solver.progress import Progress
from placement_planner.solver.tiers import OBJECTIVES
from placement_planner.solver.travel import solve_travel


@dataclass
class PartResult:
    x: np.ndarray                    # learners per column (option) of the part
    placed: float = 0.0              # tier 1 value of the incumbent
    bound: float = 0.0               # proven tier-1 bound
    proven: bool = True              # every tier proven optimal
    stopped: str = ""                # "", "time_limit", "cancelled"
    infeasible: bool = False
    trouble: dict = field(default_factory=dict)   # tier -> "numerical" / "error"
    unplaceable: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    lp_bound: bool = False           # the bound comes from an LP (else "everyone placed")
    seconds: dict = field(default_factory=dict)   # wall time per tier
    travel: tuple | None = None      # (learner-km, proven bound or NaN): travel.solve_travel


def solve_part(model: PartModel, tiers: tuple[Tier, ...], deadline: float,
               progress: Progress | None) -> PartResult:
    """One part through every tier, from scratch."""
    state = begin_part(model, deadline)
    if state is None:
        return PartResult(x=np.zeros(len(model.ub)), infeasible=True)
    return run_tiers(state, tiers, deadline, progress)


@dataclass
class PartState:
    """A part between its tiers: the model with the tiers done so far kept, and its result."""
    model: PartModel
    hp: HighsPart
    res: PartResult
    locked_only: np.ndarray
    done: int = 0                    # tiers run so far
    proven_before: bool = True       # every tier before tiers[done] proven (to resume a stop)


def begin_part(model: PartModel, deadline: float) -> PartState | None:
    """The part's model with its locked rows kept and the first plan; None when the locks
    cannot all be kept."""
    hp = HighsPart(model)
    if model.lock_errors or not hp.keep_locked(deadline):
        return None
    res = PartResult(x=np.zeros(hp.n_x), bound=_trivial_bound(model))
    locked_only = hp.values.copy()
    hp.values = _first_plan(hp, model, deadline)
    return PartState(model, hp, res, locked_only)


def run_tiers(state: PartState, tiers: tuple[Tier, ...], deadline: float,
              progress: Progress | None, upto: int | None = None) -> PartResult:
    """Run the part's tiers from where it stopped, up to ``upto`` tiers in all (default all);
    the result holds the plan and bound so far."""
    hp, model, res = state.hp, state.model, state.res
    for tier in tiers[state.done:upto]:
        if progress is not None and progress.cancelled:
            res.stopped, res.proven = "cancelled", False
            break
        if time.perf_counter() >= deadline:
            res.stopped, res.proven = "time_limit", False
            break
        t0 = time.perf_counter()
        state.proven_before = res.proven
        if tier is Tier.FAIR_SHARE:
            fair = leximin(hp, deadline, progress)
            res.unplaceable = fair.unplaceable
            res.proven &= fair.proven
            res.stopped = _note(res, tier, fair.stopped)
        else:
            cost, maximise, snap = OBJECTIVES[tier](hp)
            if not np.any(cost):
                if tier is Tier.TRAVEL:       # nothing to travel: 0 km, exact
                    res.travel = (0.0, 0.0)
                state.done += 1
                continue
            if tier is Tier.PLACED and hp.n_x >= PDLP_MIN_COLUMNS:
                r = _placed_by_pdlp(hp, model, cost, state.locked_only, deadline, progress)
            else:
                r = None
            if tier is Tier.TRAVEL:       # exact, or within travel.TRAVEL_REL_GAP
                r, res.travel = solve_travel(hp, cost, deadline, progress)
            elif r is None:
                r = hp.solve(cost, maximise, deadline=deadline, snap=snap,
                             progress=progress)
            res.proven &= r.proven
            res.stopped = _note(res, tier, r.stopped)
            if tier is Tier.PLACED and np.isfinite(r.bound):
                # both are valid bounds: the smaller is the better one (Lagrangian bounds
                # from duals far from optimal can exceed "everyone placed")
                res.lp_bound = r.bound <= res.bound
                res.bound = min(res.bound, r.bound)
            if not r.stopped:
                hp.keep_at_least(cost, r.value, maximise, exact=snap is not None)
        res.seconds[tier.value] = res.seconds.get(tier.value, 0.0) + time.perf_counter() - t0
        if res.stopped or res.trouble:
            break
        state.done += 1
    res.x = hp.values[:hp.n_x].copy()
    res.placed = float(res.x @ model.weight)
    res.bound = max(res.bound, res.placed)
    return res


def _note(res: PartResult, tier: Tier, stopped: str) -> str:
    """A stop (time limit, cancel) is returned; solver trouble is recorded by tier and
    ends the part with its incumbent, which keeps every rule. An LP that calls the model
    infeasible after the locks were kept is numerical trouble, not an infeasible plan."""
    if stopped in ("", "time_limit", "cancelled"):
        return stopped
    res.trouble[tier.value] = "numerical" if stopped in ("infeasible", "numerical") else "error"
    res.proven = False
    return ""


def solve_parts(models: list[PartModel], tiers: tuple[Tier, ...], deadline: float,
                threads: int, progress: Progress | None) -> list[PartResult]:
    """Two passes over the parts, each part within a share of the pass's time in proportion to
    its size.

    First pass (when tier 1, placed, is the first tier): every part gets its locks kept, its
    first plan and tier 1, so that every part has its tier-1 plan and LP bound before any part
    spends time on the lower tiers (national, before this: 38 of 60 parts had no LP bound when
    the time ran out, and their bound was "everyone placed"). The parts smallest first, then
    the parts on the PDLP path with the rest of the pass. It may use ``FIRST_PASS_SHARE``
    of the time; a part whose tier 1 its share cut short goes on with it in the second pass.
    Second pass (``_Queue``): the other tiers, the part with the most work expected first, each
    as soon as its own tier 1 is done, with a share of the time left. Time that finished
    parts leave unused is not lost: once no part waits to start, a worker that is free solves
    again, smallest first, each part that ran out of its own share or ended it not proven (the
    parts waiting for this share the time left). The second run replaces the first only when it proves every tier, so
    a part ends ``time_limit`` only when it could not finish in the whole solve's time (or no
    worker was free to give it more)."""
    sizes = np.array([max(1, m.rows.row.size) for m in models], dtype=float)
    done = [0]
    started = [0]
    results: list[PartResult | None] = [None] * len(models)
    states: list[PartState | None] = [None] * len(models)
    short: list[int] = []            # parts stopped by their own share, not the deadline
    paused: dict[int, PartState] = {}  # of those, the ones that can go on where they stopped
    lock = threading.Lock()

    def own_share(i: int, until: float, left: float, floor: float = 0.0) -> float:
        now = time.perf_counter()
        share = min(1.0, max(floor, sizes[i] * threads / max(left, 1.0)))
        return min(until, now + max(0.5, (until - now) * share))

    first = 1 if tiers and tiers[0] is Tier.PLACED else 0
    if first:
        now = time.perf_counter()
        pass_end = min(deadline, now + FIRST_PASS_SHARE * max(0.0, deadline - now))
        pdlp = [i for i in range(len(models)) if models[i].ub.size >= PDLP_MIN_COLUMNS]
        # the shares are of the parts not on the PDLP path: PDLP's own limit bounds that part's
        # time (min(25 s, 70 % of the time left), not its size; with its 8 million nonzeros in
        # the shares, the national's 82,000-nonzero part got 0.5 s, needed 1.8 s and kept its
        # greedy plan, 521 learners below its LP)
        left1 = [sizes.sum() - sizes[pdlp].sum()]

        def first_pass(i: int) -> None:
            # a part on the PDLP path gets the whole pass: PDLP cannot go on where it stopped
            own = pass_end if models[i].ub.size >= PDLP_MIN_COLUMNS else \
                own_share(i, pass_end, left1[0])
            state = begin_part(models[i], deadline)
            if state is None:
                results[i] = PartResult(x=np.zeros(len(models[i].ub)), infeasible=True)
            else:
                results[i] = run_tiers(state, tiers, own, progress, upto=first)
                states[i] = state
            with lock:
                if models[i].ub.size < PDLP_MIN_COLUMNS:
                    left1[0] -= sizes[i]
        # the others smallest first (tier 1 of a small part takes well under a second, and
        # largest first left 32 of the national's 60 parts no time at all once the big ones
        # had used the pass), then the PDLP parts with the rest of the pass: PDLP holds the
        # GIL, and started first it left the mid-sized parts (100,000 options) no time
        rest = sorted(set(range(len(models))) - set(pdlp), key=lambda i: sizes[i])
        first_order = rest + pdlp
    else:
        first_order, pdlp = [], []
    remaining = [sizes.sum()]

    def run(i: int) -> None:
        with lock:
            started[0] += 1
        own = own_share(i, deadline, remaining[0], SECOND_PASS_FLOOR)
        state, states[i] = states[i], None
        if results[i] is not None and results[i].infeasible:
            result = results[i]
        elif state is None:
            state = begin_part(models[i], own)
            result = PartResult(x=np.zeros(len(models[i].ub)), infeasible=True) \
                if state is None else run_tiers(state, tiers, own, progress)
        else:
            if _resumable(state, tiers):
                _resume(state)                      # tier 1 goes on
            result = state.res if state.res.stopped or state.res.trouble or \
                state.done >= len(tiers) else run_tiers(state, tiers, own, progress)
        results[i] = result
        with lock:
            # stopped by its own share, or done within it but not proven (a leximin round or
            # a MIP ran out of its part of the share): more time may prove it
            if (result.stopped == "time_limit" or (not result.proven and not result.stopped
                                                   and not result.trouble
                                                   and not result.infeasible)) \
                    and own < deadline:
                short.append(i)
                if state is not None and _resumable(state, tiers):
                    paused[i] = state
            remaining[0] -= sizes[i]
            done[0] += 1
        if progress is not None:
            progress.report(f"solved part {done[0]} of {len(models)}",
                            fraction=1.0 - remaining[0] / sizes.sum())
        while started[0] == len(models):
            with lock:
                if not short or deadline - time.perf_counter() < RETRY_MIN_S or \
                        (progress is not None and progress.cancelled):
                    return
                j = min(short, key=lambda k: sizes[k])
                now = time.perf_counter()
                # the parts still waiting for a second run share the time left
                until = min(deadline, now + max(RETRY_MIN_S, (deadline - now) * threads / len(short)))
                short.remove(j)
                state = paused.pop(j, None)
            if state is not None:
                # it goes on from where its share stopped it, with the tiers it finished kept
                # and its incumbent (never worse than the first run's): region, before this,
                # its 16,735-option part restarted and spent 7 s again on the tiers it had done
                _resume(state)
                results[j] = again = run_tiers(state, tiers, until, progress)
                with lock:
                    if again.stopped == "time_limit" and until < deadline and \
                            _resumable(state, tiers):
                        short.append(j)
                        paused[j] = state
            else:
                again = solve_part(models[j], tiers, until, progress)
                results[j] = _better_run(results[j], again)

    queue = _Queue(first_order, set(pdlp), sizes)

    def worker() -> None:
        while (task := queue.take()) is not None:
            second, i = task
            if second:
                run(i)
            else:
                first_pass(i)
                queue.first_done(i, _lower_work(models[i], states[i], sizes[i]))
                if first and queue.all_first_done() and progress is not None:
                    progress.report(f"tier 1 of {len(models)} parts", fraction=0.3)

    if threads <= 1 or len(models) <= 1:
        worker()
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            for f in [pool.submit(worker) for _ in range(min(threads, len(models)))]:
                f.result()
    return results


class _Queue:
    """The order the workers take the parts in. First pass (tier 1) smallest first, then the
    PDLP parts; then the other tiers, the part with the most work expected first
    (``_lower_work``), each as soon as its own tier 1 is done: a worker never waits at the end
    of the first pass for the others (region: 0.4 s of a core idle), and a part that will take
    long starts early instead of last (region, before this: its 13,875-option part, 2.5 s of
    leximin and travel, ran last, alone for 1.2 s while the other core had nothing left).
    While a part's tier 1 runs on PDLP (which holds the GIL), no lower tier starts."""

    def __init__(self, first_order: list[int], pdlp: set[int], sizes: np.ndarray) -> None:
        self.first = list(first_order)
        self.running: set[int] = set()            # first pass running
        self.pdlp = pdlp
        n = len(sizes)
        self.work = {i: float(sizes[i]) for i in range(n) if i not in set(first_order)}
        self.waiting = set(range(n))              # second pass not started
        self.cond = threading.Condition()

    def take(self) -> tuple[bool, int] | None:
        """(second pass?, part) of the next task, or None when none is left."""
        with self.cond:
            while True:
                if self.first:
                    i = self.first.pop(0)
                    self.running.add(i)
                    return False, i
                ready = [i for i in self.waiting if i in self.work]
                if ready and not (self.running & self.pdlp):
                    i = max(ready, key=lambda k: (self.work[k], -k))
                    self.waiting.remove(i)
                    return True, i
                if not self.waiting:
                    return None
                self.cond.wait()

    def first_done(self, i: int, work: float) -> None:
        with self.cond:
            self.running.discard(i)
            self.work[i] = work
            self.cond.notify_all()

    def all_first_done(self) -> bool:
        with self.cond:
            return not self.first and not self.running


def _lower_work(model: PartModel, state: PartState | None, size: float) -> float:
    """A guess at the work of a part's tiers after tier 1, to start the longest first: its
    nonzeros, times one plus its fairness groups that tier 1 left below full (each may need a
    leximin round; a part whose groups are all full has none). A rough guess: region, the
    lower tiers take 0.5-3.2 s per 100,000 nonzeros in parts with every group full and 1.3-7.6 s
    in parts with groups below full (one run, each part alone); it starts the 16,735- and
    13,875-option parts, the slowest for their size, second and fourth, not fourth and fifth."""
    hp = getattr(state, "hp", None)
    fair = getattr(model, "fair", None)
    if hp is None or fair is None or not len(getattr(model, "fair_ids", ())):
        return size
    placed = np.bincount(fair, weights=hp.values[:hp.n_x], minlength=len(model.fair_ids))
    below = int(np.count_nonzero(placed < model.fair_requested - 1e-9))
    return size * (1 + below)


def _resumable(state: PartState, tiers: tuple[Tier, ...]) -> bool:
    """The part stopped at its share's end inside a tier it can simply run again from its
    incumbent, keeping the tiers before it (all proven): every tier but fair share (leximin keeps its rounds
    as rows as it goes) and tier 1 on the PDLP path (PDLP cannot go on where it stopped)."""
    res = state.res
    if res is None or res.stopped != "time_limit" or res.trouble or state.done >= len(tiers) \
            or not state.proven_before:
        return False       # (a tier before it not proven: only a new solve can prove them all)
    tier = tiers[state.done]
    return tier is not Tier.FAIR_SHARE and not (
        tier is Tier.PLACED and state.model.ub.size >= PDLP_MIN_COLUMNS)


def _resume(state: PartState) -> None:
    state.res.stopped, state.res.proven = "", state.proven_before


def _better_run(first: PartResult, again: PartResult) -> PartResult:
    """The part's result after a second run: the second when it proves every tier, or when it
    places more (tier 1 comes before every other tier; national, before this: second runs that
    lifted a part's tier 1 from its greedy plan to its LP optimum were dropped because a lower
    tier was left unproven). Either run's tier-1 bound is valid, so the smaller is kept."""
    if again.infeasible or again.trouble:
        return first
    if again.proven and not again.stopped:
        return again
    if again.placed > first.placed + 1e-9:
        if first.bound < again.bound:
            again.bound, again.lp_bound = first.bound, first.lp_bound
        again.proven = False
        return again
    return first


FIRST_PASS_SHARE = 0.7     # of the time: tier 1 of every part, before any lower tier
RETRY_MIN_S = 1.0          # a second run of a part needs at least this much time left
# Second pass: a part's share is at least this fraction of the time left. Shares by size alone
# gave the region's 16,735-option part 6.4 s of the 56 s left when its travel MIP needed 7.5 s
# (a part's time is not in proportion to its size); it then ran again after every other part,
# alone on one core (region wall 21.3 s, of which the last 7 s that part alone).
SECOND_PASS_FLOOR = 0.25
PDLP_MIN_COLUMNS = 300_000   # below this, column generation proves optimality fast enough
ROUND_FROM = (0.35, 0.25, 0.45, 1.0)


def _placed_by_pdlp(hp: HighsPart, model: PartModel, cost: np.ndarray, locked_only: np.ndarray,
                    deadline: float, progress: Progress | None):
    """Tier 1 of a very large part: PDLP bound over every option, LP-guided rounding, greedy
    fill, then the restricted MIP from that plan. None (fall back to column generation)
    when PDLP is not available."""
    n = hp.n_x
    left = deadline - time.perf_counter()
    a = hp.matrix()[:, :n].tocsc()
    lp = pdlp_solution(a, hp.row_lo, hp.row_up, hp.col_up[:n], cost[:n],
                       time_limit=min(25.0, max(0.5, 0.7 * left), max(0.1, left)), progress=progress)
    if lp is None:
        return None
    x_lp, y = lp
    bound = float(np.floor(hp.lagrangian_bound(cost, y, True) + 1e-6)) \
        if np.all(cost == np.round(cost)) else hp.lagrangian_bound(cost, y, True)
    n_demand = model.rows.n_demand
    # Rounding fractions of 0.25-0.45 up beat rounding down by ~0.7 % on national Adult Nursing
    # (49,820 against 49,098 with a bound of 49,991); each try takes under a second.
    for round_from in ROUND_FROM:
        if time.perf_counter() >= deadline:
            break
        guided = lp_guided_plan(a, hp.row_up, hp.col_up[:n], x_lp, locked_only[:n], round_from,
                                deadline)
        guided = greedy_fill(hp.matrix(), hp.row_up, n_demand, model.ub.astype(float), model.weight,
                             model.km, np.r_[guided, locked_only[n:]], deadline)
        if cost @ guided > cost @ hp.values:
            hp.values = guided
    value = float(cost @ hp.values)
    if progress is not None:
        progress.report(best=value, bound=bound)
    # No restricted MIP here: over the PDLP support of the national Adult Nursing part it ran
    # 23 s past a 18 s budget without improving the rounded plan (measured).
    proven = bound - value < 1 - 1e-6
    stopped = "" if proven else hp.why_stopped(progress) if time.perf_counter() >= deadline else ""
    return Result(value, bound, proven, hp.values.copy(), stopped)


def _first_plan(hp: HighsPart, model: PartModel, deadline: float) -> np.ndarray:
    """The incumbent every tier starts from: on top of the locked rows, the rows of the plan
    to start from (``SolveOptions.start_from``) that still fit, largest first and never
    breaking a row, then the greedy plan."""
    n_demand = model.rows.n_demand
    n = hp.n_x
    if model.start is not None and model.start.any():
        start = lp_guided_plan(hp.matrix()[:, :n], hp.row_up, hp.col_up[:n], model.start,
                               hp.values[:n], 1.0, deadline)
        hp.values = np.r_[start, hp.values[n:]]
    hp.values = journey_fill(hp.matrix(), hp.row_up, model, hp.values, deadline)  # journeys*.py
    return greedy_fill(hp.matrix(), hp.row_up, n_demand, model.ub.astype(float), model.weight,
                       model.km, hp.values, deadline)


def _trivial_bound(model: PartModel) -> float:
    """Every group fully placed at its weight: the bound when tier 1 is not solved."""
    n_demand = model.rows.n_demand
    best = np.zeros(n_demand)
    np.maximum.at(best, model.rows.row[:len(model.ub)], model.weight)
    return float(best @ model.rows.upper[:n_demand])
