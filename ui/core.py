"""The app's only doorway into the core: load, solve, analyse, export (no Qt here).

Everything here runs on worker threads and returns plain values, so the GUI thread only
ever swaps finished results in.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd

from placement_planner.domain import Plan, PlanningData
from placement_planner.ui import journeys


@dataclass
class Loaded:
    paths: list[str]
    data: PlanningData | None
    problems: list = field(default_factory=list)     # Problem items
    tables: dict = field(default_factory=dict)       # typed sheets, every row (errors too)
    sheet_files: dict = field(default_factory=dict)  # sheet key -> file name it came from
    recheck_keys: set = field(default_factory=set)   # where a re-check of the data finds problems
    journeys: pd.DataFrame | None = None             # a reopened plan's learner paths (Journeys sheet)

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)


@dataclass
class Results:
    """What the views show for one plan; computed off the GUI thread."""

    plan: Plan
    summary: dict
    allocations: pd.DataFrame
    unplaced: pd.DataFrame
    gaps: pd.DataFrame
    utilisation: pd.DataFrame
    schedule: object = None     # journeys.Schedule: each journey learner's weeks (None: no journeys)


def sample_paths() -> list[str]:
    root = resources.files("placement_planner.sample_data")
    names = ["demo_supply.xlsx", "demo_demand.xlsx"]
    return [str(root / n) for n in names if (root / n).is_file()]


def load(paths: list[str], progress=None) -> Loaded:
    from placement_planner.io import load_workbooks

    result = load_workbooks([str(p) for p in paths])
    if result.locked:    # locked by Excel or not downloaded by OneDrive: the app offers Retry
        from placement_planner.io.problems import LOCKED_MESSAGE, FileLockedError

        raise FileLockedError(result.locked[0], LOCKED_MESSAGE)
    tables = {name.lower(): frame for name, frame in getattr(result, "tables", {}).items()}
    problems = list(result.problems)
    keys = set()
    if result.data is not None and not any(p.is_error for p in problems):
        from placement_planner.ui.fixing import problem_key

        keys = {problem_key(p) for p in revalidate(result.data)}
    paths_read = None
    if journeys.has_journeys(result.data) and len(result.data.previous):
        # The importer leaves an output Journeys sheet alone; a reopened plan's paths come from it.
        paths_read = journeys.journeys_from_sheet(journeys.read_journeys_sheet(paths), result.data)
    return Loaded([str(p) for p in paths], result.data, problems, tables,
                  sheet_files(paths, result.problems), keys, paths_read)


def sheet_files(paths: list[str], problems=()) -> dict[str, str]:
    """Which file each input sheet came from (sheet key -> file name), so a problem found
    after an edit names its file as the ones found when loading do."""
    from placement_planner.io.schema import schema_for_sheet
    from placement_planner.names import name_key

    files = {name_key(p.sheet): p.file for p in problems if p.file and p.sheet}
    for path in map(Path, paths):
        names = [path.stem]
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            try:
                # calamine (the importer's reader, already loaded): 2 ms; openpyxl took
                # 0.2 s of CPU on every start, most of it importing openpyxl.
                from python_calamine import CalamineWorkbook

                names = list(CalamineWorkbook.from_path(str(path)).sheet_names)
            except Exception:      # the importer reports unreadable files itself
                continue
        for name in names:
            schema = schema_for_sheet(name)
            if schema is not None:
                files.setdefault(name_key(schema.name), path.name)
    if len(paths) == 1:
        files.setdefault("", Path(paths[0]).name)
    return files


def revalidate(data: PlanningData) -> list:
    """Every problem in the edited tables, found by the importer's own rules."""
    from placement_planner.io import validate_planning_data

    return list(validate_planning_data(data))


def snapshot(data: PlanningData) -> PlanningData:
    """A copy the solver can read while the user keeps editing (pandas copy-on-write)."""
    return dataclasses.replace(
        data, sites=data.sites.copy(deep=False), capacity=data.capacity.copy(deep=False),
        demand=data.demand.copy(deep=False), locked=data.locked.copy(deep=False),
        previous=data.previous.copy(deep=False), source_sheets=dict(data.source_sheets))


