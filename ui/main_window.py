"""The main window: input tables, results and gap charts in tabs, Problems in a dock."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDockWidget, QFileDialog, QMainWindow, QMessageBox, QTabWidget,
                               QToolBar)

from placement_planner.ui import actions as acts
from placement_planner.ui import core
from placement_planner.ui.project import Project
from placement_planner.ui.status import StatusBar
from placement_planner.ui.views.data_tabs import DataTables
from placement_planner.ui.views.problems_panel import ProblemsPanel

FILE_FILTER = "Workbooks (*.xlsx *.xlsm *.ods *.xls *.csv);;All files (*)"


def plan_blocked_text(errors: list) -> str:
    """'Plan is off: 3 errors to fix — Capacity rows 4, 5; Demand row 11. ...'"""
    by_sheet: dict[str, list] = {}
    for e in errors:
        by_sheet.setdefault(e.sheet or e.file or "the files", []).append(e.row)
    where = []
    for sheet, rows in by_sheet.items():
        shown = sorted({r for r in rows if r})
        if not shown:
            where.append(sheet)
            continue
        more = f" and {len(shown) - 6} more" if len(shown) > 6 else ""
        where.append(f"{sheet} row{'s' * (len(shown) > 1)} {', '.join(map(str, shown[:6]))}{more}")
    n = len(errors)
    return (f"Plan is off: {n:,} error{'s' * (n != 1)} to fix — {'; '.join(where)}. "
            "Double-click a tinted cell to correct it here, or use Problems > Go to cell.")


class MainWindow(QMainWindow):
    def __init__(self, project: Project | None = None) -> None:
        super().__init__()
        self.project = project or Project(self)
        self.setWindowTitle("[*]Placement Planner")
        self.setAcceptDrops(True)
        self.resize(1280, 820)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self.data_tables = DataTables(self.project)
        for table, view in self.data_tables.tables.items():
            self.tabs.addTab(view, table.capitalize())
        self.problems = ProblemsPanel()
        self.problems_dock = QDockWidget("Problems", self)
        self.problems_dock.setObjectName("problems_dock")
        self.problems_dock.setWidget(self.problems)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.problems_dock)
        self.resizeDocks([self.problems_dock], [170], Qt.Orientation.Vertical)
        self.status = StatusBar(self.project, self)
        self.setStatusBar(self.status)
        self.actions = acts.build_actions(self)
        acts.build_menus(self, self.actions)
        self.findChild(QToolBar).setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self._update_recent_menu()
        self._add_result_views()
        self._add_tab_actions()
        from placement_planner.ui.autosave import Autosaver

        self.autosaver = Autosaver(self.project, parent=self)

        p = self.project
        p.problems_changed.connect(lambda: self.problems.set_problems(p.problems))
        self.problems.problem_activated.connect(self.go_to_problem)
        self.problems.fix_requested.connect(self.apply_suggestions)
        p.modified_changed.connect(self.setWindowModified)
        p.busy_changed.connect(self._busy)
        p.failed.connect(lambda title, msg: QMessageBox.warning(self, title, msg))
        p.save_failed.connect(self._save_failed)
        p.open_locked.connect(self._open_locked)
        p.loaded.connect(self._loaded)
        self._restore_geometry()
        p.problems_changed.connect(self._update_plan_action)
        p.loaded.connect(self._update_plan_action)
        self._update_plan_action()

    def _add_result_views(self) -> None:
        """Results and charts (added by later steps); kept separate so tests can skip them."""
        try:
            from placement_planner.ui.views.results_tabs import add_result_tabs
        except ImportError:
            return
        add_result_tabs(self)
        from placement_planner.ui.advice import install as install_advice   # expansion advice (issue 9)

        install_advice(self)
        from placement_planner.ui.scenarios import install as install_scenarios   # what-ifs (issue 8)

        install_scenarios(self)

    # ---- files --------------------------------------------------------------------------
    def open_files(self, paths: list[str]):
        if not paths:
            return None
        acts.remember([str(Path(p).resolve()) for p in paths])
        self._update_recent_menu()
        return self.project.open_files(paths)

    def open_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Open supply and demand workbooks",
                                                acts.last_folder("open"), FILE_FILTER)
        if paths:
            acts.remember_folder("open", paths[0])
        if paths and self._may_discard():
            self.open_files(paths)

    def add_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Add a workbook", acts.last_folder("open"), FILE_FILTER)
        if paths:
            acts.remember_folder("open", paths[0])
            self.open_files(self.project.input_paths + [p for p in paths if p not in self.project.input_paths])

    def reload(self):
        return self.project.reload() if self._may_discard() else None

    def open_sample(self):
        return self.open_files(core.sample_paths())

    def save(self):
        path = self.project.project_path
        return self.project.save(path) if path else self.save_as()

    def save_as(self):
        path, _ = QFileDialog.getSaveFileName(self, "Save project", acts.last_folder("save", "placement-plan.xlsx"),
                                              "Excel workbook (*.xlsx)")
        acts.remember_folder("save", path)
        return self.project.save(path) if path else None

    def export(self):
        path, _ = QFileDialog.getSaveFileName(self, "Export to Excel", acts.last_folder("export", "placement-plan.xlsx"),
                                              "Excel workbook (*.xlsx)")
        acts.remember_folder("export", path)
        return self.project.save(path, as_project=False) if path else None

    def export_packs(self):
        folder = QFileDialog.getExistingDirectory(self, "Folder for the partner packs")
        return self.project.write_packs(folder) if folder else None

    def _save_failed(self, path: str, message: str, as_project: bool) -> None:
        """The file could not be written (often: it is open in Excel). Nothing was changed
        on disk; offer to try again once the user has closed it."""
        box = QMessageBox(QMessageBox.Icon.Warning, "Could not save", message,
                          QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Cancel, self)
        box.setInformativeText("Nothing was written. Close the file in Excel (or choose another "
                               "name with Save As) and press Retry.")
        if box.exec() == QMessageBox.StandardButton.Retry:
            self.project.save(path, as_project=as_project)

    def _open_locked(self, paths: list, name: str) -> None:
        """A file is held by Excel or not downloaded by OneDrive yet; nothing was opened.
        Offer to try the same files again once the user has closed it or waited."""
        box = QMessageBox(QMessageBox.Icon.Warning, "Could not open the files",
                          f"{name} is open in another program (for example Excel) or not yet downloaded "
                          "by OneDrive.",
                          QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Cancel, self)
        box.setInformativeText("Close it there or wait, then Retry.")
        if box.exec() == QMessageBox.StandardButton.Retry:
            self.project.open_files(paths)

    def _update_recent_menu(self) -> None:
        self.recent_menu.clear()
        for entry in acts.recent_files():
            paths = entry.split("|")
            act = self.recent_menu.addAction(" + ".join(Path(p).name for p in paths))
            act.setToolTip("\n".join(paths))
            act.triggered.connect(lambda checked=False, ps=paths: self._may_discard() and self.open_files(ps))
        self.recent_menu.setEnabled(bool(self.recent_menu.actions()))

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if not paths:
            return
        # Dropping the demand file after the supply file adds it; otherwise start afresh.
        if self.project.data is None and self.project.input_paths:
            paths = self.project.input_paths + [p for p in paths if p not in self.project.input_paths]
        elif not self._may_discard():
            return
        event.acceptProposedAction()
        self.open_files(paths)

    def offer_recovery(self) -> bool:
        """After a crash, offer the unsaved work; True when it was reopened.

        The edit journal is preferred (it holds every change up to the crash); when its input
        files have changed or gone since, the last automatic save is offered instead.
        """
        from placement_planner.recovery import find_recoveries
        from placement_planner.ui.autosave import orphaned_autosaves

        journals = [r for r in find_recoveries() if r.files_unchanged and (r.n_changes or r.plan)]
        found = orphaned_autosaves()
        if not journals and not found:
            for r in find_recoveries():
                r.discard()
            return False
        what = (f"{journals[0].n_changes} change(s)" + (" and a finished plan" if journals[0].plan else "")
                if journals else f"the work saved automatically ({found[0].name})")
        answer = QMessageBox.question(
            self, "Recover unsaved work?",
            f"The planner closed unexpectedly. Reopen {what}?\n\nChoose No to discard it.")
        if answer != QMessageBox.StandardButton.Yes:
            for r in find_recoveries():
                r.discard()
            for f in found:
                f.unlink(missing_ok=True)
            return False
        if journals:
            for f in found:
                f.unlink(missing_ok=True)
            for r in journals[1:]:
                r.discard()
            self.project.recover(journals[0])
            return True
        target = self.autosaver.path
        found[0].replace(target)
        self.project.loaded.connect(self._recovered)
        self.open_files([str(target)])
        return True

    def _recovered(self) -> None:
        self.project.loaded.disconnect(self._recovered)
        self.project.input_paths = []   # Save asks where to put it, never over the autosave
        self.project.mark_unsaved()
        self.status.showMessage("Recovered the automatically saved work: save it to keep it.", 15000)

    # ---- other commands -----------------------------------------------------------------
    def edit_settings(self) -> None:
        if self.project.data is None:
            return
        from placement_planner.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.project.data, self)
        if dialog.exec():
            self.project.change_settings(dialog.settings())

    def show_problems(self) -> None:
        self.problems_dock.show()
        self.problems_dock.raise_()
        self.problems.view.setFocus()

    def about(self) -> None:
        from placement_planner.ui.help import TextDialog

        TextDialog("About Placement Planner", self.about_text(), self).exec()

    def about_text(self) -> str:
        from placement_planner.ui.help import about_text

        return about_text()

    def _show_doc(self, title: str, *names: str) -> None:
        from placement_planner.ui.help import TextDialog, doc_path

        path = doc_path(*names)
        if path is None:
            self.status.showMessage(f"The {title.lower()} is not installed with this copy.", 8000)
            return
        TextDialog(title, path.read_text(encoding="utf-8"), self, base=path.parent).exec()

    def user_guide(self) -> None:
        self._show_doc("User guide", "user-guide.md", "README.md")

    def workbook_format(self) -> None:
        self._show_doc("Workbook format", "workbook-format.md")

    def open_sample_folder(self) -> None:
        """Copy the samples to Documents/Placement Planner samples, show the folder, open the demo."""
        from PySide6.QtCore import QStandardPaths, QUrl
        from PySide6.QtGui import QDesktopServices

        from placement_planner.ui.help import copy_samples

        docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        folder = Path(docs or Path.home()) / "Placement Planner samples"
        try:
            copied = copy_samples(folder)
        except OSError as exc:
            QMessageBox.warning(self, "Could not copy the samples", f"{folder}: {exc.strerror or exc}")
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
        self.status.showMessage(f"Sample workbooks copied to {folder}", 10000)
        demo = [str(p) for p in copied if p.name.startswith("demo_")]
        if demo and self._may_discard():
            self.open_files(demo)

    # ---- tabs ---------------------------------------------------------------------------
    def _add_tab_actions(self) -> None:
        """Ctrl+1..9 for the tabs, listed under View > Go to Tab."""
        from PySide6.QtGui import QAction, QKeySequence

        self.tab_actions = []
        for i in range(min(9, self.tabs.count())):
            act = QAction(self.tabs.tabText(i), self)
            act.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
            act.triggered.connect(lambda checked=False, k=i: self.tabs.setCurrentIndex(k))
            self.addAction(act)
            self.tab_menu.addAction(act)
            self.tab_actions.append(act)

    def next_tab(self) -> None:
        self.tabs.setCurrentIndex((self.tabs.currentIndex() + 1) % self.tabs.count())

    def previous_tab(self) -> None:
        self.tabs.setCurrentIndex((self.tabs.currentIndex() - 1) % self.tabs.count())

    def go_to_problem(self, problem) -> None:
        where = self.data_tables.locate(problem)
        if where is None:
            self.status.showMessage(problem.message, 10000)
            return
        table, position, column = where
        view = self.data_tables.tables[table]
        self.tabs.setCurrentWidget(view)
        view.select_position(position, column)
        self.status.showMessage(problem.message, 10000)

    def apply_suggestions(self, problems: list, label: str) -> None:
        """The Problems panel's "Apply suggestion" / "Fix all like this"."""
        from placement_planner.ui.views.problems_panel import suggestion

        cells, fixed = [], []
        for problem in problems:
            where = self.data_tables.locate(problem)
            value = suggestion(problem)
            if where is None or value is None or where[2] is None:
                continue
            table, position, column = where
            try:
                from placement_planner.ui.edits import parse_any

                typed = parse_any(self.project.table(table), column, value)
            except ValueError:
                continue
            cells.append((table, position, column, typed))
            fixed.append(problem)
        if not cells:
            self.status.showMessage("Nothing to change: the cells could not be found.", 8000)
            return
        self.project.apply_fixes(cells, fixed, label)
        self.status.showMessage(f"Changed {len(cells):,} cell(s): {label}. Undo (Ctrl+Z) puts them back.", 10000)

    def _loaded(self) -> None:
        p = self.project
        if p.data is None or p.has_errors:
            self.show_problems()

    def _busy(self, what: str) -> None:
        planning = what == "planning"
        self.actions["cancel"].setEnabled(planning)
        self.actions["plan"].setText("Re&plan" if planning else "&Plan")

    def _update_plan_action(self) -> None:
        """Plan is off while errors exist; its tooltip says how many and where."""
        p, plan = self.project, self.actions["plan"]
        if p.data is None and not p.input_paths:
            plan.setEnabled(False)
            plan.setToolTip("Open a supply and a demand workbook first (File > Open).")
        elif p.has_errors or p.data is None:
            errors = [x for x in p.problems if x.is_error]
            plan.setEnabled(False)
            plan.setToolTip(plan_blocked_text(errors))
        else:
            plan.setEnabled(True)
            plan.setToolTip("Make the best plan for the loaded data (F5)")
        plan.setStatusTip(plan.toolTip())

    # ---- closing ------------------------------------------------------------------------
    def _may_discard(self) -> bool:
        if not self.project.is_modified:
            return True
        answer = QMessageBox.question(
            self, "Unsaved changes", "The project has changes that are not saved. Save them first?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Save:
            task = self.save()
            return bool(task and task.wait() is not False and not self.project.is_modified or task)
        return answer == QMessageBox.StandardButton.Discard

    def _restore_geometry(self) -> None:
        """Size, position, docks and toolbars as the user left them (QSettings)."""
        from PySide6.QtCore import QSettings

        settings = QSettings()
        geometry, state = settings.value("window/geometry"), settings.value("window/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)

    def save_geometry(self) -> None:
        from PySide6.QtCore import QSettings

        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())

    def closeEvent(self, event) -> None:
        if not self._may_discard():
            event.ignore()
            return
        self.save_geometry()
        self.project.shutdown()
        self.autosaver.timer.stop()
        self.autosaver.discard()
        self.project.journal.close()
        event.accept()
