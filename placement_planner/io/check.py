"""Re-check a PlanningData after edits (the app's undoable edits) with the import's own rules."""

from __future__ import annotations

import numpy as np

from placement_planner.domain import PlanningData
from placement_planner.io.problems import ProblemList
from placement_planner.io.rules import Where, check_sites
from placement_planner.io.rules_journeys import check_journeys
from placement_planner.io.rules_rows import check_capacity, check_demand, check_locked
from placement_planner.io.schema import CAPACITY, DEMAND, LOCKED, SITES, Kind, SheetSchema


def validate_planning_data(data: PlanningData) -> ProblemList:
    """Every problem in typed, possibly edited data; the data itself is not changed.

    Rows are reported with the Excel row they were loaded from (``row``; 0 for rows made in
    the app). Cross-sheet rules (unknown sites, locked rows over a group) are checked too.
    """
    problems = ProblemList()
    where = {schema.name: Where(schema.name, headers=_user_headers(data, schema))
             for schema in (SITES, CAPACITY, DEMAND, LOCKED)}
    sites = data.sites.reset_index(drop=True).copy()
    capacity, demand, locked = data.capacity.copy(), data.demand.copy(), data.locked.copy()
    _required_values(sites, SITES, where[SITES.name], problems)
    _required_values(capacity, CAPACITY, where[CAPACITY.name], problems)
    _required_values(demand, DEMAND, where[DEMAND.name], problems)
    _required_values(locked, LOCKED, where[LOCKED.name], problems)
    check_sites(sites, where[SITES.name], problems)
    check_capacity(capacity, sites, where[CAPACITY.name], problems)
    bad = check_demand(demand, sites, where[DEMAND.name], problems)
    check_journeys(demand, bad, capacity, where[DEMAND.name], problems)
    if len(locked):
        check_locked(locked, demand, sites, capacity, where[LOCKED.name], problems)
    return problems


def _user_headers(data: PlanningData, schema: SheetSchema) -> dict[str, str]:
    """Contract column -> the header the user's own sheet has for it (messages name that)."""
    frame = (getattr(data, "source_sheets", None) or {}).get(schema.name)
    out: dict[str, str] = {}
    for header in getattr(frame, "columns", ()):
        match = schema.match(header) if isinstance(header, str) else None
        if match is not None:
            out.setdefault(match.name, str(header))
    return out


def _required_values(frame, schema: SheetSchema, where: Where, problems: ProblemList) -> None:
    for col in schema.required_columns:
        if col.name not in frame.columns:
            continue
        values = frame[col.name]
        if col.kind is Kind.TEXT:
            missing = (values.astype(str).str.strip() == "").to_numpy()
        else:
            missing = values.isna().to_numpy()
        for i in np.flatnonzero(missing):
            header = where.h(col.name)
            problems.error(schema.name, int(frame["row"].iat[i]) or None, header,
                           f"{header} is blank. Every {schema.name} row needs a value in {header}.")
