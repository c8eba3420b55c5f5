"""Solve every part through the enabled tiers, in parallel threads (HiGHS drops the GIL)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import highspy
import numpy as np

from placement_planner.domain import Tier
from placement_planner.solver.fairness import leximin
from placement_planner.solver.highs_part import HighsPart
from placement_planner.solver.model import PartModel
from placement_planner.solver.progress import Progress
from placement_planner.solver.tiers import OBJECTIVES


@dataclass
class PartResult:
    x: np.ndarray                    # learners per column (option) of the part
    placed: float = 0.0              # tier 1 value of the incumbent
    bound: float = 0.0               # proven tier-1 bound
    proven: bool = True              # every tier proven optimal
    stopped: str = ""                # "", "time_limit", "cancelled"
    infeasible: bool = False
    unplaceable: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    seconds: dict = field(default_factory=dict)   # wall time per tier


def solve_part(model: PartModel, tiers: tuple[Tier, ...], deadline: float,
               progress: Progress | None) -> PartResult:
    hp = HighsPart(model)
    res = PartResult(x=np.zeros(hp.n_x))
    if model.lock_errors or not hp.keep_locked(deadline):
        res.infeasible = True
        return res
    res.bound = _trivial_bound(model)
    for tier in tiers:
        if progress is not None and progress.cancelled:
            res.stopped, res.proven = "cancelled", False
            break
        t0 = time.perf_counter()
        if tier is Tier.FAIR_SHARE:
            fair = leximin(hp, deadline, progress)
            res.unplaceable, res.stopped = fair.unplaceable, fair.stopped
            res.proven &= fair.proven
        else:
            cost, maximise, integral = OBJECTIVES[tier](hp)
            if not np.any(cost):
                continue
            r = hp.solve(cost, maximise, deadline=deadline, integral=integral,
                         progress=progress)
            if hp.lp.getModelStatus() == highspy.HighsModelStatus.kInfeasible:
                res.infeasible = True
                return res
            res.proven &= r.proven
            res.stopped = r.stopped
            if tier is Tier.PLACED and np.isfinite(r.bound):
                res.bound = r.bound
            if not r.stopped:
                hp.keep_at_least(cost, r.value, maximise)
        res.seconds[tier.value] = time.perf_counter() - t0
        if res.stopped:
            break
    res.x = hp.values[:hp.n_x].copy()
    res.placed = float(res.x @ model.weight)
    res.bound = max(res.bound, res.placed)
    return res


def solve_parts(models: list[PartModel], tiers: tuple[Tier, ...], deadline: float,
                threads: int, progress: Progress | None) -> list[PartResult]:
    """Largest parts first; each gets a share of the time left in proportion to its size."""
    sizes = np.array([max(1, m.rows.row.size) for m in models], dtype=float)
    remaining = [sizes.sum()]
    done = [0]

    def run(i: int) -> PartResult:
        now = time.perf_counter()
        share = min(1.0, sizes[i] * threads / max(remaining[0], 1.0))
        own = min(deadline, now + max(0.5, (deadline - now) * share))
        result = solve_part(models[i], tiers, own, progress)
        remaining[0] -= sizes[i]
        done[0] += 1
        if progress is not None:
            progress.report(f"solved part {done[0]} of {len(models)}",
                            fraction=1.0 - remaining[0] / sizes.sum())
        return result

    if threads <= 1 or len(models) <= 1:
        return [run(i) for i in range(len(models))]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(run, range(len(models))))


def _trivial_bound(model: PartModel) -> float:
    """Every group fully placed at its weight: the bound when tier 1 is not solved."""
    g = model.rows.names
    n_demand = sum(1 for n in g if n[0] == "demand")
    best = np.zeros(n_demand)
    np.maximum.at(best, model.rows.row[:len(model.ub)], model.weight)
    return float(best @ model.rows.upper[:n_demand])
