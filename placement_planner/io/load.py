"""Load one or more input files into a validated PlanningData, collecting every problem."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from placement_planner.build import build_planning_data
from placement_planner.domain import PlanningData
from placement_planner.io.cells import cell_text
from placement_planner.logs import get_logger
from placement_planner.io.header import SheetTable, read_table
from placement_planner.io.parse import typed_frame
from placement_planner.io.problems import FileLockedError, ProblemList, WorkbookError
from placement_planner.io.readers import RawSheet, read_file
from placement_planner.io.rules import Where, check_sites, unify_open_professions
from placement_planner.io.rules_journeys import check_journeys
from placement_planner.io.rules_rows import check_allocations, check_capacity, check_demand, check_locked
from placement_planner.io.safety import column_letter
from placement_planner.io.schema import (ALLOCATIONS, CAPACITY, DEMAND, INPUT_SHEETS, LOCKED, OUTPUT_ONLY_SHEETS,
                                         SETTINGS, SITES, SheetSchema, schema_for_sheet)
from placement_planner.io.settings_sheet import read_settings
from placement_planner.names import name_key


@dataclass
class LoadResult:
    """What loading found: the data (every row without an ERROR) and every problem."""

    data: PlanningData | None
    problems: ProblemList
    files: list[Path] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)   # typed frames, all rows
    scenarios: object = None    # the Scenarios sheet, checked (placement_planner.scenarios.ScenarioBook)
    locked: list[Path] = field(default_factory=list)   # files locked or not downloaded (retry may work)

    @property
    def has_errors(self) -> bool:
        return bool(self.problems.errors)


def load_workbooks(paths: Iterable[str | Path]) -> LoadResult:
    started = time.perf_counter()
    paths = [Path(p) for p in paths]
    problems = ProblemList()
    found: dict[str, list[RawSheet]] = {}
    locked: list[Path] = []
    for path in paths:
        try:
            sheets = read_file(path)
        except WorkbookError as exc:
            problems.error(path.name, None, None, exc.message, file=path.name)
            if isinstance(exc, FileLockedError):
                locked.append(path)
            continue
        for sheet in sheets:
            _sort_sheet(sheet, found, problems)
    if not paths:
        problems.error("", None, None, "No input files given. Open a supply workbook (Sites, Capacity) "
                       "and a demand workbook (Demand), or one workbook with every sheet.")
    for schema in INPUT_SHEETS:
        if schema.required and schema.name not in found and paths and not _unreadable(problems, paths):
            problems.error(schema.name, None, None, f"No '{schema.name}' sheet was found in "
                           f"{_names(paths)}. It is needed: {schema.description}. Sheet names are matched "
                           f"ignoring case and spaces (also: {', '.join(schema.aliases[:3])}).")
    tables = {name: [t for s in sheets if (t := read_table(s, _SCHEMAS[name], problems))]
              for name, sheets in found.items()}
    typed: dict[str, pd.DataFrame] = {}
    bad: dict[str, np.ndarray] = {}
    where: dict[str, Where] = {}
    for name, items in tables.items():
        frames, masks = [], []
        for table in items:
            frame, mask = typed_frame(table, problems)
            frames.append(frame)
            masks.append(mask)
        if items:
            typed[name] = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
            bad[name] = np.concatenate(masks) if masks else np.zeros(0, dtype=bool)
            where[name] = Where(name, items[0].sheet.file, dict(items[0].headers))
    data = _check_and_build(typed, bad, where, tables, problems)
    scenarios = _scenarios(data, typed, bad, where, problems)
    get_logger().info("loaded %d file(s) in %.2f s: %s; %d error(s), %d warning(s)", len(paths),
                      time.perf_counter() - started,
                      ", ".join(f"{len(frame)} {name} rows" for name, frame in typed.items()) or "no sheets",
                      len(problems.errors), len(problems.warnings))
    return LoadResult(data, problems, paths, typed, scenarios, locked)


_SCHEMAS = {s.name: s for s in INPUT_SHEETS}


def _scenarios(data, typed, bad, where, problems):
    """The Scenarios sheet checked against the baseline (placement_planner/scenarios)."""
    if data is None or "Scenarios" not in typed:
        return None
    from placement_planner.scenarios import read_scenarios
    return read_scenarios(typed["Scenarios"], bad["Scenarios"], data, where["Scenarios"], problems)


def _sort_sheet(sheet: RawSheet, found: dict[str, list[RawSheet]], problems: ProblemList) -> None:
    schema = schema_for_sheet(sheet.name)
    if schema is None:
        if name_key(sheet.name) not in {name_key(s) for s in OUTPUT_ONLY_SHEETS} and not sheet.hidden:
            problems.warning(sheet.name, None, None, f"Sheet '{sheet.name}' was not used: it is not one of "
                             f"{', '.join(s.name for s in INPUT_SHEETS)}.", file=sheet.file)
        return
    if sheet.formula_cells:
        row, col = sheet.formula_cells[0]
        problems.warning(schema.name, row, None, f"{len(sheet.formula_cells)} cell(s) hold formulas (the first "
                         f"is {column_letter(col)}{row}). Their values as Excel last calculated them are used; if "
                         f"they look wrong, open the file in Excel, let it recalculate and save.", file=sheet.file)
    if sheet.hidden:
        problems.warning(schema.name, None, None, f"Sheet '{sheet.name}' is hidden in {sheet.file}; it is "
                         f"read as the {schema.name} sheet all the same.", file=sheet.file)
    found.setdefault(schema.name, []).append(sheet)


def _unreadable(problems: ProblemList, paths: list[Path]) -> bool:
    failed = {p.file for p in problems.errors if p.row is None and p.file}
    return all(p.name in failed for p in paths)


def _names(paths: list[Path]) -> str:
    return ", ".join(p.name for p in paths)


def _valid(typed, bad, name) -> pd.DataFrame:
    frame = typed.get(name)
    if frame is None:
        return None
    return frame.loc[~bad[name]].reset_index(drop=True)


def _check_and_build(typed, bad, where, tables, problems) -> PlanningData | None:
    if any(name not in typed for name in (SITES.name, CAPACITY.name, DEMAND.name)):
        return None
    bad[SITES.name] |= check_sites(typed[SITES.name], where[SITES.name], problems)
    sites = _valid(typed, bad, SITES.name)
    bad[CAPACITY.name] |= check_capacity(typed[CAPACITY.name], sites, where[CAPACITY.name], problems)
    bad[DEMAND.name] |= check_demand(typed[DEMAND.name], sites, where[DEMAND.name], problems)
    unify_open_professions(typed[CAPACITY.name], typed[DEMAND.name])
    capacity = _valid(typed, bad, CAPACITY.name)
    bad[DEMAND.name] |= check_journeys(typed[DEMAND.name], bad[DEMAND.name], capacity, where[DEMAND.name], problems)
    demand = _valid(typed, bad, DEMAND.name)
    locked = previous = None
    if LOCKED.name in typed:
        bad[LOCKED.name] |= check_locked(typed[LOCKED.name], demand, sites, capacity, where[LOCKED.name], problems)
        locked = _valid(typed, bad, LOCKED.name)
    if ALLOCATIONS.name in typed:
        bad[ALLOCATIONS.name] |= check_allocations(typed[ALLOCATIONS.name], demand, sites,
                                                   where[ALLOCATIONS.name], problems)
        previous = _valid(typed, bad, ALLOCATIONS.name)
    professions = set(capacity["profession"].tolist()) | set(demand["profession"].tolist())
    settings = read_settings(typed.get(SETTINGS.name), where.get(SETTINGS.name, Where(SETTINGS.name)), problems,
                             professions)
    _warn_professions_without_capacity(demand, capacity, where[DEMAND.name], problems)
    for name in (SITES.name, CAPACITY.name, DEMAND.name):
        if not len(typed[name]) and not any(p.sheet == name and p.row is None for p in problems.errors):
            problems.error(name, None, None, f"The {name} sheet has a header but no data rows.",
                           file=where[name].file)
    return build_planning_data(sites=sites, capacity=capacity, demand=demand, locked=locked, previous=previous,
                               settings=settings, source_sheets=_source_sheets(tables))


def _warn_professions_without_capacity(demand, capacity, where, problems) -> None:
    offered = set(capacity["profession"])
    for profession, group in demand.groupby("profession", sort=True):
        if profession not in offered:
            problems.warning(where.sheet, int(group["row"].iat[0]), where.h("profession"),
                             f"No Capacity row offers {profession} places, so none of its {len(group)} "
                             f"group(s) ({int(group['learners'].sum())} learners) can be placed.",
                             value=profession, file=where.file)


def _source_sheets(tables: dict[str, list[SheetTable]]) -> dict[str, pd.DataFrame]:
    """Each input sheet as loaded: the user's header row and every non-blank row below it."""
    out = {}
    for name, items in tables.items():
        frames = []
        for table in items:
            rows = table.sheet.rows
            header_cells = rows[table.header_row - 1]
            width = max(len(r) for r in rows[table.header_row - 1:])
            headers = _unique_headers([cell_text(c) for c in header_cells] + [""] * (width - len(header_cells)))
            body = [list(r) + [None] * (width - len(r)) for r in rows[table.header_row:]]
            frame = pd.DataFrame(body, columns=headers, dtype=object)
            keep = [any(c is not None and c != "" and not (type(c) is str and c.isspace()) for c in r)
                    for r in body]
            frames.append(frame.loc[keep].reset_index(drop=True))
        if frames:
            out[name] = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return out


def _unique_headers(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, h in enumerate(headers):
        h = h or f"Column {i + 1}"
        if h in seen:
            seen[h] += 1
            h = f"{h} ({seen[h]})"
        else:
            seen[h] = 1
        out.append(h)
    return out
