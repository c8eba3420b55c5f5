"""Re-plan a scenario from the previous plan, and measure what changed against the baseline.

The previous plan of a scenario is the workbook's `Allocations` sheet when it has one, else
the baseline's own plan. The solver gets it twice: as tier 3's plan to keep and as
``SolveOptions.start_from`` (its still-feasible rows are the first incumbent). In scenarios,
keep-previous ranks directly after tier 1 (a workshop wants the fewest learners moved) unless
the workbook's Settings give their own objective_order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from placement_planner.domain import DEFAULT_TIERS, Plan, PlanningData, Settings, Tier
from placement_planner.scenarios.apply import Applied, apply_changes
from placement_planner.scenarios.changes import Change
from placement_planner.scenarios.moves import learners_moved, moves_table

BASELINE = "baseline"
AREA_COLUMNS = ["scenario", "profession", "region", "unmet_learners", "change_vs_baseline"]


def scenario_tiers(settings: Settings) -> tuple[Tier, ...]:
    """Keep-previous right after tier 1, unless Settings give an order of their own.

    Every exported workbook writes objective_order; one equal to the default order is
    therefore read as "not chosen" (docs/decisions.md), and so is the v1 default (the same
    order without the journeys' variety tier), which workbooks exported before v2 carry.
    """
    v1_default = tuple(t for t in DEFAULT_TIERS if t is not Tier.VARIETY)
    if tuple(settings.tiers) == v1_default:
        settings = settings.with_(tiers=DEFAULT_TIERS)
    if tuple(settings.tiers) != DEFAULT_TIERS:
        return tuple(settings.tiers)
    rest = [t for t in DEFAULT_TIERS if t not in (Tier.PLACED, Tier.KEEP_PREVIOUS)]
    return (Tier.PLACED, Tier.KEEP_PREVIOUS, *rest)


def previous_plan(base: PlanningData, baseline_plan: Plan | None) -> pd.DataFrame:
    """The plan a scenario keeps: the Allocations sheet when loaded, else the baseline's plan."""
    if len(base.previous) or baseline_plan is None:
        return base.previous
    return baseline_plan.allocations


@dataclass
class Outcome:
    """One planned scenario (or the baseline): its plan and the figures compared."""

    name: str
    plan: Plan
    summary: dict
    moves: pd.DataFrame
    unmet_by_area: pd.DataFrame            # profession, region, ics, unmet_learners
    data: PlanningData | None = field(default=None, repr=False)   # kept when asked for (export)


def prepare(base: PlanningData, changes: list[Change], baseline_plan: Plan | None) -> Applied:
    return apply_changes(base, changes, previous_plan(base, baseline_plan))


def plan_scenario(base: PlanningData, changes: list[Change], name: str, baseline_plan: Plan | None, *,
                  time_limit_s: float | None = None, threads: int | None = None, progress=None,
                  keep_data: bool = False) -> Outcome:
    """Apply ``changes`` to ``base`` and re-plan from the previous plan."""
    applied = prepare(base, changes, baseline_plan)
    plan = solve_scenario(base, applied, baseline_plan, time_limit_s=time_limit_s, threads=threads,
                          progress=progress)
    return measure(name, applied.data, plan, applied.previous, base.demand, keep_data=keep_data)


def solve_scenario(base: PlanningData, applied: Applied, baseline_plan: Plan | None, *, time_limit_s=None,
                   threads=None, progress=None) -> Plan:
    """The scenario's plan from the previous plan: only the parts the changes reach are solved
    again when that is exact (reuse.py), else the whole scenario."""
    from placement_planner.scenarios.reuse import previous_if_still_best, reusable, solve_affected
    from placement_planner.solver import SolveOptions, solve

    data = applied.data
    tiers = scenario_tiers(base.settings)
    options = SolveOptions(time_limit_s=time_limit_s, threads=threads, tiers=tiers, start_from=data.previous)
    if reusable(baseline_plan, not len(base.previous), tiers):
        return solve_affected(applied, options, progress)
    return previous_if_still_best(data, options, progress) or solve(data, options, progress)


def plan_baseline(base: PlanningData, *, time_limit_s=None, threads=None, progress=None,
                  keep_data: bool = False) -> Outcome:
    from placement_planner.solver import SolveOptions, solve

    plan = solve(base, SolveOptions(time_limit_s=time_limit_s, threads=threads), progress)
    return measure(BASELINE, base, plan, base.previous, base.demand, keep_data=keep_data)


def measure(name: str, data: PlanningData, plan: Plan, previous: pd.DataFrame, base_demand: pd.DataFrame, *,
            keep_data: bool = False) -> Outcome:
    """Summary figures (with learners_moved), Moves and unmet learners by profession x region."""
    from placement_planner import analysis
    from placement_planner.analysis.gaps import demand_area

    ctx = analysis.build_context(data, plan)
    summary = dict(analysis.summary(data, plan, ctx))
    summary["learners_moved"] = learners_moved(previous, plan.allocations)
    moves = moves_table(previous, plan.allocations, scenario=name, week0=data.week0,
                        demand_info=pd.concat([base_demand[["demand_id", "hei", "profession"]],
                                               data.demand[["demand_id", "hei", "profession"]]]))
    region, ics = demand_area(ctx)
    unmet = data.demand["learners"].to_numpy(dtype=np.int64) - np.asarray(ctx.placed, dtype=np.int64)
    area = (pd.DataFrame({"profession": data.demand["profession"].to_numpy(dtype=object), "region": region,
                          "ics": ics, "unmet_learners": np.maximum(unmet, 0)})
            .groupby(["profession", "region", "ics"], sort=True)["unmet_learners"].sum().reset_index())
    return Outcome(name, plan, summary, moves, area, data if keep_data else None)


def area_table(outcomes: list[Outcome], level: str = "region") -> pd.DataFrame:
    """Compare by area: unmet learners by profession x region (or ics) for each scenario, with the
    change against the baseline (the first outcome). Areas with no unmet learners in either are
    left out."""
    def by(out):
        return out.unmet_by_area.groupby(["profession", level])["unmet_learners"].sum()

    base = by(outcomes[0])
    frames = []
    for out in outcomes:
        own = by(out)
        both = pd.concat([own.rename("own"), base.rename("base")], axis=1).fillna(0).astype(np.int64)
        both = both[(both["own"] > 0) | (both["base"] > 0)].sort_index()
        frames.append(pd.DataFrame({
            "scenario": out.name,
            "profession": both.index.get_level_values(0).to_numpy(dtype=object),
            level: both.index.get_level_values(1).to_numpy(dtype=object),
            "unmet_learners": both["own"].to_numpy(dtype=np.int64),
            "change_vs_baseline": (both["own"] - both["base"]).to_numpy(dtype=np.int64)}))
    columns = [level if c == "region" else c for c in AREA_COLUMNS]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


def compare_table(outcomes: list[Outcome]) -> pd.DataFrame:
    """One row per scenario, baseline first: scenario, the Summary keys, learners_moved."""
    from placement_planner.analysis import SUMMARY_KEYS

    # Workbooks with journeys: the Summary's variety_repeats too (the JSON has every Summary key).
    extra = ["variety_repeats"] if any("variety_repeats" in o.summary for o in outcomes) else []
    columns = ["scenario", *SUMMARY_KEYS, *extra, "learners_moved"]
    rows = [{"scenario": o.name, **{k: o.summary.get(k) for k in columns[1:]}} for o in outcomes]
    return pd.DataFrame(rows, columns=columns)
