"""The input tabs (Sites, Capacity, Demand, Locked): models kept in step with the project."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from placement_planner.domain import CAPACITY_COLUMNS, DEMAND_COLUMNS, LOCKED_COLUMNS, SITE_COLUMNS
from placement_planner.names import name_key
from placement_planner.weeks import mondays
from placement_planner.ui.edits import EDITABLE, SHEET
from placement_planner.ui.fixing import column_for
from placement_planner.ui.models.frame_model import FrameModel
from placement_planner.ui.views.frame_table import FrameTable

_HIDDEN = {"start_week", "end_week"}
# Display-only: the planning week (its Monday) beside each typed date, which stays as typed.
WEEK_OF = {"start_date": "start_week_of", "end_date": "end_week_of"}


def _with_weeks(columns: list[str], dates: tuple[str, ...]) -> list[str]:
    out = []
    for c in columns:
        out.append(c)
        if c in dates:
            out.append(WEEK_OF[c])
    return out


def week_of(date_column: str):
    """The Monday of each row's date (its planning week); blank where the cell is not a date."""
    def derive(frame: pd.DataFrame) -> np.ndarray:
        values = frame[date_column]
        if values.dtype.kind != "M":
            is_date = values.map(lambda v: isinstance(v, (dt.date, pd.Timestamp)) and v is not pd.NaT)
            values = pd.to_datetime(values.where(is_date), errors="coerce")
        return mondays(values).to_numpy()
    return derive


COLUMNS = {    # the sheets' own columns, as saved and checked
    "sites": SITE_COLUMNS + ["row"],
    "capacity": [c for c in CAPACITY_COLUMNS if c not in _HIDDEN] + ["row"],
    "demand": [c for c in DEMAND_COLUMNS if c not in _HIDDEN] + ["row"],
    "locked": LOCKED_COLUMNS + ["row"],
}
SHOWN = {      # what each table shows: the sheet's columns plus the display-only weeks
    "sites": COLUMNS["sites"], "locked": COLUMNS["locked"],
    "capacity": _with_weeks(COLUMNS["capacity"], ("start_date", "end_date")),
    "demand": _with_weeks(COLUMNS["demand"], ("start_date",)),
}
DERIVED = {
    "sites": {}, "locked": {},
    "capacity": {WEEK_OF["start_date"]: week_of("start_date"), WEEK_OF["end_date"]: week_of("end_date")},
    "demand": {WEEK_OF["start_date"]: week_of("start_date")},
}
TIPS = {
    "places": "Learners the site can host at once, in every week from start to end date. Double-click to change.",
    "learners": "Learners in this group. Double-click to change.",
    "quality": "ok, monitor (usable, flagged) or suspended (never used). Double-click to change.",
    "max_travel_km": "Straight-line travel limit; blank uses the default in Settings.",
    "flex_weeks": "The placement may start up to this many weeks earlier or later.",
    "row": "The row number in the Excel file this came from.",
    "journey": "Rows with the same journey are one learner's successive placements, planned together "
               "(a learner gets every placement of the journey or none). Double-click to change.",
    "required_settings": "Settings every learner of the journey must have a placement in, comma-separated "
                         "(e.g. acute, community). Double-click to change.",
    "start_week_of": "The planning week this starts in, shown by its Monday: a mid-week date is planned "
                     "from the Monday before. The typed date is kept as it is.",
    "end_week_of": "The last planning week, shown by its Monday. The typed date is kept as it is.",
}


class DataTables:
    """One FrameTable per input table; not a widget itself (the window lays them out)."""

    def __init__(self, project) -> None:
        self.project = project
        self.tables: dict[str, FrameTable] = {}
        for table, columns in SHOWN.items():
            model = FrameModel(columns=columns, editable=EDITABLE[table], tooltips=TIPS,
                               derived=DERIVED[table])
            model.edit_requested.connect(
                lambda pos, col, text, t=table: project.request_edit(t, pos, col, text))
            self.tables[table] = FrameTable(model, SHEET[table])
        project.loaded.connect(self._reload)
        project.edited.connect(self._refresh)
        project.problems_changed.connect(self._mark_problems)

    def _reload(self) -> None:
        p = self.project
        for table, view in self.tables.items():
            frame = p.table(table)
            if frame is None:
                # The sheets could not be read into data: show every row read, so a problem
                # can point at its cell; fixing happens in the workbook (then Reload).
                frame = p.all_rows.get(table)
                if frame is None:
                    frame = pd.DataFrame(columns=COLUMNS[table])
            view.model.set_editable(p.editable_columns(table))
            view.model.set_frame(frame)
        self._mark_problems()

    def _refresh(self, edit) -> None:
        if edit is None:
            return
        view = self.tables[edit.table]
        view.model.frame = self.project.table(edit.table)
        view.model.refresh_cells(edit.position, None)

    def _mark_problems(self) -> None:
        """Cells with an open error or warning are tinted, with the message as their tooltip."""
        marks: dict[str, dict] = {t: {} for t in self.tables}
        for problem in self.project.problems:
            where = self.locate(problem)
            if where is None:
                continue
            table, position, column = where
            key = (position, column)
            if key not in marks[table] or problem.is_error:
                marks[table][key] = problem
        for table, view in self.tables.items():
            view.model.set_marks(marks[table])

    def locate(self, problem) -> tuple[str, int, str | None] | None:
        """(table, frame position, column) of the cell a problem points at, if it is shown."""
        table = next((t for t, s in SHEET.items() if name_key(s) == name_key(problem.sheet)), None)
        if table is None or not problem.row or "row" not in self.tables[table].model.frame:
            return None
        frame = self.tables[table].model.frame
        hits = np.flatnonzero(frame["row"].to_numpy() == problem.row)
        if not len(hits):
            return None
        return table, int(hits[0]), self._column(table, problem.column)

    @staticmethod
    def _column(table: str, header: str | None) -> str | None:
        return column_for(table, header, COLUMNS[table])
