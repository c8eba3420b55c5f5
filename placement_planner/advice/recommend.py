"""Re-solve candidates one at a time (tier 1, warm started from the baseline), trim each to the
places and weeks its re-solved plan uses, rank by verified gain then cost, and build the
"add the top k in order" package."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from placement_planner.analysis.common import build_context, keys
from placement_planner.advice.candidates import Candidate
from placement_planner.advice.parts import Measured, capacity_row, solve_tier1, with_capacity
from placement_planner.advice.tariff import Tariffs
from placement_planner.domain import PlanningData

GAIN_EPS = 1e-6


@dataclass
class Recommendation:
    site_id: str
    site_name: str
    profession: str
    setting: str
    start_week: int
    end_week: int
    places: int
    extra_learners_placed: int
    extra_weighted_placed: float
    cost: float
    tariff_per_week: float
    proven: bool                 # both optima proven (baseline part and the re-solve)
    source: str
    prof_key: str
    rank: int = 0
    seconds: float = 0.0

    @property
    def weeks(self) -> int:
        return self.end_week - self.start_week + 1

    @property
    def cost_per_extra_learner(self) -> float | None:
        return round(self.cost / self.extra_learners_placed, 2) if self.extra_learners_placed > 0 else None

    def row(self, data: PlanningData) -> dict:
        return capacity_row(data, self.site_id, self.profession, self.setting, self.start_week,
                            self.end_week, self.places)


@dataclass
class PackageStep:
    k: int
    site_id: str
    profession: str
    places: int
    cumulative_extra_weighted: float
    cumulative_extra_learners: int
    cumulative_cost: float
    proven: bool


@dataclass
class Verified:
    recommendations: list[Recommendation] = field(default_factory=list)
    tried: int = 0
    seconds: float = 0.0


def _pool_use(data: PlanningData, measured: Measured, cand: Candidate) -> np.ndarray:
    """Learners on placement per week in the candidate's pool in a re-solved plan."""
    ctx = build_context(data, measured.plan)
    pools = ctx.pools
    site, prof, setting = cand.key()
    hit = np.flatnonzero((pools["site_id"].astype(str).to_numpy() == site)
                         & (pools["prof_key"].to_numpy() == prof) & (pools["set_key"].to_numpy() == setting))
    weeks = max(ctx.n_weeks, cand.end_week + 1)
    use = np.zeros(weeks, dtype=np.int64)
    if len(hit):
        use[:ctx.used.shape[1]] = ctx.used[hit[0]]
    return use


def _base_places(data: PlanningData, cand: Candidate, weeks: int) -> np.ndarray:
    cap = data.capacity
    site, prof, setting = cand.key()
    mine = cap[(cap["site_id"].astype(str) == site) & (keys(cap["profession"]) == prof)
               & (keys(cap["setting"]) == setting)]
    grid = np.zeros(weeks + 1, dtype=np.int64)
    for first, last, n in zip(mine["start_week"], mine["end_week"], mine["places"]):
        grid[max(int(first), 0):min(int(last), weeks - 1) + 1] += int(n)
    return grid[:weeks]


def verify(part: PlanningData, base: Measured, cand: Candidate, tariffs: Tariffs,
           site_names: dict[str, str], prof_key: str, time_limit_s: float | None = None
           ) -> Recommendation | None:
    """Re-solve the part with the candidate row; None when it places no one more."""
    t0 = time.perf_counter()
    trial = with_capacity(part, [capacity_row(part, cand.site_id, cand.profession, cand.setting,
                                              cand.start_week, cand.end_week, cand.places)])
    measured = solve_tier1(trial, start_from=base.plan.allocations, time_limit_s=time_limit_s)
    gain = measured.weighted - base.weighted
    if gain <= GAIN_EPS:
        return None
    # Trim to what the re-solved plan uses beyond the baseline places: the trimmed row still
    # admits that plan and is inside the candidate, so its optimum is the same.
    use = _pool_use(trial, measured, cand)
    base_places = _base_places(part, cand, len(use))
    over = np.clip(use - base_places, 0, cand.places)
    window = np.arange(len(use))
    used_weeks = window[(window >= cand.start_week) & (window <= cand.end_week) & (over > 0)]
    if len(used_weeks):
        first, last = int(used_weeks.min()), int(used_weeks.max())
        places = int(over[first:last + 1].max())
    else:  # the optimum moved other groups; keep the candidate as tried
        first, last, places = cand.start_week, cand.end_week, cand.places
    weeks = last - first + 1
    return Recommendation(
        site_id=cand.site_id, site_name=site_names.get(cand.site_id, ""), profession=cand.profession,
        setting=cand.setting, start_week=first, end_week=last, places=places,
        extra_learners_placed=int(measured.learners - base.learners),
        extra_weighted_placed=round(gain, 6), cost=tariffs.cost(cand.profession, places, weeks),
        tariff_per_week=tariffs.weekly(cand.profession), proven=bool(measured.proven and base.proven),
        source=cand.source, prof_key=prof_key, seconds=time.perf_counter() - t0)


def rank(recs: list[Recommendation]) -> list[Recommendation]:
    """Best first: verified weighted gain (desc), then cost (asc); numbered from 1."""
    ordered = sorted(recs, key=lambda r: (-round(r.extra_weighted_placed, 6), r.cost, r.site_id,
                                          r.profession, r.setting, r.start_week))
    for i, r in enumerate(ordered, start=1):
        r.rank = i
    return ordered


def package(recs: list[Recommendation], parts: dict[str, PlanningData], bases: dict[str, Measured],
            time_limit_s: float | None = None) -> list[PackageStep]:
    """Add the top 1, 2, ... k together: the cumulative verified gain (diminishing returns).
    Only the profession of the newest row is re-solved; a profession with one row so far
    reuses that row's own verified gain."""
    steps, gains, learners, proven = [], {}, {}, {}
    cost = 0.0
    for k, rec in enumerate(recs, start=1):
        mine = [r for r in recs[:k] if r.prof_key == rec.prof_key]
        if len(mine) == 1:
            gains[rec.prof_key], learners[rec.prof_key] = rec.extra_weighted_placed, rec.extra_learners_placed
            proven[rec.prof_key] = rec.proven
        else:
            part, base = parts[rec.prof_key], bases[rec.prof_key]
            trial = with_capacity(part, [r.row(part) for r in mine])
            m = solve_tier1(trial, start_from=base.plan.allocations, time_limit_s=time_limit_s)
            gains[rec.prof_key] = round(m.weighted - base.weighted, 6)
            learners[rec.prof_key] = m.learners - base.learners
            proven[rec.prof_key] = m.proven and base.proven
        cost += rec.cost
        steps.append(PackageStep(k, rec.site_id, rec.profession, rec.places, round(sum(gains.values()), 6),
                                 int(sum(learners.values())), round(cost, 2), all(proven.values())))
    return steps
