"""Find the header row below any title rows and map the user's headers to schema columns."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from placement_planner.io.cells import cell_text, is_blank
from placement_planner.io.problems import ProblemList
from placement_planner.io.readers import RawSheet
from placement_planner.io.safety import column_letter
from placement_planner.io.schema import SheetSchema
from placement_planner.names import did_you_mean

HEADER_SEARCH_ROWS = 30


@dataclass
class SheetTable:
    """A sheet's data rows under its header, columns renamed to the schema's names.

    ``frame`` holds the cells as read (object dtype) plus ``row`` (the Excel row number);
    ``headers`` maps a schema column to the header text the user wrote (for messages).
    """

    schema: SheetSchema
    sheet: RawSheet
    header_row: int                      # Excel row number of the header
    frame: pd.DataFrame
    headers: dict[str, str] = field(default_factory=dict)

    def header(self, column: str) -> str:
        return self.headers.get(column, column)


def find_header(rows: list[list], schema: SheetSchema) -> tuple[int, dict[str, int]] | None:
    """(row index, {schema column: cell index}) of the best header row in the first rows."""
    best: tuple[int, int, dict[str, int]] | None = None
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        mapping: dict[str, int] = {}
        for j, cell in enumerate(row):
            col = schema.match(cell_text(cell)) if isinstance(cell, str) else None
            if col is not None and col.name not in mapping:
                mapping[col.name] = j
        required_found = sum(1 for c in schema.required_columns if c.name in mapping)
        score = len(mapping) + required_found
        if len(mapping) >= min(2, len(schema.columns)) and (best is None or score > best[0]):
            best = (score, i, mapping)
    return None if best is None else (best[1], best[2])


def read_table(sheet: RawSheet, schema: SheetSchema, problems: ProblemList) -> SheetTable | None:
    """The sheet's rows as a SheetTable, or None (with an ERROR) when no header is found."""
    rows = sheet.rows
    if not rows or all(all(is_blank(pd.Series(r, dtype=object))) for r in rows[:HEADER_SEARCH_ROWS]):
        problems.error(schema.name, None, None, f"The {schema.name} sheet is empty. Add a header row "
                       f"({', '.join(c.name for c in schema.required_columns)}) and data rows below it.",
                       file=sheet.file)
        return None
    found = find_header(rows, schema)
    if found is None:
        expected = ", ".join(c.name for c in schema.required_columns)
        problems.error(schema.name, None, None, f"No header row found in the first {HEADER_SEARCH_ROWS} rows. "
                       f"The {schema.name} sheet needs a row of column names including: {expected}.",
                       file=sheet.file)
        return None
    header_idx, mapping = found
    header_cells = rows[header_idx]
    headers = {name: cell_text(header_cells[j]) for name, j in mapping.items()}
    _report_duplicate_headers(sheet, schema, header_idx, header_cells, mapping, problems)

    body = rows[header_idx + 1:]
    columns = list(itertools.zip_longest(*body, fillvalue=None)) if body else []
    data = {}
    for name, j in mapping.items():
        cells = columns[j] if j < len(columns) else (None,) * len(body)
        data[name] = pd.Series(_blank_spaces(cells), dtype=object)
    frame = pd.DataFrame(data)
    frame["row"] = np.arange(header_idx + 2, header_idx + 2 + len(body), dtype=np.int64)
    # Blank rows (every mapped cell empty) are normal in real sheets and skipped.
    if len(frame) and mapping:
        blank = np.ones(len(frame), dtype=bool)
        for name in mapping:
            blank &= is_blank(frame[name])
        frame = frame.loc[~blank].reset_index(drop=True)
    for col in schema.required_columns:
        if col.name not in mapping:
            others = [cell_text(c) for j, c in enumerate(header_cells)
                      if j not in mapping.values() and cell_text(c)]
            hint = did_you_mean(col.name, others) or did_you_mean(
                col.aliases[0] if col.aliases else col.name, others)
            tip = f" Did you mean '{hint}'? Rename it to '{col.name}'." if hint else \
                f" Add a column named '{col.name}'."
            problems.error(schema.name, header_idx + 1, col.name,
                           f"Required column '{col.name}' is missing.{tip}", file=sheet.file)
    return SheetTable(schema, sheet, header_idx + 1, frame, headers)


def _blank_spaces(cells: tuple) -> np.ndarray:
    """The cells, with whitespace-only text made a blank cell (""). Each distinct value is
    looked at once: text equals only text, so a code whose value is blank text marks blanks."""
    out = np.empty(len(cells), dtype=object)
    out[:] = cells
    codes, uniques = pd.factorize(out)
    spaces = [k for k, v in enumerate(uniques.tolist()) if type(v) is str and v.isspace()]
    if spaces:
        out[np.isin(codes, spaces)] = ""
    return out


def _report_duplicate_headers(sheet, schema, header_idx, header_cells, mapping, problems) -> None:
    for j, cell in enumerate(header_cells):
        col = schema.match(cell_text(cell)) if isinstance(cell, str) else None
        if col is not None and mapping.get(col.name) != j:
            problems.warning(schema.name, header_idx + 1, cell_text(cell),
                             f"Column {column_letter(j)} ('{cell_text(cell)}') also looks like "
                             f"'{col.name}'; the first such column ({column_letter(mapping[col.name])}) "
                             f"is used and this one is ignored.", file=sheet.file)

