"""The advisor's pipeline: baseline tier-1 plan -> profession parts with learners left ->
candidates (duals) -> verified recommendations -> package -> fixes -> smoothing."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from placement_planner.analysis.common import build_context, keys
from placement_planner.advice import candidates as cands
from placement_planner.advice.fixes import Fix, timed_fixes
from placement_planner.advice.lp import local_lp
from placement_planner.advice.parts import Measured, part, part_allocations, solve_tier1, weighted_placed
from placement_planner.advice.recommend import PackageStep, Recommendation, package, rank, verify
from placement_planner.advice.smoothing import smoothing_table
from placement_planner.advice.tariff import Tariffs
from placement_planner.domain import Plan, PlanningData

MAX_EXTRA_TRIES = 5


@dataclass
class Advice:
    places: int
    top: int
    baseline: Measured                       # the tier-1 plan of the whole workbook
    recommendations: list[Recommendation] = field(default_factory=list)
    package: list[PackageStep] = field(default_factory=list)
    fixes: dict[str, Fix] = field(default_factory=dict)
    fixes_run: bool = False                  # False when the caller skipped the fixes
    smoothing: pd.DataFrame | None = None
    candidates: int = 0
    tried: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)

    @property
    def proven(self) -> bool:
        return self.baseline.proven and all(r.proven for r in self.recommendations) \
            and all(s.proven for s in self.package)


def _say(progress, phase: str) -> None:
    if progress is not None:
        progress.report(phase)


def _cancelled(progress) -> bool:
    return progress is not None and bool(progress.cancelled)


def advise(data: PlanningData, places: int, top: int = 5, *, fixes: bool = True, smoothing: bool = True,
           gaps: pd.DataFrame | None = None, time_limit_s: float | None = None, progress=None) -> Advice:
    """Where ``places`` more places per week place the most learners; see the package doc."""
    if places < 1 or top < 1:
        raise ValueError("places and top must be at least 1")
    t0 = time.perf_counter()
    _say(progress, "advice: baseline plan (tier 1)")
    baseline = solve_tier1(data, time_limit_s=time_limit_s, progress=progress)
    advice = Advice(places=places, top=top, baseline=baseline)
    advice.timings["baseline"] = time.perf_counter() - t0
    if not baseline.proven:
        advice.messages.append("The baseline plan was not proven optimal within the time limit: gains are "
                               "measured against it and marked not proven.")

    # Only professions with learners left over can gain from more places or a fix.
    placed = build_context(data, baseline.plan).placed
    left = data.demand["learners"].to_numpy(dtype=np.int64) - placed
    prof = keys(data.demand["profession"])
    parts: dict[str, PlanningData] = {}
    bases: dict[str, Measured] = {}
    for key in sorted(set(prof[left > 0])):
        p = part(data, key)
        allocs = part_allocations(baseline.plan.allocations, p)
        plan = Plan(allocations=allocs, status=baseline.plan.status)
        bases[key] = Measured(weighted=weighted_placed(p, allocs), learners=int(allocs["learners"].sum()),
                              proven=baseline.proven, plan=plan, seconds=0.0)
        parts[key] = p

    t1 = time.perf_counter()
    _say(progress, "advice: capacity duals")
    pool: list[tuple[str, cands.Candidate]] = []
    for key, p in parts.items():
        ctx = build_context(p, bases[key].plan)
        lp = local_lp(ctx)
        found = cands.from_duals(ctx, lp, places) if np.isfinite(lp.value) else []
        # Places at each unplaced group's nearest pools in its own weeks: a sure gain of
        # min(N, learners left) (used alone when the LP was too large to solve).
        found += cands.from_unplaced(ctx, places)
        found += cands.no_eligible_site(ctx, places)
        found += cands.journey_missing_setting(ctx, places)
        found += cands.journey_span(ctx, places)
        pool += [(key, c) for c in found]
    pool.sort(key=lambda kc: (-kc[1].estimate, kc[1].site_id, kc[1].setting, kc[1].start_week))
    seen, unique = set(), []
    for key, c in pool:
        ident = (c.key(), c.start_week, c.end_week, c.places)
        if ident not in seen:
            seen.add(ident)
            unique.append((key, c))
    advice.candidates = len(unique)
    advice.timings["candidates"] = time.perf_counter() - t1

    t2 = time.perf_counter()
    tariffs = Tariffs(data.settings.extra)
    names = dict(zip(data.sites["site_id"].astype(str), data.sites["site_name"].fillna("").astype(str)))
    found_recs: list[Recommendation] = []
    verified_pools: set[tuple] = set()
    resolved: set[str] = set()
    for key, c in unique:
        if _cancelled(progress):
            advice.messages.append("Stopped by the user: the advice is incomplete.")
            break
        if len(found_recs) >= top or advice.tried >= top + MAX_EXTRA_TRIES:
            break
        if c.key() in verified_pools:   # one recommendation per site x profession x setting
            continue
        _say(progress, f"advice: re-solving candidate {advice.tried + 1} ({c.profession} at {c.site_id})")
        advice.tried += 1
        if not bases[key].proven and key not in resolved:
            # The whole plan was not proven; this profession alone may be: its own optimum is
            # the baseline its gains are measured against.
            resolved.add(key)
            own = solve_tier1(parts[key], start_from=bases[key].plan.allocations, time_limit_s=time_limit_s)
            if own.weighted >= bases[key].weighted - 1e-9:
                bases[key] = own
        rec = verify(parts[key], bases[key], c, tariffs, names, key, time_limit_s)
        if rec is not None:
            found_recs.append(rec)
            verified_pools.add(c.key())
    advice.recommendations = rank(found_recs)[:top]
    advice.timings["verify"] = time.perf_counter() - t2

    t3 = time.perf_counter()
    _say(progress, "advice: package")
    advice.package = package(advice.recommendations, parts, bases, time_limit_s)
    advice.timings["package"] = time.perf_counter() - t3

    if fixes and not _cancelled(progress):
        _say(progress, "advice: a fix for every unplaced group")
        advice.fixes, advice.timings["fixes"] = timed_fixes(parts, bases, time_limit_s)
        advice.fixes_run = True
    if smoothing and not _cancelled(progress):
        _say(progress, "advice: demand smoothing")
        if gaps is None:
            from placement_planner.analysis.gaps import gaps_table
            gaps = gaps_table(data, baseline.plan)
        advice.smoothing, advice.timings["smoothing"] = smoothing_table(parts, bases, gaps, time_limit_s)
    advice.timings["total"] = time.perf_counter() - t0
    return advice
