"""The input tabs (Sites, Capacity, Demand, Locked): models kept in step with the project."""

from __future__ import annotations

import numpy as np
import pandas as pd

from placement_planner.domain import CAPACITY_COLUMNS, DEMAND_COLUMNS, LOCKED_COLUMNS, SITE_COLUMNS
from placement_planner.names import name_key
from placement_planner.ui.edits import EDITABLE, SHEET
from placement_planner.ui.models.frame_model import FrameModel
from placement_planner.ui.views.frame_table import FrameTable

_HIDDEN = {"start_week", "end_week"}
COLUMNS = {
    "sites": SITE_COLUMNS + ["row"],
    "capacity": [c for c in CAPACITY_COLUMNS if c not in _HIDDEN] + ["row"],
    "demand": [c for c in DEMAND_COLUMNS if c not in _HIDDEN] + ["row"],
    "locked": LOCKED_COLUMNS + ["row"],
}
TIPS = {
    "places": "Learners the site can host at once, in every week from start to end date. Double-click to change.",
    "learners": "Learners in this group. Double-click to change.",
    "quality": "ok, monitor (usable, flagged) or suspended (never used). Double-click to change.",
    "max_travel_km": "Straight-line travel limit; blank uses the default in Settings.",
    "flex_weeks": "The placement may start up to this many weeks earlier or later.",
    "row": "The row number in the Excel file this came from.",
}


class DataTables:
    """One FrameTable per input table; not a widget itself (the window lays them out)."""

    def __init__(self, project) -> None:
        self.project = project
        self.tables: dict[str, FrameTable] = {}
        for table, columns in COLUMNS.items():
            model = FrameModel(columns=columns, editable=EDITABLE[table], tooltips=TIPS)
            model.edit_requested.connect(
                lambda pos, col, text, t=table: project.request_edit(t, pos, col, text))
            self.tables[table] = FrameTable(model, SHEET[table])
        project.loaded.connect(self._reload)
        project.edited.connect(self._refresh)

    def _reload(self) -> None:
        data, errors = self.project.data, self.project.has_errors
        for table, view in self.tables.items():
            if errors or data is None:
                # Rows with errors are left out of the data: show every row, read-only, so a
                # problem can point at its cell; fixing happens in the workbook (then Reload).
                frame = self.project.all_rows.get(table)
                if frame is None:
                    frame = pd.DataFrame(columns=COLUMNS[table])
            else:
                frame = getattr(data, table)
            view.model.set_editable(EDITABLE[table] if not errors and data is not None else set())
            view.model.set_frame(frame)

    def _refresh(self, edit) -> None:
        if edit is None:
            return
        view = self.tables[edit.table]
        view.model.frame = getattr(self.project.data, edit.table)
        view.model.refresh_cells(edit.position, None)

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
        if not header:
            return None
        try:
            from placement_planner.io.schema import schema_for_sheet

            schema = schema_for_sheet(SHEET[table])
            match = schema.match(header) if schema else None
            if match is not None:
                return match.name
        except Exception:
            pass
        key = name_key(header)
        return next((c for c in COLUMNS[table] if name_key(c) == key), None)
