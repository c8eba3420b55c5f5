"""The data tables keep the typed date and show its planning week (the Monday) beside it."""

from __future__ import annotations

import datetime as dt

import openpyxl

from conftest import open_and_wait
from ui_workbooks import write_small


def _mid_week(path) -> str:
    """The small workbook with mid-week dates: a Wednesday start, a Thursday start, a Wednesday end."""
    write_small(path)
    book = openpyxl.load_workbook(path)
    book["Demand"]["E2"] = "10/09/2025"      # Wednesday -> week of Monday 08/09/2025
    book["Capacity"]["D3"] = "04/09/2025"    # Thursday -> week of Monday 01/09/2025
    book["Capacity"]["E2"] = "03/12/2025"    # Wednesday -> week of Monday 01/12/2025
    book.save(path)
    return str(path)


def _cell(table, column: str, row: int) -> str:
    model = table.model
    return table.proxy.index(row, model.columns.index(column)).data()


def _header(table, column: str) -> str:
    from PySide6.QtCore import Qt

    section = table.model.columns.index(column)
    return table.proxy.headerData(section, Qt.Orientation.Horizontal)


def test_mid_week_date_shows_its_monday(qtbot, window, tmp_path):
    open_and_wait(qtbot, window, [_mid_week(tmp_path / "midweek.xlsx")])
    assert not window.project.has_errors
    demand = window.data_tables.tables["demand"]
    capacity = window.data_tables.tables["capacity"]

    # Demand: the typed Wednesday is kept; the column beside it shows the Monday it is planned from.
    columns = demand.model.columns
    assert columns.index("start_week_of") == columns.index("start_date") + 1
    assert _header(demand, "start_week_of") == "Planned from (week of)"
    assert _cell(demand, "start_date", 0) == "10/09/2025"
    assert _cell(demand, "start_week_of", 0) == "08/09/2025"
    assert _cell(demand, "start_week_of", 1) == "08/09/2025"      # a Monday is its own week

    # Capacity: both ends of the window, each beside its typed date.
    assert _cell(capacity, "start_date", 1) == "04/09/2025"
    assert _cell(capacity, "start_week_of", 1) == "01/09/2025"
    assert _cell(capacity, "end_date", 0) == "03/12/2025"
    assert _cell(capacity, "end_week_of", 0) == "01/12/2025"
    assert _header(capacity, "end_week_of") == "Planned to (week of)"

    # The planner's own week agrees with what is shown.
    data = window.project.data
    week = int(data.demand["start_week"].iloc[0])
    assert data.week_date(week) == dt.date(2025, 9, 8)

    # Display only: the data (saved, exported, checked) has no such column and keeps the typed date.
    assert "start_week_of" not in data.demand.columns
    assert "end_week_of" not in data.capacity.columns
    assert data.demand["start_date"].iloc[0].date() == dt.date(2025, 9, 10)

    # Not editable, and it follows an edit of the date it is worked out from.
    index = demand.proxy.index(0, columns.index("start_week_of"))
    assert not demand.proxy.setData(index, "01/09/2025")
    assert window.project.request_edit("demand", 0, "start_date", "19/09/2025")   # a Friday
    assert _cell(demand, "start_date", 0) == "19/09/2025"
    assert _cell(demand, "start_week_of", 0) == "15/09/2025"


def test_week_column_sorts(qtbot, window, tmp_path):
    open_and_wait(qtbot, window, [_mid_week(tmp_path / "midweek.xlsx")])
    from PySide6.QtCore import Qt

    demand = window.data_tables.tables["demand"]
    assert window.project.request_edit("demand", 2, "start_date", "24/09/2025")   # week of 22/09
    demand.model.sort(demand.model.columns.index("start_week_of"), Qt.SortOrder.DescendingOrder)
    shown = [_cell(demand, "start_week_of", r) for r in range(demand.model.rowCount())]
    assert shown == ["22/09/2025"] + ["08/09/2025"] * 3
    assert _cell(demand, "start_date", 0) == "24/09/2025"
