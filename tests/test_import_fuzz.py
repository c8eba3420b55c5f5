"""Fuzz the whole import path with random workbooks: every case loads or returns problems.

Hypothesis writes random sheets (names, headers, cell types, blanks, unicode, huge and
negative numbers, dates, Excel error texts) as .xlsx and .csv; load_workbooks must never
raise. The number of examples is bounded for CI (FUZZ_EXAMPLES overrides it).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import tempfile
from pathlib import Path

import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from placement_planner.domain import CAPACITY_COLUMNS, DEMAND_COLUMNS, SITE_COLUMNS
from placement_planner.io import load_workbooks
from placement_planner.io.schema import INPUT_SHEETS

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "120"))
HEADERS = sorted({h for s in INPUT_SHEETS for c in s.columns for h in (c.name, *c.aliases[:3])})
SHEET_NAMES = [s.name for s in INPUT_SHEETS] + ["Summary", "Notes", "Sheet1", "démand ✓", "Sites (2)"]

cells = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from(["S1", "S2", "D1", "Adult Nursing", "Physio", "RN Adult", "ok", "suspended", "#REF!", "#N/A",
                     "03/09/2025", "2025-09-03", "31/02/2025", "09/13/2025", " 4 ", "1,200", "-3", "=1+1", "London",
                     "NHS Frimley ICB", "yes", "", "   "]),
    st.integers(min_value=-10**12, max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2200, 12, 31)),
    st.booleans(),
)
header_cell = st.one_of(st.sampled_from(HEADERS), st.text(max_size=10), st.none())
sheet = st.tuples(
    st.sampled_from(SHEET_NAMES),
    st.lists(header_cell, min_size=0, max_size=9),
    st.lists(st.lists(cells, max_size=10), max_size=12),
    st.integers(min_value=0, max_value=3),          # title rows above the header
)
workbook = st.lists(sheet, min_size=1, max_size=5, unique_by=lambda s: s[0])


def write_random_xlsx(path: Path, sheets) -> None:
    book = xlsxwriter.Workbook(str(path), {"nan_inf_to_errors": True, "strings_to_formulas": False,
                                           "strings_to_numbers": False})
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    for name, header, rows, titles in sheets:
        ws = book.add_worksheet(name[:31])
        for r, row in enumerate([["Title"]] * titles + [header] + rows):
            for c, v in enumerate(row):
                if v is None:
                    continue
                if isinstance(v, dt.date):
                    ws.write_datetime(r, c, dt.datetime(v.year, v.month, v.day), date_format)
                elif isinstance(v, bool):
                    ws.write_boolean(r, c, v)
                elif isinstance(v, (int, float)):
                    ws.write_number(r, c, v)
                else:
                    ws.write_string(r, c, v)
    book.close()


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(workbook)
def test_random_xlsx_loads_or_reports_problems(sheets):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.xlsx"
        write_random_xlsx(path, sheets)
        check(load_workbooks([path]))


@settings(max_examples=max(EXAMPLES // 2, 10), deadline=None, suppress_health_check=list(HealthCheck),
          database=None)
@given(sheet, st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
def test_random_csv_loads_or_reports_problems(one, encoding):
    name, header, rows, titles = one
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{name}.csv"
        with path.open("w", newline="", encoding=encoding, errors="replace") as fh:
            writer = csv.writer(fh)
            for row in [["Title"]] * titles + [header] + rows:
                writer.writerow(["" if v is None else v for v in row])
        check(load_workbooks([path]))


def check(result) -> None:
    for problem in result.problems:
        assert problem.message and problem.severity.value in ("ERROR", "WARNING")
        assert problem.row is None or problem.row >= 1
        problem.line()
    if result.data is not None:
        assert set(SITE_COLUMNS) <= set(result.data.sites.columns)
        assert set(CAPACITY_COLUMNS) <= set(result.data.capacity.columns)
        assert set(DEMAND_COLUMNS) <= set(result.data.demand.columns)
        assert (result.data.capacity["places"] >= 0).all()
        assert (result.data.demand["learners"] >= 1).all()


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(st.lists(st.tuples(st.sampled_from(["Sites", "Capacity", "Demand", "Locked", "Settings"]),
                          st.integers(0, 6), st.integers(0, 9), cells), max_size=12))
def test_mutated_valid_workbook_loads_or_reports_problems(mutations):
    """Start from a valid workbook so the deep rules (ids, locked, settings) are reached too."""
    from workbooks import minimal_sheets

    sheets = minimal_sheets()
    sheets["Locked"] = [["demand_id", "site_id", "learners", "setting"], ["D1", "S1", 1, "acute"]]
    sheets["Settings"] = [["key", "value"], ["default_max_travel_km", 40], ["objective_order", "placed, travel"]]
    for name, r, c, value in mutations:
        rows = sheets[name]
        while len(rows) <= r:
            rows.append(list(rows[-1]))
        row = rows[r]
        while len(row) <= c:
            row.append(None)
        row[c] = value
    listed = [(name, rows[0], rows[1:], 0) for name, rows in sheets.items()]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mutated.xlsx"
        write_random_xlsx(path, listed)
        result = load_workbooks([path])
        check(result)
        if not mutations:
            assert not result.has_errors
