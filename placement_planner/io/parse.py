"""Type a SheetTable's columns by its schema, reporting every cell that does not parse."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from placement_planner.io.cells import is_blank, parse_bool, parse_date, parse_int, parse_number, parse_text
from placement_planner.io.header import SheetTable
from placement_planner.io.problems import ProblemList
from placement_planner.io.safety import EXCEL_ERRORS
from placement_planner.io.schema import Kind

_PARSERS = {Kind.INT: parse_int, Kind.NUMBER: parse_number, Kind.DATE: parse_date, Kind.BOOL: parse_bool}
_MONTH_FIRST = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})\s*$")


def _bad_message(kind: Kind, header: str, raw) -> str:
    text = str(raw).strip()
    if kind is Kind.DATE:
        m = _MONTH_FIRST.match(text)
        if m and int(m[2]) > 12 and int(m[1]) <= 12:
            return (f"'{text}' is not a date: dates are read day first (dd/mm/yyyy) and there is no "
                    f"month {int(m[2])}. If this is a US month-first date, write it as "
                    f"{int(m[2]):02d}/{int(m[1]):02d}/{m[3]}.")
        return f"'{text}' in {header} is not a date. Use dd/mm/yyyy (for example 01/09/2025) or a date cell."
    if kind is Kind.INT:
        return f"'{text}' in {header} is not a whole number. Enter a whole number such as 4."
    if kind is Kind.NUMBER:
        return f"'{text}' in {header} is not a number."
    if kind is Kind.BOOL:
        return f"'{text}' in {header} is not yes or no. Enter yes or no."
    return f"'{text}' in {header} cannot be read."


def typed_frame(table: SheetTable, problems: ProblemList) -> tuple[pd.DataFrame, np.ndarray]:
    """Typed columns for every schema column (absent optional columns blank) and a mask of
    rows that have an error in a cell (those rows are left out of the plan)."""
    frame = table.frame
    schema = table.schema
    n = len(frame)
    out = pd.DataFrame({"row": frame["row"].to_numpy()})
    row_bad = np.zeros(n, dtype=bool)
    rows = frame["row"].to_numpy()
    for col in schema.columns:
        header = table.header(col.name)
        if col.name not in frame.columns:
            out[col.name] = _blank_column(col.kind, n)
            if col.required:
                row_bad[:] = True  # reported once as a missing column; no row is usable
            continue
        raw = frame[col.name]
        excel_error = raw.isin(EXCEL_ERRORS).to_numpy()
        if excel_error.any():
            for i in np.flatnonzero(excel_error):
                problems.error(schema.name, int(rows[i]), header,
                               f"The cell holds the Excel error {raw.iat[i]}. Fix the formula in Excel (or type "
                               f"the value) and load the file again.", value=raw.iat[i], file=table.sheet.file)
            row_bad |= excel_error
            raw = raw.where(~excel_error, None)
        blank = is_blank(raw) & ~excel_error
        if col.kind is Kind.TEXT:
            out[col.name] = parse_text(raw).to_numpy()
        else:
            values, bad = _PARSERS[col.kind](raw)
            out[col.name] = values.to_numpy()
            for i in np.flatnonzero(bad):
                problems.error(schema.name, int(rows[i]), header, _bad_message(col.kind, header, raw.iat[i]),
                               value=raw.iat[i], file=table.sheet.file)
            row_bad |= bad
        if col.required:
            for i in np.flatnonzero(blank):
                problems.error(schema.name, int(rows[i]), header,
                               f"{header} is blank. Every {schema.name} row needs a {col.name}.",
                               file=table.sheet.file)
            row_bad |= blank
    return out, row_bad


def _blank_column(kind: Kind, n: int):
    if kind is Kind.TEXT:
        return np.array([""] * n, dtype=object)
    if kind is Kind.DATE:
        return np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    if kind is Kind.BOOL:
        return np.zeros(n, dtype=bool)
    return np.full(n, np.nan)
