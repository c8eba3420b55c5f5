"""The one controller: holds the loaded data, the plan and the undo stack; views listen to it.

Widgets never change data themselves: they call ``request_edit``/``change_settings``/``plan``
here, and redraw on the signals (``loaded``, ``edited``, ``plan_changed``, ...).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from placement_planner.analysis.summary import plan_notes
from placement_planner.io.problems import FileLockedError
from placement_planner.recovery import Journal
from placement_planner.ui import core
from placement_planner.ui.plan_child import plan_in_child
from placement_planner.ui.edits import (CellEdit, EditCellCommand, EditRefused, FixCommand, RowsHolder,
                                        SettingsCommand, parse_edit, problem_id)
from placement_planner.ui.workers import BackgroundTask


class Project(QObject):
    loaded = Signal()               # new data: every table resets
    edited = Signal(object)         # a CellEdit, or None for a settings change
    plan_changed = Signal()         # results replaced, cleared or made stale
    problems_changed = Signal()
    busy_changed = Signal(str)      # "" when idle, else what is running
    progressed = Signal(object)     # ProgressState of the running plan
    message = Signal(str)           # one line for the status bar
    failed = Signal(str, str)       # title, plain-English message
    modified_changed = Signal(bool)
    saved = Signal(str)             # path written (project save or export)
    save_failed = Signal(str, str, bool)   # path, plain-English message, as_project
    open_locked = Signal(list, str)        # paths to open, the locked file's name (offer Retry)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.data = None
        self.all_rows: dict = {}        # typed sheets with every row, shown while errors remain
        self.results: core.Results | None = None
        self.plan_stale = False
        self.problems: list = []
        self.input_paths: list[str] = []
        self.project_path: str | None = None
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(lambda _: self.modified_changed.emit(self.is_modified))
        self._plan_unsaved = False
        self._tasks: list[BackgroundTask] = []
        self._load_task: BackgroundTask | None = None
        self._plan_task: BackgroundTask | None = None
        self.journal = Journal()          # every change is on disk at once (crash recovery)
        self._recovery = None             # a crashed session's changes, replayed after loading
        self._edited_tables: set[str] = set()   # their loaded sheets are written from the typed table
        self.fixing = None                # a FixSession while a workbook with errors is fixed here
        self._resolved: set = set()       # problems fixed by their own suggestion (until undone)
        self._load_only: list = []        # load notes a re-check cannot find again
        self.sheet_files: dict[str, str] = {}   # sheet key -> the file it came from
        self.headers: dict[str, dict[str, str]] = {}   # table -> column -> the user's header
        self.planner = None               # (data, progress) -> core.Results; None: a child process
        self.plan_note = ""               # which plan was kept when a run stopped early

    # ---- state ------------------------------------------------------------------------
    @property
    def is_modified(self) -> bool:
        return not self.undo_stack.isClean() or self._plan_unsaved

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)

    @property
    def planning(self) -> bool:
        return self._plan_task is not None

    def mark_saved(self, path: str | None = None) -> None:
        if path:
            self.project_path = path
        self._plan_unsaved = False
        self.undo_stack.setClean()
        self.modified_changed.emit(False)

    def mark_unsaved(self) -> None:
        """Recovered work is not saved anywhere the user chose yet."""
        self._plan_unsaved = True
        self.modified_changed.emit(True)

    # ---- loading ----------------------------------------------------------------------
    def open_files(self, paths: list[str]) -> BackgroundTask:
        self.cancel_plan()
        paths = [str(p) for p in paths]
        self.message.emit("Opening " + ", ".join(p.rsplit("/", 1)[-1] for p in paths) + "…")

        def load(progress):
            try:
                return core.load(paths, progress)
            except FileLockedError as exc:   # Excel or OneDrive has it: the window offers Retry
                return exc

        task = self._start(load, "load")
        task.finished.connect(lambda result: self._on_load_result(paths, result))
        task.failed.connect(lambda msg, _: self.failed.emit("Could not open the files", msg))
        self._load_task = task
        self._busy()
        return task

    def reload(self):
        return self.open_files(self.input_paths) if self.input_paths else None

    def _on_load_result(self, paths: list[str], result) -> None:
        if isinstance(result, FileLockedError):     # nothing was opened; what was open stays
            name = Path(result.path).name
            self.message.emit(f"Not opened: {name} is in use or not downloaded yet")
            self.open_locked.emit(paths, name)
        else:
            self._on_loaded(result)

    def _on_loaded(self, loaded: core.Loaded) -> None:
        from placement_planner.ui.fixing import FixSession, headers_of

        self.data, self.problems = loaded.data, loaded.problems
        self.all_rows = loaded.tables
        self.sheet_files = dict(loaded.sheet_files)
        self._resolved = set()
        from placement_planner.ui.fixing import load_only

        self._load_only = load_only(loaded.problems, loaded.recheck_keys)
        self.headers = headers_of(loaded.data.source_sheets if loaded.data is not None else {})
        # Errors are fixed here, in every row, when the sheets themselves could be read.
        self.fixing = (FixSession(loaded.tables, loaded.problems, loaded.data)
                       if loaded.has_errors and loaded.data is not None else None)
        self.journal.start(loaded.paths)
        self._edited_tables.clear()
        self.input_paths = loaded.paths
        self.project_path = None
        self.undo_stack.clear()
        self._plan_unsaved = False
        previous = core.previous_plan(loaded.data, loaded.journeys) if loaded.data is not None else None
        self.results = None
        self.plan_stale = False
        self.plan_note = ""
        self.loaded.emit()
        self.problems_changed.emit()
        self.plan_changed.emit()
        self.modified_changed.emit(self.is_modified)
        self.message.emit("Opened " + ", ".join(p.replace("\\", "/").rsplit("/", 1)[-1] for p in loaded.paths))
        recovery, self._recovery = self._recovery, None
        if recovery is not None and self.data is not None:
            self._replay(recovery)
        elif previous is not None:   # a reopened project: show its plan's figures
            self._analyse_previous(previous)

    def _analyse_previous(self, plan) -> None:
        data = core.snapshot(self.data)
        task = self._start(lambda progress: core.analyse(data, plan), "analyse")
        task.finished.connect(self._set_results)
        task.failed.connect(lambda msg, _: self.message.emit(f"Could not show the saved plan: {msg}"))

    # ---- editing ----------------------------------------------------------------------
    def table(self, table: str):
        """The frame a data tab shows and edits: every loaded row while fixing errors."""
        if self.fixing is not None and table in self.fixing.rows:
            return self.fixing.rows[table]
        return getattr(self.data, table) if self.data is not None else None

    def editable_columns(self, table: str) -> set[str]:
        from placement_planner.ui.edits import EDITABLE

        if self.fixing is not None and table in self.fixing.rows:
            return {c for c in self.fixing.rows[table].columns if c != "row"}
        return set(EDITABLE[table]) if self.data is not None else set()

    def cell_name(self, table: str, position: int, column: str) -> str:
        """'No. of places in Capacity row 4': the user's header and the Excel row."""
        from placement_planner.ui.edits import SHEET

        frame = self.table(table)
        row = int(frame["row"].iloc[position]) if frame is not None and "row" in frame else 0
        header = self.headers.get(table, {}).get(column, column.replace("_", " "))
        return f"{header} in {SHEET[table]} " + (f"row {row}" if row else f"(new row {position + 1})")

    def request_edit(self, table: str, position: int, column: str, text: str) -> bool:
        from placement_planner.ui.edits import set_cell

        if self.data is None and self.fixing is None:
            self.message.emit("These files could not be read into tables: fix them in Excel and reload (Ctrl+R).")
            return False
        if column not in self.editable_columns(table):
            self.message.emit(f"{self.cell_name(table, position, column)} cannot be changed here: "
                              "ids and names stay as loaded so references never break.")
            return False
        frame = self.table(table)
        try:
            holder = self.data if self.fixing is None else RowsHolder(self.fixing.rows)
            value = parse_edit(holder, table, position, column, text)
        except EditRefused as refused:
            self._note_refused(table, position, column, text, str(refused))
            return False
        old = frame[column].iloc[position]
        edit = CellEdit(table, position, column, old, value)
        write = self.fixing.set if self.fixing is not None else \
            (lambda t, p, c, v: set_cell(self.data, t, p, c, v))
        self.undo_stack.push(EditCellCommand(write, edit, self._after_edit,
                                             self.cell_name(table, position, column)))
        return True

    def change_settings(self, settings) -> None:
        if self.data is not None and settings != self.data.settings:
            self.undo_stack.push(SettingsCommand(self.data, settings, self._after_edit))

    def _after_edit(self, edit) -> None:
        if edit is None:
            self.journal.record_settings(self.data.settings)
        else:
            self._edited_tables.add(edit.table)
            frame = self.table(edit.table)
            self.journal.record_cell(edit.table, edit.position, edit.column,
                                     frame[edit.column].iloc[edit.position])
        self._recheck()
        self.edited.emit(edit)
        if self.results is not None and not self.plan_stale:
            self.plan_stale = True
            self.plan_changed.emit()
        self.problems_changed.emit()

    def _recheck(self) -> None:
        """Every edit is checked at once with the importer's rules."""
        from placement_planner.ui.fixing import with_file

        if self.fixing is not None:
            settings = self.data.settings if self.data is not None else None
            data, problems = self.fixing.recheck(settings)
            if data is not None:
                self.data = data
        else:
            problems = self._load_only + core.revalidate(self.data)
        self.problems = [p for p in with_file(problems, self.sheet_files, self.headers) if problem_id(p) not in self._resolved]

    def apply_fixes(self, cells: list, problems: list, label: str) -> None:
        """Put each suggested value in its cell, as one undoable change ("Fix all like this").

        ``cells``: (table, position, column, value). The problems they answer are dropped from
        the list even when the typed value was already read that way (an old ICB name is read
        as the current one): the table is then written back with the current names on save.
        """
        from placement_planner.ui.edits import set_cell

        write = self.fixing.set if self.fixing is not None else \
            (lambda t, p, c, v: set_cell(self.data, t, p, c, v))
        changes = [(t, pos, c, self.table(t)[c].iloc[pos], v) for t, pos, c, v in cells]
        keys = {problem_id(p) for p in problems}
        self.undo_stack.push(FixCommand(self, write, changes, keys, label))

    def _after_fixes(self, changes) -> None:
        for table, position, column, _old, _new in changes:
            self._edited_tables.add(table)
            self.journal.record_cell(table, position, column, self.table(table)[column].iloc[position])
        self._recheck()
        for table, position, column, old, new in changes:
            self.edited.emit(CellEdit(table, position, column, old, new))
        if self.results is not None and not self.plan_stale:
            self.plan_stale = True
            self.plan_changed.emit()
        self.problems_changed.emit()

    def _note_refused(self, table, position, column, text, message) -> None:
        # A refused edit is a passing message, not a problem in the workbook: the cell keeps
        # its value, so nothing is left to fix (issue 14 item 7).
        self.message.emit(f"Not changed: {self.cell_name(table, position, column)} — {message}")

    # ---- crash recovery -----------------------------------------------------------------
    def recover(self, recovery) -> BackgroundTask:
        """Reopen a crashed session's files and replay its changes and last finished plan."""
        self._recovery = recovery
        return self.open_files(recovery.files)

    def _replay(self, recovery) -> None:
        from placement_planner.ui.edits import set_cell

        for table, position, column, value in recovery.cells:
            if isinstance(value, list):      # a tuple (required_settings) comes back from JSON as a list
                value = tuple(value)
            if self.fixing is not None:
                self.fixing.set(table, position, column, value)
            else:
                set_cell(self.data, table, position, column, value)
            self._edited_tables.add(table)
            self.journal.record_cell(table, position, column, value)
        if recovery.settings is not None:
            self.data.settings = recovery.settings
            self.journal.record_settings(recovery.settings)
        if recovery.scenarios is not None:   # what-ifs (ui/scenarios): back into the Scenarios sheet
            import pandas as pd
            self.data.source_sheets["Scenarios"] = pd.DataFrame(recovery.scenarios)
            self.journal.record_scenarios(recovery.scenarios)
        recovery.discard()
        self._recheck()
        self.loaded.emit()
        self.problems_changed.emit()
        if recovery.plan is not None:
            self.journal.record_plan(recovery.plan)
            self._analyse_previous(recovery.plan)
        self.mark_unsaved()
        self.message.emit(f"Recovered {recovery.n_changes} unsaved change(s)"
                          + (" and the last finished plan" if recovery.plan is not None else "")
                          + ": save the project to keep them.")

    # ---- planning ---------------------------------------------------------------------
    def plan(self) -> BackgroundTask | None:
        if self.data is None:
            self.message.emit("Open a supply and a demand workbook first.")
            return None
        if self.has_errors:
            self.message.emit("Fix the errors listed under Problems before planning.")
            return None
        self.cancel_plan()   # a new request replaces the running one
        data = core.snapshot(self.data)
        journal, planner = self.journal, self.planner or plan_in_child
        # The plan on show, if it is of the same data: a run stopped early keeps it when better.
        current = self.results if self.results is not None and not self.plan_stale else None

        def plan_and_record(progress):
            results = planner(data, progress)
            kept = core.keep_better(current, results)
            if kept is results:     # recovery brings back the plan the user sees
                journal.record_plan(results.plan)   # off the GUI thread: the CSV takes a while
            return results, kept

        task = self._start(plan_and_record, "plan", 100)
        task.progressed.connect(self.progressed)
        task.finished.connect(lambda results, t=task: self._on_planned(t, results))
        task.failed.connect(lambda msg, _, t=task: self._on_plan_failed(t, msg))
        self._plan_task = task
        self._busy()
        return task

    def cancel_plan(self) -> None:
        if self._plan_task is not None:
            self._plan_task.cancel()
            self._plan_task = None   # its result, if any, still arrives but is not shown
            # Said at once: a run stopped before it had any plan sends none back. A stopped run
            # that does send one replaces this note (_on_planned) with the comparison.
            if self.results is not None and not self.plan_stale:
                self.plan_note = (f"Planning was cancelled: kept the earlier plan "
                                  f"({self.results.plan.learners_placed:,} learners placed).")
                self.plan_changed.emit()
            self._busy()

    def _on_planned(self, task, outcome) -> None:
        if task is not self._plan_task and not task.cancelled:
            return
        if task is not self._plan_task and self._plan_task is not None:
            return   # superseded by a newer request
        self._plan_task = None
        new, kept = outcome
        self.plan_note = core.kept_words(new, kept, None if self.plan_stale else self.results)
        if kept is not self.results:
            self._plan_unsaved = True
            self._set_results(kept)
            self.modified_changed.emit(True)
        else:
            self.plan_changed.emit()    # the same plan, with the note saying why
        if self.plan_note:
            self.message.emit(self.plan_note)
        elif kept is not None and plan_notes(kept.plan):
            # the optimiser's own word on the new plan, e.g. learner-km proven to 0.05 %
            self.message.emit(plan_notes(kept.plan)[0])
        self._busy()

    def _on_plan_failed(self, task, message) -> None:
        if task is self._plan_task:
            self._plan_task = None
            self.failed.emit("Planning stopped", message)
            self._busy()

    def _set_results(self, results) -> None:
        self.results = results
        self.plan_stale = False
        self.plan_changed.emit()

    # ---- files ------------------------------------------------------------------------
    def save(self, path: str, *, as_project: bool = True, autosave: bool = False) -> BackgroundTask | None:
        """Write the output workbook; as the project file it also becomes the clean state.

        An export writes the same complete workbook (inputs, settings and plan), so nothing is
        lost after it either: it leaves the project saved too, without becoming the file that
        Save writes to. Only an autosave leaves the changes marked unsaved.
        """
        if self.data is None:
            return None
        self._sheets_from_edits()
        data = core.snapshot(self.data)
        plan = self.results.plan if self.results is not None else None
        index = self.undo_stack.index()
        plan_at_save = self.results

        def write(progress):
            core.export(path, data, plan)
            if autosave:
                from placement_planner.recovery import make_private

                make_private(path)      # learner data: readable by the user alone
            return path

        task = self._start(write, "save")
        task.finished.connect(lambda p: self._on_saved(p, as_project, index, autosave, plan_at_save))
        task.failed.connect(lambda msg, _: self.save_failed.emit(path, msg, as_project))
        return task

    def _sheets_from_edits(self) -> None:
        """An edited sheet no longer holds what the user sees: the file gets the typed table.
        Built once per save, not on every edit."""
        from placement_planner.ui.edits import SHEET, typed_sheet

        from placement_planner.ui.views.data_tabs import COLUMNS

        for table in self._edited_tables:
            self.data.source_sheets[SHEET[table]] = (
                self.fixing.typed_sheet(table, COLUMNS[table]) if self.fixing is not None
                else typed_sheet(self.data, table))

    def _on_saved(self, path: str, as_project: bool, index: int, autosave: bool = False,
                  plan_at_save=None) -> None:
        unchanged = self.undo_stack.index() == index and self.results is plan_at_save
        if as_project:
            self.project_path = path
            self.journal.start([path])      # the saved project is the new base
            if unchanged:
                self.mark_saved(path)
        elif not autosave and unchanged:
            self.mark_saved()               # an export holds everything: nothing is unsaved
        if not autosave:
            self.message.emit(f"{'Saved' if as_project else 'Exported'} {path}")
        self.saved.emit(path)

    def write_packs(self, folder: str) -> BackgroundTask | None:
        """Partner packs of the current plan: one workbook per university and provider in folder."""
        if self.results is None:
            self.message.emit("Make a plan first: partner packs are written from the plan.")
            return None
        results, data = self.results, self.data

        def write(progress):
            from placement_planner.analysis.journeys import journeys_table
            from placement_planner.io.packs import PlanTables, write_packs

            # a university's pack carries its learners' journeys (None: the plan has none)
            paths = journeys_table(data, results.plan) if data is not None else None
            return write_packs(PlanTables.from_report(results, journeys=paths), folder, progress=progress)

        task = self._start(write, "packs")
        task.finished.connect(lambda result: self._packs_written(folder, result))
        task.failed.connect(lambda msg, _: self.failed.emit("Could not write the partner packs", msg))
        return task

    def _packs_written(self, folder: str, result) -> None:
        self.message.emit(f"Wrote {len(result.written)} partner pack(s) to {folder}")
        if result.failed:
            shown = "\n".join(message for _, message in result.failed[:5])
            more = f"\n... and {len(result.failed) - 5} more" if len(result.failed) > 5 else ""
            self.failed.emit("Some partner packs were not written", f"{shown}{more}")

    # ---- workers ----------------------------------------------------------------------
    def _start(self, fn, name, poll_ms=200) -> BackgroundTask:
        task = BackgroundTask(fn, name=name, poll_ms=poll_ms, parent=self)
        self._tasks.append(task)
        task.stopped.connect(lambda t=task: self._forget(t))
        task.start()
        return task

    def _forget(self, task) -> None:
        if task in self._tasks:
            self._tasks.remove(task)
        if task is self._load_task:
            self._load_task = None
        self._busy()
        task.deleteLater()

    def _busy(self) -> None:
        self.busy_changed.emit("planning" if self._plan_task else "loading" if self._load_task else "")

    def running_tasks(self) -> list[BackgroundTask]:
        return [t for t in self._tasks if t.is_running()]

    def shutdown(self, ms: int = 30000) -> bool:
        """Cancel every worker and wait for its thread (closing the window)."""
        for task in list(self._tasks):
            task.cancel()
        return all(task.wait(ms) for task in list(self._tasks))
