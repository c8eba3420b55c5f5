"""Re-plan only the parts of the problem a scenario's changes reach; keep the rest of the plan.

The solver splits a problem into independent parts (connected groups, pools and fairness
groups; solver/components.py). A part that holds no changed demand row and no changed pool
is the baseline's part unchanged. When the previous plan is the baseline's own plan, tier 1
was proven for it, and keep-previous ranks directly after tier 1, that part's optimum is the
previous plan itself: a plan keeping every previous learner and placing as many (weighted)
as the proven optimum cannot place anyone else (every weight is above 0), so it *is* the
previous plan, whatever the lower tiers say. Only the other parts are solved again.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pandas as pd

from placement_planner.domain import Plan, PlanStatus, Tier
from placement_planner.scenarios.apply import Applied


def reusable(baseline_plan: Plan | None, previous_is_baseline: bool, tiers: tuple[Tier, ...]) -> bool:
    if baseline_plan is None or not previous_is_baseline or tuple(tiers[:2]) != (Tier.PLACED, Tier.KEEP_PREVIOUS):
        return False
    status = getattr(baseline_plan.status, "value", str(baseline_plan.status))
    gap = baseline_plan.gap
    return status not in ("infeasible", "error", "cancelled") and gap == gap and gap <= 1e-9


def affected_rows(applied: Applied) -> np.ndarray:
    """Demand rows (of the scenario's data) in a part that a change reaches."""
    from placement_planner.solver.components import split_parts
    from placement_planner.solver.pools import fold
    from placement_planner.solver.problem import build_problem

    data = applied.data
    ids = data.demand["demand_id"].astype(str).to_numpy()
    changed_row = np.isin(ids, list(applied.changed_demand))
    # Rows the previous plan had at a changed pool must be free to move (the pool may have no
    # option left, so it need not be in any part).
    prev = data.previous
    if len(prev) and applied.changed_pools:
        prof = data.demand.set_index(data.demand["demand_id"].astype(str))["profession"]
        keys = zip(prev["site_id"].astype(str), prev["demand_id"].astype(str).map(prof).fillna(""),
                   fold(prev["setting"]))
        at_changed = np.fromiter((k in applied.changed_pools for k in keys), dtype=bool, count=len(prev))
        changed_row |= np.isin(ids, prev.loc[at_changed, "demand_id"].astype(str).unique())
    problem = build_problem(data)
    parts = split_parts(problem.g, problem.p, problem.groups.fair, len(problem.groups), len(problem.pools),
                        len(problem.groups.fair_keys))
    pools = problem.pools
    want = {(problem.sites.index.get(s, -1), prof, fold([st])[0]) for s, prof, st in applied.changed_pools}
    changed_pool = np.zeros(len(pools), dtype=bool)
    for key in want:
        i = pools.index.get(key)
        if i is not None:
            changed_pool[i] = True
    changed_group = np.zeros(len(problem.groups), dtype=bool)
    changed_group[problem.groups.of_row[changed_row]] = True
    hit_group = np.zeros(len(problem.groups), dtype=bool)
    for part in parts:
        g, p = problem.g[part], problem.p[part]
        if changed_group[g].any() or changed_pool[p].any():
            hit_group[g] = True
    return hit_group[problem.groups.of_row] | changed_row


def solve_affected(applied: Applied, options, progress=None) -> Plan:
    """The scenario's plan: the parts a change reaches solved again, the others kept."""
    from placement_planner.solver import solve

    start = time.perf_counter()
    data = applied.data
    rows = affected_rows(applied)
    ids = set(data.demand.loc[rows, "demand_id"].astype(str))
    if not ids:   # the changes reach no group that could use them: the previous plan stands
        return _with_journeys(data, Plan(
            allocations=data.previous.drop(columns=["row"], errors="ignore").reset_index(drop=True),
            status=PlanStatus.OPTIMAL, bound=float(options_bound(data)), gap=0.0,
            solve_seconds=time.perf_counter() - start,
            messages=["The changes reach no group that could use them; the previous plan is kept."]))
    keep = lambda frame: frame[frame["demand_id"].astype(str).isin(ids)].reset_index(drop=True)  # noqa: E731
    sub = dataclasses.replace(data, demand=data.demand.loc[rows].reset_index(drop=True), locked=keep(data.locked),
                              previous=keep(data.previous), source_sheets={})
    start_from = keep(options.start_from) if options.start_from is not None else None
    sub_options = dataclasses.replace(options, start_from=start_from)
    plan = previous_if_still_best(sub, sub_options, progress) or solve(sub, sub_options, progress)
    if getattr(plan.status, "value", plan.status) in ("infeasible", "error"):
        return plan
    prev = data.previous
    kept = prev[~prev["demand_id"].astype(str).isin(ids)]
    alloc = pd.concat([plan.allocations, kept[plan.allocations.columns]], ignore_index=True)
    weight = pd.Series(data.weights(), index=data.demand["demand_id"].astype(str))
    kept_weight = float((kept["demand_id"].astype(str).map(weight).fillna(0) * kept["learners"]).sum())
    placed = float(plan.tier_values.get(Tier.PLACED.value, 0.0)) + kept_weight
    bound = float(plan.bound) + kept_weight
    messages = [f"Re-planned {len(ids):,} of {len(data.demand):,} demand rows (the parts the changes reach); "
                f"the rest of the previous plan is kept as it was."] + list(plan.messages)
    values = dict(plan.tier_values)
    if Tier.PLACED.value in values:
        values[Tier.PLACED.value] = placed
    status = plan.status if isinstance(plan.status, PlanStatus) else PlanStatus(plan.status)
    return _with_journeys(data, Plan(allocations=alloc, status=status, tier_values=values, bound=bound,
                                     gap=max(0.0, (bound - placed) / bound) if bound > 0 else 0.0,
                                     solve_seconds=time.perf_counter() - start, messages=messages))


def _with_journeys(data, plan: Plan) -> Plan:
    """A plan put together from kept and re-planned rows: its learners' paths are split again
    from all its allocations (a re-planned part alone would show only its own journeys), and
    the variety figure counts the repeats of those paths."""
    if not (data.demand["journey"].astype(str) != "").any():
        return plan
    from placement_planner.solver.journeys import plan_paths
    paths = plan_paths(data, plan.allocations)
    plan.journeys = paths.frame
    if Tier.VARIETY.value in plan.tier_values or Tier.VARIETY in tuple(data.settings.tiers):
        plan.tier_values[Tier.VARIETY.value] = float(paths.repeats)
    return plan


def options_bound(data) -> float:
    """Weighted learners of the previous plan (tier 1 of a plan left as it was)."""
    weight = pd.Series(data.weights(), index=data.demand["demand_id"].astype(str))
    prev = data.previous
    return float((prev["demand_id"].astype(str).map(weight).fillna(0) * prev["learners"]).sum())


# Above this many demand rows the problem is built only once (by the solve): national data build
# in ~10 s and their big parts go to PDLP, where the shortcut's tier-1 solve is the slow tier.
SHORTCUT_MAX_ROWS = 8_000


def previous_if_still_best(data, options, progress=None) -> Plan | None:
    """The previous plan (less the rows that are no longer placement options) when it is provably
    the scenario's best plan; None otherwise.

    With tier 1 first and keep-previous second: if what is left of the previous plan fits the
    scenario (every row still an option, no group over its learners, no pool over its places in
    any week) and the scenario's proven tier-1 optimum is no more than what it places, it keeps
    every previous learner that can be kept and no plan keeping them all can place anyone more,
    so it is the one best plan whatever the lower tiers say. Costs a tier-1 solve; skipped for
    parts the solver gives to PDLP, where tier 1 is the expensive tier.
    """
    from placement_planner.solver import SolveOptions, solve
    from placement_planner.solver.problem import build_problem, previous_options
    from placement_planner.solver.run import PDLP_MIN_COLUMNS

    tiers = tuple(options.tiers or ())
    prev = data.previous
    if tiers[:2] != (Tier.PLACED, Tier.KEEP_PREVIOUS) or not len(prev) or len(data.demand) > SHORTCUT_MAX_ROWS \
            or not _keeps_locks(prev, data.locked):
        return None
    problem = build_problem(data)
    if len(problem.g) >= PDLP_MIN_COLUMNS:
        return None
    rows, v, n = previous_options(data, problem)
    still = np.zeros(len(prev), dtype=bool)
    keys = prev.assign(demand_id=prev["demand_id"].astype(str), site_id=prev["site_id"].astype(str))
    # rows of the previous plan that are still options (previous_options keeps their order)
    ok = keys["demand_id"].isin(set(data.demand["demand_id"].astype(str))).to_numpy()
    if len(n) != int(ok.sum()):
        return None          # some row of a known group is no longer an option: ambiguous, solve it
    still[ok] = True
    per_row = np.bincount(rows, weights=n, minlength=len(data.demand))
    if np.any(per_row > data.demand["learners"].to_numpy()):
        return None
    used = np.zeros_like(problem.pools.places)
    weeks = problem.groups.weeks[problem.g[v]]
    for k in range(int(weeks.max()) if len(weeks) else 0):
        live = weeks > k
        np.add.at(used, (problem.p[v][live], problem.t[v][live] + k), n[live])
    if np.any(used > problem.pools.places):
        return None
    weight = data.weights()
    kept_value = float(np.sum(weight[rows] * n))
    limit = options.time_limit_s if options.time_limit_s is not None else data.settings.time_limit_s
    first = solve(data, dataclasses.replace(options, tiers=(Tier.PLACED,), time_limit_s=max(1.0, limit / 3)), progress)
    status = getattr(first.status, "value", first.status)
    if status != "optimal" or first.bound > kept_value + 1e-6:
        return None
    return _with_journeys(data, Plan(
        allocations=prev.loc[still].drop(columns=["row"], errors="ignore").reset_index(drop=True),
        status=PlanStatus.OPTIMAL, tier_values={Tier.PLACED.value: kept_value}, bound=kept_value, gap=0.0,
        solve_seconds=first.solve_seconds,
        messages=["The previous plan is still the best: tier 1 cannot place more than it keeps, so "
                  "every learner stays where they were."]))


def _keeps_locks(prev: pd.DataFrame, locked: pd.DataFrame) -> bool:
    """Does the plan hold every locked allocation (at the site; in the pool when a setting is given)?"""
    from placement_planner.solver.pools import fold

    if not len(locked):
        return True
    plan = pd.DataFrame({"d": prev["demand_id"].astype(str).to_numpy(), "s": prev["site_id"].astype(str).to_numpy(),
                         "p": fold(prev["setting"]), "n": prev["learners"].to_numpy()})
    at_site = plan.groupby(["d", "s"])["n"].sum()
    in_pool = plan.groupby(["d", "s", "p"])["n"].sum()
    for d, site, setting, n in zip(locked["demand_id"].astype(str), locked["site_id"].astype(str),
                                   fold(locked["setting"]), locked["learners"].to_numpy()):
        have = in_pool.get((d, site, setting), 0) if setting else at_site.get((d, site), 0)
        if have < n:
            return False
    return True
