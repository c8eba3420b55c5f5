"""Cell edits a coordinator may make, each checked at once and applied as an undoable command.

Only values that can be checked on their own are editable here (places, learners, dates,
weeks, travel limits, quality); ids and names stay as loaded so references never break.
A refused value raises ``EditRefused`` with the sentence the status bar shows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from PySide6.QtGui import QUndoCommand

from placement_planner.domain import PlanningData
from placement_planner.names import canonical_quality
from placement_planner.io.cells import read_date, read_number
from placement_planner.ui.formatting import parse_uk_date, uk_date
from placement_planner.weeks import week_index

# table -> editable columns
EDITABLE = {
    "sites": {"quality"},
    "capacity": {"places", "start_date", "end_date"},
    "demand": {"learners", "start_date", "weeks", "max_travel_km", "flex_weeks", "priority", "journey",
               "required_settings"},
    "locked": {"learners"},
}
SHEET = {"sites": "Sites", "capacity": "Capacity", "demand": "Demand", "locked": "Locked"}


class EditRefused(ValueError):
    pass


def _number(text: str, what: str, whole: bool = False, unit: str = "") -> float:
    """The importer's number reader (placement_planner.io.cells), so an edit box accepts
    exactly what a sheet cell would; a unit conversion is shown, not applied silently."""
    reading = read_number(text, what, whole=whole, unit=unit)
    if reading.error:
        raise EditRefused(reading.error)
    if reading.warning:
        raise EditRefused(f"{reading.warning} Type {reading.value:g} to use it.")
    if reading.value is None:
        raise EditRefused(f"{what} must be a number.")
    return reading.value


def _whole(text: str, minimum: int, what: str) -> int:
    unit = {"Places": "places", "Learners": "learners", "Weeks": "weeks", "Flex weeks": "weeks"}.get(what, "")
    f = _number(text, what, whole=True, unit=unit)
    if f < minimum:
        raise EditRefused(f"{what} must be a whole number of at least {minimum}, not '{text}'.")
    return int(f)


def parse_edit(data: PlanningData, table: str, position: int, column: str, text: str):
    """The typed value for ``text`` in that cell, or EditRefused saying why not."""
    frame = getattr(data, table)
    text = str(text).strip()
    if column == "places":
        return _whole(text, 0, "Places")
    if column == "learners":
        return _whole(text, 1, "Learners")
    if column == "weeks":
        return _whole(text, 1, "Weeks")
    if column == "flex_weeks":
        return _whole(text or "0", 0, "Flex weeks")
    if column in ("max_travel_km", "priority"):
        if text == "" and column == "max_travel_km":
            return float("nan")
        value = _number(text, "Travel limit" if column == "max_travel_km" else "Priority",
                        unit="km" if column == "max_travel_km" else "")
        if not math.isfinite(value) or value <= 0:
            raise EditRefused("The value must be more than 0.")
        return value
    if column == "journey":            # learner journeys (issue 13): the re-check applies the rules
        return text
    if column == "required_settings":
        from placement_planner.build import _settings_tuple

        return _settings_tuple(text)
    if column == "quality":
        quality = canonical_quality(text)
        if quality is None:
            raise EditRefused(f"Quality must be ok, monitor or suspended, not '{text}'.")
        return quality
    if column in ("start_date", "end_date"):
        reading = read_date(text, "the date")
        if reading.error or reading.value is None:
            raise EditRefused(reading.error or "Type a date as dd/mm/yyyy.")
        value = pd.Timestamp(reading.value)
        if table == "capacity":
            other = frame["end_date" if column == "start_date" else "start_date"].iloc[position]
            start, end = (value, other) if column == "start_date" else (other, value)
            if end < start:
                raise EditRefused(f"The end date {uk_date(end)} is before the start date {uk_date(start)}.")
        return value
    return parse_any(frame, column, text)


def parse_any(frame: pd.DataFrame, column: str, text: str):
    """Any other cell, while fixing a workbook's errors: a number column takes a number,
    a date column a dd/mm/yyyy date, the rest text (the re-check then applies every rule)."""
    if column not in frame.columns or column == "row":
        raise EditRefused(f"{column} cannot be edited here.")
    values = frame[column]
    sample = values.dropna()
    numeric = values.dtype.kind in "iuf" or (len(sample) and all(
        isinstance(v, (int, float, np.number)) and not isinstance(v, bool) for v in sample.iloc[:20]))
    if values.dtype.kind == "M" or column.endswith("_date"):
        if text == "":
            return pd.NaT
        day = parse_uk_date(text)
        if day is None:
            raise EditRefused(f"'{text}' is not a date: type it as dd/mm/yyyy.")
        return pd.Timestamp(day)
    if numeric:
        if text == "":
            return float("nan")
        try:
            return float(text.replace(",", ""))
        except ValueError:
            raise EditRefused(f"{column.replace('_', ' ').capitalize()} must be a number, not '{text}'.") from None
    if len(sample) and isinstance(sample.iloc[0], tuple):
        return tuple(v.strip() for v in text.split(",") if v.strip())
    return text


def set_cell(data: PlanningData, table: str, position: int, column: str, value) -> None:
    """Write one typed value and keep the derived week numbers in step."""
    frame = getattr(data, table)
    col = frame.columns.get_loc(column)
    if frame[column].dtype.kind in "iu" and not isinstance(value, (int, np.integer)):
        frame[column] = frame[column].astype(object)
    frame.iat[position, col] = value
    if column in ("start_date", "end_date"):
        week_col = "start_week" if column == "start_date" else "end_week"
        week = int(week_index(pd.Series([value]), data.week0)[0])
        frame.iat[position, frame.columns.get_loc(week_col)] = week
        if week < 0:
            _rebase(data, -week)


def typed_sheet(data: PlanningData, table: str) -> pd.DataFrame:
    """An input sheet rebuilt from the (edited) typed table, as the importer reads it back."""
    from placement_planner.ui.views.data_tabs import COLUMNS

    frame = getattr(data, table)
    out = frame[[c for c in COLUMNS[table] if c != "row"]].reset_index(drop=True).copy()
    for column in ("preferred_sites", "required_settings"):
        if column in out:
            out[column] = [", ".join(v) if isinstance(v, (tuple, list)) else "" for v in out[column]]
    return out


def _rebase(data: PlanningData, shift: int) -> None:
    """A date before week 0 moves week 0 earlier; every week number shifts with it."""
    data.week0 = data.week0 - pd.Timedelta(weeks=shift).to_pytimedelta()
    for frame, cols in ((data.capacity, ("start_week", "end_week")), (data.demand, ("start_week",)),
                        (data.previous, ("start_week",))):
        for c in cols:
            frame[c] = frame[c] + shift


@dataclass
class CellEdit:
    table: str
    position: int
    column: str
    old: object
    new: object


class EditCellCommand(QUndoCommand):
    """One cell changed; undo puts the old value back. ``apply`` notifies the views.

    ``write(table, position, column, value)`` puts a value in the table being edited (the
    planning data, or every loaded row while errors are being fixed); ``where`` names the
    cell as the user knows it ("No. of places in Capacity row 4", the Excel row).
    """

    def __init__(self, write, edit: CellEdit, apply, where: str) -> None:
        super().__init__(f"change {where}")
        self._write, self._edit, self._apply = write, edit, apply

    def redo(self) -> None:
        self._write(self._edit.table, self._edit.position, self._edit.column, self._edit.new)
        self._apply(self._edit)

    def undo(self) -> None:
        self._write(self._edit.table, self._edit.position, self._edit.column, self._edit.old)
        self._apply(self._edit)


class SettingsCommand(QUndoCommand):
    def __init__(self, data: PlanningData, new_settings, apply) -> None:
        super().__init__("change planning settings")
        self._data, self._old, self._new, self._apply = data, data.settings, new_settings, apply

    def redo(self) -> None:
        self._data.settings = self._new
        self._apply(None)

    def undo(self) -> None:
        self._data.settings = self._old
        self._apply(None)


def problem_id(problem) -> tuple:
    return (problem.sheet, problem.row, problem.column, problem.message)


class FixCommand(QUndoCommand):
    """Suggested values put in their cells; undo puts the old ones back and the problems return."""

    def __init__(self, project, write, changes, keys, label) -> None:
        super().__init__(label)
        self._project, self._write, self._changes, self._keys = project, write, changes, keys

    def redo(self) -> None:
        for table, position, column, _old, new in self._changes:
            self._write(table, position, column, new)
        self._project._resolved |= self._keys
        self._project._after_fixes(self._changes)

    def undo(self) -> None:
        for table, position, column, old, _new in self._changes:
            self._write(table, position, column, old)
        self._project._resolved -= self._keys
        self._project._after_fixes(self._changes)


class RowsHolder:
    """parse_edit reads ``holder.<table>``: the rows being fixed stand in for the data."""

    def __init__(self, rows: dict) -> None:
        self.__dict__.update(rows)
