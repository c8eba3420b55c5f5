"""Write tiny workbooks for tests: {sheet name: [row, row, ...]} with rows as lists of cells."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlsxwriter

SITES_HEADER = ["site_id", "site_name", "provider", "ics", "region", "latitude", "longitude", "quality"]
CAPACITY_HEADER = ["site_id", "profession", "setting", "start_date", "end_date", "places"]
DEMAND_HEADER = ["demand_id", "hei", "profession", "learners", "start_date", "weeks", "latitude", "longitude"]

LONDON = "NHS West and North London Integrated Care Board"


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    """Cells are written by type: dates as date cells, numbers as numbers, text as text."""
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, (dt.date, dt.datetime)):
                    sheet.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), date_format)
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, str(value))
    workbook.close()
    return path


def minimal_sheets() -> dict[str, list[list]]:
    """A valid three-sheet workbook: 2 sites, 2 capacity rows, 2 demand rows (fresh lists every call)."""
    return {
        "Sites": [list(SITES_HEADER),
                  ["S1", "Royal Free", "Royal Free London", LONDON, "London", 51.553, -0.165, "ok"],
                  ["S2", "Whittington", "Whittington Health", LONDON, "London", 51.566, -0.139, ""]],
        "Capacity": [list(CAPACITY_HEADER),
                     ["S1", "Adult Nursing", "acute", dt.date(2025, 9, 1), dt.date(2025, 12, 15), 4],
                     ["S2", "Physiotherapy", "", dt.date(2025, 9, 1), dt.date(2025, 12, 15), 2]],
        "Demand": [list(DEMAND_HEADER),
                   ["D1", "Middlesex University", "Adult Nursing", 3, dt.date(2025, 9, 8), 6, 51.59, -0.23],
                   ["D2", "City St George's", "Physiotherapy", 2, dt.date(2025, 9, 15), 4, 51.53, -0.10]],
    }
