"""Type a SheetTable's columns by its schema, reporting every cell that does not parse."""

from __future__ import annotations

import numpy as np
import pandas as pd

from placement_planner.io.cells import is_blank, parse_bool, parse_date, parse_text, read_date, read_numbers
from placement_planner.io.header import SheetTable
from placement_planner.io.problems import ProblemList
from placement_planner.io.safety import EXCEL_ERRORS
from placement_planner.io.schema import Kind

_PARSERS = {Kind.DATE: parse_date, Kind.BOOL: parse_bool}
# The unit a numeric column is counted in: a cell may name it ("12 weeks", "30 km"); miles
# and metres are converted to km with a warning (see cells.read_number).
UNITS = {"max_travel_km": "km", "weeks": "weeks", "flex_weeks": "weeks", "learners": "learners",
         "places": "places"}


def _bad_message(kind: Kind, header: str, raw) -> str:
    text = str(raw).strip()
    if kind is Kind.DATE:
        return read_date(raw, header).error or f"'{text}' in {header} is not a date."
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
        elif col.kind in (Kind.INT, Kind.NUMBER):
            values, bad, notes = read_numbers(raw, header, whole=col.kind is Kind.INT,
                                              unit=UNITS.get(col.name, ""))
            out[col.name] = values.to_numpy()
            for i, reading in notes.items():
                report = problems.error if reading.error else problems.warning
                report(schema.name, int(rows[i]), header, reading.error or reading.warning,
                       value=raw.iat[i], file=table.sheet.file)
            row_bad |= bad
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
                               f"{header} is blank. Every {schema.name} row needs a value in {header}.",
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
