"""Fixing a workbook's errors in the app (issue 14): every row stays editable, each edit re-checked.

A workbook with errors loads with its bad rows left out of the data. While fixing, the
tables show *every* row (``rows``, the importer's typed tables) and edits go there. After
each edit the data is rebuilt from the rows that no longer carry an error and checked with
the importer's own rules:

- a problem found when loading stands until its cell (or, for a whole-row problem, any cell
  of its row) is changed; a row with such an error stays out of the data;
- a journey's problem (its message starts "Journey '<id>'") involves several rows (an overlap
  is reported on the later row, a disagreement on the row that differs from the first): it
  stands until any row of that journey changes, and while it stands every row of the journey
  stays out of the data, as the importer leaves a journey with an error out whole;
- a changed row is checked again with the rules, so a wrong new value is reported at once;
- sheet-level problems (a missing column, a file that could not be read) stay until reload.

Qt-free, so the re-check can run anywhere; the controller (``Project``) drives it.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from placement_planner.names import name_key

TABLES = ("sites", "capacity", "demand", "locked")
SHEET = {"sites": "Sites", "capacity": "Capacity", "demand": "Demand", "locked": "Locked"}


def table_of(sheet: str) -> str | None:
    key = name_key(sheet or "")
    return next((t for t, s in SHEET.items() if name_key(s) == key), None)


def column_for(table: str, header: str | None, columns) -> str | None:
    """The typed column a problem's header (the user's own, or ours) stands for."""
    if not header:
        return None
    try:
        from placement_planner.io.schema import schema_for_sheet

        schema = schema_for_sheet(SHEET[table])
        match = schema.match(header) if schema else None
        if match is not None:
            return match.name
    except Exception:   # a header the schema cannot place: fall back to our own names
        pass
    key = name_key(header)
    return next((c for c in columns if name_key(c) == key), None)


def problem_key(p, columns_of=None) -> tuple:
    """(table, Excel row, typed column): where a problem is, whoever named the column."""
    table = table_of(p.sheet)
    if table is None:
        return (p.sheet or "", int(p.row or 0), p.column or "")
    from placement_planner.domain import CAPACITY_COLUMNS, DEMAND_COLUMNS, LOCKED_COLUMNS, SITE_COLUMNS

    columns = {"sites": SITE_COLUMNS, "capacity": CAPACITY_COLUMNS, "demand": DEMAND_COLUMNS,
               "locked": LOCKED_COLUMNS}[table]
    return (table, int(p.row or 0), column_for(table, p.column, columns) or p.column or "")


def load_only(load_problems: list, recheck_keys: set) -> list:
    """Problems found when loading that the re-check cannot find again (notes made while
    reading, such as an old ICB name read as the current one): kept until the next load."""
    return [p for p in load_problems if problem_key(p) not in recheck_keys]


def _same(a, b) -> bool:
    try:
        if pd.isna(a) and pd.isna(b):
            return True
    except (TypeError, ValueError):
        pass
    try:
        return bool(a == b)
    except Exception:
        return False


class FixSession:
    """The rows of a workbook loaded with errors, edited in place until they check clean."""

    def __init__(self, tables: dict, load_problems: list, loaded_data) -> None:
        self.rows = {t: tables[t] for t in TABLES if t in tables}
        self.load_problems = list(load_problems)
        self._base = loaded_data          # settings, the previous plan and the sheets as loaded
        self._original: dict[tuple, object] = {}   # (table, position, column) -> value at load
        self._position: dict[str, dict[int, int]] = {
            t: {int(r): i for i, r in enumerate(f["row"].to_numpy())} for t, f in self.rows.items()}

    # ---- edits -----------------------------------------------------------------------------
    def value(self, table: str, position: int, column: str):
        return self.rows[table][column].iloc[position]

    def set(self, table: str, position: int, column: str, value) -> None:
        frame = self.rows[table]
        key = (table, position, column)
        if key not in self._original:
            self._original[key] = frame[column].iloc[position]
        col = frame.columns.get_loc(column)
        kind = frame[column].dtype.kind
        if (kind in "iub" and not isinstance(value, (int, np.integer, bool))) or \
                (kind == "f" and not isinstance(value, (int, float, np.number))) or \
                (kind == "M" and not isinstance(value, pd.Timestamp)):
            frame[column] = frame[column].astype(object)
        frame.iat[position, col] = value

    def changed(self, table: str, position: int, column: str | None = None) -> bool:
        """Has this cell (or, with no column, any cell of the row) changed since loading?"""
        for (t, p, c), old in self._original.items():
            if t == table and p == position and (column is None or c == column) \
                    and not _same(old, self.rows[t][c].iloc[p]):
                return True
        return False

    def _journeys_at(self, position: int) -> set[str]:
        """The journey ids of a Demand row, as loaded and as it is now."""
        frame = self.rows.get("demand")
        if frame is None or "journey" not in frame.columns:
            return set()
        values = [frame["journey"].iloc[position], self._original.get(("demand", position, "journey"))]
        return {str(v).strip() for v in values if isinstance(v, str) and v.strip()}

    def _journey_positions(self, journeys: set[str]) -> list[int]:
        frame = self.rows.get("demand")
        if not journeys or frame is None or "journey" not in frame.columns:
            return []
        return [i for i in range(len(frame)) if self._journeys_at(i) & journeys]

    def _journey_of(self, problem, table: str, position: int) -> str | None:
        """The journey a load problem on a Demand row is about, or None for the row's own problems."""
        if table != "demand":
            return None
        return next((j for j in self._journeys_at(position)
                     if (problem.message or "").startswith(f"Journey '{j}'")), None)

    def _touched(self) -> set[tuple[str, int]]:
        """(table, position) of every changed row, and of every row of a journey with a changed row."""
        out = {(t, p) for (t, p, _c) in self._original if self.changed(t, p)}
        journeys = set().union(*(self._journeys_at(p) for t, p in out if t == "demand")) if out else set()
        out |= {("demand", p) for p in self._journey_positions(journeys)}
        return out

    def position_of(self, problem) -> tuple[str, int] | None:
        table = table_of(problem.sheet)
        if table is None or table not in self.rows or not problem.row:
            return None
        position = self._position[table].get(int(problem.row))
        return None if position is None else (table, position)

    # ---- the re-check ----------------------------------------------------------------------
    def standing(self) -> list:
        """Problems found when loading that no edit has touched yet."""
        out = []
        touched = None
        for p in self.load_problems:
            where = self.position_of(p)
            if where is None:
                out.append(p)      # a sheet or file problem: stands until reload
                continue
            table, position = where
            journey = self._journey_of(p, table, position)
            if journey is not None:
                touched = self._touched() if touched is None else touched
                if not any(("demand", i) in touched for i in self._journey_positions({journey})):
                    out.append(p)
                continue
            column = column_for(table, p.column, self.rows[table].columns)
            if not self.changed(table, position, column):
                out.append(p)
        return out

    def build(self, settings):
        """The data to plan with: every row without a standing error. None when it cannot be built."""
        from placement_planner.build import build_planning_data

        standing = self.standing()
        keep = {t: np.ones(len(f), dtype=bool) for t, f in self.rows.items()}
        for p in standing:
            where = self.position_of(p)
            if where is not None and p.is_error:
                keep[where[0]][where[1]] = False
                journey = self._journey_of(p, *where)
                if journey is not None:          # a journey with an error is left out whole
                    keep["demand"][self._journey_positions({journey})] = False
        frames = {t: self.rows[t][keep[t]].reset_index(drop=True) for t in self.rows}
        base = self._base
        try:
            data = build_planning_data(
                sites=frames.get("sites"), capacity=frames.get("capacity"), demand=frames.get("demand"),
                locked=frames.get("locked"), previous=base.previous if base is not None else None,
                settings=settings, source_sheets=dict(base.source_sheets) if base is not None else {})
        except (ValueError, TypeError, KeyError):
            return None, standing, keep
        return data, standing, keep

    def recheck(self, settings):
        """(data, problems): the data rebuilt from the fixed rows and every problem still open."""
        from placement_planner.ui import core

        data, standing, keep = self.build(settings)
        if data is None:
            return None, standing
        found = core.revalidate(data)
        changed_rows = {(t, int(self.rows[t]["row"].iloc[p])) for (t, p) in self._touched()}
        loaded_rows = {self._key(p)[:2] for p in self.load_problems if p.row}
        messages = {p.message for p in standing}
        out = list(standing)
        for q in found:
            table = table_of(q.sheet)
            where = (table, int(q.row or 0))
            if not q.row:
                if q.message not in messages:
                    out.append(q)
            elif where in changed_rows or where not in loaded_rows:
                out.append(q)     # an edited row, or a row the edits affected
            # else: an untouched row; its problems from loading stand for it
        return data, out

    def _key(self, p) -> tuple:
        table = table_of(p.sheet) or p.sheet
        column = column_for(table, p.column, self.rows[table].columns) if table in self.rows else p.column
        return (table, int(p.row or 0), column)

    def typed_sheet(self, table: str, columns: list[str]) -> pd.DataFrame:
        """The sheet as it should be saved: every row; a cell still unreadable keeps its text."""
        frame = self.rows[table][[c for c in columns if c in self.rows[table].columns and c != "row"]]
        frame = frame.reset_index(drop=True).astype(object).copy()
        for p in self.standing():
            where = self.position_of(p)
            if where is None or where[0] != table or not p.value:
                continue
            column = column_for(table, p.column, frame.columns)
            if column in frame.columns and pd.isna(frame.at[where[1], column]):
                frame.at[where[1], column] = p.value
        return frame


def headers_of(source_sheets: dict) -> dict[str, dict[str, str]]:
    """table -> typed column -> the header the user's own sheet has for it."""
    from placement_planner.io.schema import schema_for_sheet

    out: dict[str, dict[str, str]] = {}
    for table, sheet in SHEET.items():
        frame = source_sheets.get(sheet)
        schema = schema_for_sheet(sheet)
        if frame is None or schema is None:
            continue
        for header in frame.columns:
            match = schema.match(header)
            if match is not None:
                out.setdefault(table, {}).setdefault(match.name, str(header))
    return out


def with_file(problems: list, files: dict[str, str], headers: dict | None = None) -> list:
    """Problems found after an edit carry the file their sheet came from and the column header
    the user's own sheet has, as the ones found when loading do."""
    out = []
    for p in problems:
        if not p.file:
            f = files.get(name_key(p.sheet or "")) or files.get("")
            if f:
                p = replace(p, file=f)
        table = table_of(p.sheet)
        own = (headers or {}).get(table, {}).get(p.column) if table and p.column else None
        if own and own != p.column:
            p = replace(p, column=own)
        out.append(p)
    return out