def analyse(data: PlanningData, plan: Plan) -> Results:
    from placement_planner import analysis

    ctx = analysis.build_context(data, plan)
    unplaced = analysis.unplaced_table(data, plan, ctx)
    # Unplaced groups carry their demand's ICS / region so the same filters apply to them.
    area = data.demand[["demand_id", "ics", "region"]].drop_duplicates("demand_id")
    unplaced = unplaced.merge(area, on="demand_id", how="left", suffixes=("", "_demand"))
    summary = dict(analysis.summary(data, plan, ctx))
    allocations = analysis.allocation_table(data, plan, ctx)
    schedule = None
    if journeys.has_journeys(data):   # learner journeys (issue 13): who goes where, week by week
        unplaced = journeys.with_journey_column(data, unplaced)
        allocations = journeys.with_journey_column(data, allocations)
        schedule = journeys.build_schedule(data, plan.journeys, plan.allocations)
        if not schedule.has_paths:      # a plan reopened without its Journeys sheet: split it again
            plan = journeys.with_paths_again(data, plan)
            schedule = journeys.build_schedule(data, plan.journeys, plan.allocations)
        summary.setdefault("site_repeats", journeys.site_repeats(plan.journeys) if schedule.has_paths else None)
    return Results(plan=plan, summary=summary, allocations=allocations, unplaced=unplaced,
                   gaps=analysis.gaps_table(data, plan, ctx),
                   utilisation=analysis.utilisation_table(data, plan, ctx), schedule=schedule)


def plan_and_analyse(data: PlanningData, progress) -> Results:
    from placement_planner.solver import solve

    plan = solve(data, None, progress)
    progress.report("Working out gaps and reasons")
    return analyse(data, plan)


def previous_plan(data: PlanningData, paths: pd.DataFrame | None = None) -> Plan | None:
    """The plan stored in a reopened project (its Allocations sheet, and its Journeys sheet's
    learner paths when given), shown until re-planned."""
    from placement_planner.domain import PlanStatus

    if data is None or not len(data.previous):
        return None
    allocations = data.previous.drop(columns=["row"], errors="ignore").reset_index(drop=True)
    plan = Plan(allocations=allocations, status=PlanStatus.FEASIBLE,
                messages=["Plan reopened from the project file."])
    if paths is not None:
        plan.journeys = paths
    return plan


def export(path: str, data: PlanningData, plan: Plan | None) -> str:
    from placement_planner.domain import PlanStatus, empty_allocations
    from placement_planner.io.export import write_plan_workbook

    if plan is None:
        plan = Plan(allocations=empty_allocations(), status=PlanStatus.FEASIBLE,
                    messages=["No plan made yet."])
    write_plan_workbook(Path(path), data, plan)
    return str(path)


# The default objective order: most (weighted) learners placed, then the fair share, keeping
# the previous plan, preferred sites, and the shortest travel (less is better).
_BETTER_KEYS = (("weighted_placed", 1), ("learners_placed", 1), ("min_group_fill", 1),
                ("kept_from_previous", 1), ("preferred_placed", 1), ("learner_km", -1))


def plan_rank(summary: dict) -> tuple:
    """A key that sorts plans of the same data from worst to best, tier by tier."""
    rank = []
    for key, sign in _BETTER_KEYS:
        value = summary.get(key)
        value = float(value) if value is not None and value == value else 0.0
        rank.append(round(sign * value, 6))   # ignore float noise between equal plans
    return tuple(rank)


def keep_better(current: Results | None, new: Results) -> Results:
    """The plan to show after a run stopped early (Cancel or time limit).

    ``current`` must be a plan of the same data (not out of date); a run stopped early can
    be worse than it, and the user should not lose the better plan by pressing Esc.
    """
    from placement_planner.domain import PlanStatus

    if current is None or new.plan.status is PlanStatus.OPTIMAL:
        return new
    # On a tie the earlier plan stays: it is as good and its status (e.g. proven best) holds.
    return current if plan_rank(current.summary) >= plan_rank(new.summary) else new


def kept_words(new: Results, kept: Results, shown: Results | None) -> str:
    """What the status bar says when a run stopped early: which plan is kept, and why.
    ``shown`` is the plan on show before the run, or None (none, or of data since edited)."""
    status = getattr(new.plan.status, "value", "")
    if status not in ("cancelled", "time_limit") and kept is new:
        return ""
    why = "Planning stopped at the time limit" if status == "time_limit" else "Planning was cancelled"
    placed = f"{new.plan.learners_placed:,}"
    if kept is new:
        if shown is None:
            return f"{why}: showing the best plan found so far ({placed} learners placed)."
        return (f"{why}: kept the new plan ({placed} learners placed), better than the "
                f"earlier one ({shown.plan.learners_placed:,}).")
    return (f"{why}: kept the earlier plan ({kept.plan.learners_placed:,} learners placed), "
            f"at least as good as the stopped run ({placed}).")
