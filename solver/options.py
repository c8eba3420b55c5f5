"""What a caller may tune about one solve: time limit, threads and the tier order."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from placement_planner.domain import PlanningData, Tier


@dataclass(frozen=True)
class SolveOptions:
    """``None`` means "take it from the workbook's Settings"; a tier not listed is off."""

    time_limit_s: float | None = None
    threads: int | None = None
    tiers: tuple[Tier, ...] | None = None
    # A plan to start from (ALLOCATION_COLUMNS), e.g. the baseline plan of a what-if
    # scenario: its rows that are still feasible form the first incumbent. Not a rule.
    start_from: pd.DataFrame | None = field(default=None, compare=False)

    def resolved(self, data: PlanningData) -> "SolveOptions":
        s = data.settings
        tiers = s.tiers if self.tiers is None else self.tiers
        return SolveOptions(
            time_limit_s=float(s.time_limit_s if self.time_limit_s is None else self.time_limit_s),
            threads=max(1, int(s.threads if self.threads is None else self.threads)),
            tiers=tuple(Tier(t) for t in tiers),
            start_from=self.start_from,
        )
