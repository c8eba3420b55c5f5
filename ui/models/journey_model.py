"""Table models over a journeys Schedule: one row per learner with weeks across, and sites x weeks.

Nothing is copied into Qt: a cell is two array look-ups (``Schedule.cell``), so 2,000
learners x 60 weeks open and scroll like a small table. Filtering is a row list the view
sets (``set_rows``), worked out with numpy over the whole schedule at once.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from placement_planner.ui import colours as C
from placement_planner.ui.journeys import Schedule, SiteWeeks, journeys_words

SPAN_ROLE = Qt.ItemDataRole.UserRole + 10     # (offset in the placement, weeks, repeat, placed, text, bg, fg)
INFO = [("hei", "University (HEI)"), ("profession", "Profession"), ("required", "Must include"),
        ("repeats", "Site repeats")]
INFO_TIPS = {
    "required": "Settings the journey must include for every learner (required_settings): ✓ covered by "
                "one of the learner's placements, ✗ not covered.",
    "repeats": "Placements at a site this learner already had earlier in the journey (the variety goal "
               "keeps these few). Repeated placements are hatched and marked ↻ in the weeks.",
}
CENTER = int(Qt.AlignmentFlag.AlignCenter)


def uk(day) -> str:
    return day.strftime("%d/%m/%Y")


def week_header(schedule: Schedule, week: int, role):
    """A week column's header: its Monday as dd/mm/yyyy."""
    if not 0 <= week < schedule.n_weeks:
        return None
    if role == Qt.ItemDataRole.DisplayRole:
        return uk(schedule.week_dates[week])
    if role == Qt.ItemDataRole.ToolTipRole:
        return f"The week starting Monday {uk(schedule.week_dates[week])}"
    return None


def weeks_words(n: int) -> str:
    return f"{n} week{'s' if n != 1 else ''}"


class ScheduleModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        from placement_planner.ui.journeys import empty_schedule

        self.schedule: Schedule = empty_schedule()
        self.rows = np.zeros(0, dtype=np.int64)
        self._settings: list[str] = []
        self._bars: list[tuple] = []

    # ---- contents -----------------------------------------------------------------------
    def set_schedule(self, schedule: Schedule) -> None:
        self.beginResetModel()
        self.schedule = schedule
        self.rows = np.arange(len(schedule), dtype=np.int64)
        p = schedule.placements
        # Numpy columns: data() is called for every visible cell on every repaint.
        self._p = {c: p[c].to_numpy() for c in p.columns} if len(p) else {}
        self._l = {c: schedule.learners[c].to_numpy() for c in schedule.learners.columns}
        self._settings = sorted({str(s).strip().lower() for s in p["setting"]} - set(C.SETTING_HUES)) if len(p) else []
        self._colours: dict[str, object] = {}
        # What the delegate paints, per placement, as plain Python: one data() call per cell.
        grey = C.qcolor(C.NOT_PLACED)
        fg = {}
        self._bars = []
        if len(p):
            starts = (p["start_week"].to_numpy(dtype=np.int64) - schedule.first_week).tolist()
            for start, weeks, repeat, placed, name, setting in zip(
                    starts, p["weeks"].tolist(), p["repeat"].tolist(), p["placed"].tolist(),
                    p["site_name"].astype(str).tolist(), p["setting"].tolist()):
                bg = self.colour(setting) if placed else grey
                text_colour = fg.get(bg.rgba())
                if text_colour is None:
                    text_colour = fg[bg.rgba()] = C.text_on(bg)
                self._bars.append((start, weeks, bool(repeat), bool(placed), name if placed else "not placed",
                                   bg, text_colour))
        self.endResetModel()

    def set_rows(self, rows: np.ndarray) -> None:
        self.beginResetModel()
        self.rows = np.asarray(rows, dtype=np.int64)
        self.endResetModel()

    def learner_row(self, model_row: int) -> int:
        return int(self.rows[model_row])

    def model_row_of(self, learner_row: int) -> int:
        hits = np.flatnonzero(self.rows == learner_row)
        return int(hits[0]) if len(hits) else -1

    def week_column(self, column: int) -> int:
        """The week (0 = the schedule's first) of a column, or -1 for an info column."""
        return column - len(INFO) if column >= len(INFO) else -1

    def placement(self, index) -> int:
        w = self.week_column(index.column())
        if w < 0 or not index.isValid():
            return -1
        return int(self.schedule.cell[self.rows[index.row()], w])

    def colour(self, setting: str):
        c = self._colours.get(setting)
        if c is None:
            c = self._colours[setting] = C.setting_colour(setting, self._settings)
        return c

    # ---- Qt model API -------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(INFO) + self.schedule.n_weeks

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        w = self.week_column(index.column())
        if w < 0:
            return self._info(row, INFO[index.column()][0], role)
        k = int(self.schedule.cell[row, w])
        if k < 0:
            if role == SPAN_ROLE:
                return ()                # an empty week: nothing to paint
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{self._l['label'][row]}: no placement in the week of {uk(self.schedule.week_dates[w])}"
            return None
        start, weeks, repeat, placed, text, bg, fg = self._bars[k]
        if role == SPAN_ROLE:            # (offset in the placement, weeks, repeat, placed, text, colours)
            return (w - start, weeks, repeat, placed, text, bg, fg)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return text
        if role == Qt.ItemDataRole.BackgroundRole:
            return bg
        if role == Qt.ItemDataRole.ForegroundRole:
            return fg
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.placement_words(k)
        return None

    def placement_words(self, k: int) -> str:
        p, first = self._p, self.schedule.first_week
        start = self.schedule.week_dates[int(p["start_week"][k]) - first]
        end = self.schedule.week_dates[int(p["start_week"][k]) - first + int(p["weeks"][k]) - 1]
        import datetime as dt
        last_day = end + dt.timedelta(days=4)        # Friday of the last week
        who = f"Journey {p['journey'][k]}, learner {p['learner'][k]} — {p['demand_id'][k]}"
        when = f"{uk(start)} to {uk(last_day)} ({weeks_words(int(p['weeks'][k]))})"
        setting = str(p["setting"][k]) or "any setting"
        if not p["placed"][k]:
            return f"{who}\nNot placed: this learner has no placement in the plan.\nAsked for {when}, {setting}"
        lines = [who, f"Site: {p['site_name'][k]} ({p['site_id'][k]})"]
        if p["provider"][k]:
            lines.append(f"Provider: {p['provider'][k]}")
        lines += [f"Setting: {setting}", f"Dates: {when}"]
        if p["repeat"][k]:
            lines.append("↻ Repeat: this learner was already placed at this site earlier in the journey.")
        return "\n".join(lines)

    def _info(self, row: int, key: str, role):
        value = self._l[key][row]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if key == "required":
                if not self._l["placed"][row]:
                    return ", ".join(value)
                missing = set(self._l["missing"][row])
                return ", ".join(f"{s} {'✗' if s in missing else '✓'}" for s in value)
            if key == "repeats":
                if not self._l["placed"][row]:
                    return "not placed"
                return f"↻ {value}" if value else "0"
            return str(value)
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "required":
                missing = self._l["missing"][row]
                if not value:
                    return "This journey asks for no particular settings."
                return ("Must include: " + ", ".join(value) + (
                    f". Not covered: {', '.join(missing)}." if missing else ". Every one is covered."))
            return INFO_TIPS.get(key, str(value))
        if role == Qt.ItemDataRole.TextAlignmentRole and key == "repeats":
            return CENTER
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Vertical:
            if not 0 <= section < len(self.rows):
                return None
            row = self.rows[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return str(self._l["label"][row])
            if role == Qt.ItemDataRole.ToolTipRole:
                return (f"Journey {self._l['journey'][row]}, learner {self._l['learner'][row]}: "
                        f"{self._l['hei'][row]}, {self._l['profession'][row]}")
            return None
        if section < len(INFO):
            key, label = INFO[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return label
            if role == Qt.ItemDataRole.ToolTipRole:
                return INFO_TIPS.get(key, label)
            return None
        return week_header(self.schedule, section - len(INFO), role)


class SiteWeeksModel(QAbstractTableModel):
    """Sites down, weeks across: how many journey learners are at the site that week. With one
    site chosen, a line per journey under it says which journeys those learners are on."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        from placement_planner.ui.journeys import empty_schedule

        self.site_weeks = SiteWeeks(empty_schedule())
        self.lines: list[tuple[int, str | None]] = []     # (site, journey or None for the whole site)
        self.counts = np.zeros((0, 0), dtype=np.int64)
        self._colours: list = []

    def set_site_weeks(self, site_weeks: SiteWeeks) -> None:
        self.site_weeks = site_weeks
        top = int(site_weeks.counts.max()) if site_weeks.counts.size else 1
        self._colours = C.colours_for(range(top + 1), "use", 0, max(top, 1) * 1.25)
        self.show_sites(np.arange(len(site_weeks)))

    def show_sites(self, sites) -> None:
        """One line per site."""
        self.beginResetModel()
        self.lines = [(int(s), None) for s in sites]
        self.counts = self.site_weeks.counts[np.asarray(sites, dtype=np.int64)]
        self.endResetModel()

    def show_site(self, site: int) -> None:
        """The site's line, then one line per journey there."""
        self.beginResetModel()
        found = self.site_weeks.journey_lines(site)
        self.lines = [(site, None)] + [(site, j) for j, _ in found]
        self.counts = np.vstack([self.site_weeks.counts[site]] + [c for _, c in found])
        self.endResetModel()

    def site(self, model_row: int) -> int:
        return self.lines[model_row][0]

    def learner_rows(self, model_row: int, week: int) -> np.ndarray:
        site, journey = self.lines[model_row]
        rows = self.site_weeks.learner_rows(site, week)
        if journey is not None:
            rows = rows[self.site_weeks.schedule.learners["journey"].to_numpy()[rows] == journey]
        return rows

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else self.site_weeks.schedule.n_weeks

    def cell_words(self, model_row: int, week: int) -> str:
        sw = self.site_weeks
        site, journey = self.lines[model_row]
        n = int(self.counts[model_row, week])
        day = uk(sw.schedule.week_dates[week])
        if journey is not None:
            learners = sorted(int(x) for x in sw.schedule.learners["learner"].to_numpy()[
                self.learner_rows(model_row, week)])
            return (f"Journey {journey} at {sw.site_names[site]}, week of {day}: "
                    + (f"learner{'s' if n != 1 else ''} {', '.join(map(str, learners))}" if n else "none"))
        if not n:
            return f"{sw.site_names[site]}, week of {day}: no journey learners."
        found = sw.journeys_at(site, week)
        return (f"{sw.site_names[site]}, week of {day}: {n} learner{'s' if n != 1 else ''} from "
                f"{len(found)} journey{'s' if len(found) != 1 else ''} — {journeys_words(found)}")

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        n = int(self.counts[index.row(), index.column()])
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{n:,}" if n else ""
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.cell_words(index.row(), index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.cell_words(index.row(), index.column()) + ("\nClick to show these learners' schedules."
                                                                  if n else "")
        if role == Qt.ItemDataRole.BackgroundRole and n:
            return self._colours[min(n, len(self._colours) - 1)]
        if role == Qt.ItemDataRole.ForegroundRole and n:
            return C.text_on(self._colours[min(n, len(self._colours) - 1)])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return CENTER
        if role == Qt.ItemDataRole.UserRole:
            return n
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        sw = self.site_weeks
        if orientation == Qt.Orientation.Vertical:
            if not 0 <= section < len(self.lines):
                return None
            site, journey = self.lines[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return sw.site_names[site] if journey is None else f"   ↳ journey {journey}"
            if role == Qt.ItemDataRole.ToolTipRole:
                where = f"{sw.site_names[site]} ({sw.site_ids[site]})" + (
                    f", {sw.providers[site]}" if sw.providers[site] else "")
                return where if journey is None else f"Learners of journey {journey} at {where}"
            return None
        return week_header(sw.schedule, section, role)
