"""Menu actions for the reference data and the plain-words page (issue 11):

- File > Update ICB list...: the same as ``placement-planner update-reference FILE`` (a newer ONS /
  ODS ICB list or a table of ICB mergers), then the open workbooks are checked again with it.
- Help > What do these figures mean?: resources/figures.md, shipped with the package.
"""

from __future__ import annotations

from importlib import resources

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QMessageBox, QTextBrowser, QVBoxLayout

REFERENCE_FILTER = "ICB lists and merger tables (*.csv *.xlsx *.xls *.ods);;All files (*)"


def figures_markdown() -> str:
    path = resources.files("placement_planner.resources").joinpath("figures.md")
    return path.read_text(encoding="utf-8")


class FiguresDialog(QDialog):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("What do these figures mean?")
        self.resize(720, 640)
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(True)
        self.text.setMarkdown(figures_markdown())
        self.text.setAccessibleName("What do these figures mean?")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)


def _menu(window, title: str):
    for action in window.menuBar().actions():
        if action.menu() is not None and action.text().replace("&", "") == title:
            return action.menu()
    return window.menuBar().addMenu(title)


def update_icb_list(window, path: str | None = None) -> list[str] | None:
    """Load a newer ICB list or merger table; re-check the open workbooks. Returns the report lines."""
    from placement_planner.commands.reference import ReferenceError, update_reference
    from placement_planner.io.problems import WorkbookError

    if path is None:
        path, _ = QFileDialog.getOpenFileName(window, "Update the ICB list", "", REFERENCE_FILTER)
        if not path:
            return None
    try:
        lines = update_reference(path).lines()
    except (ReferenceError, WorkbookError) as exc:
        QMessageBox.warning(window, "ICB list not updated", getattr(exc, "message", None) or str(exc))
        return None
    if window.project.input_paths:
        window.reload()
    window.statusBar().showMessage(lines[0] + " Open workbooks were checked again with it.", 10000)
    return lines


def add_reference_actions(window) -> None:
    update = QAction("Update ICB list…", window)
    update.setStatusTip("Load a newer ICB list or a table of ICB mergers (ONS / ODS / NHS England)")
    update.triggered.connect(lambda: update_icb_list(window))
    figures = QAction("What do these figures mean?", window)
    figures.setStatusTip("The headline figures and colours, in plain words")
    figures.triggered.connect(lambda: FiguresDialog(window).exec())
    file_menu = _menu(window, "File")
    file_menu.insertAction(window.recent_menu.menuAction() if hasattr(window, "recent_menu") else None, update)
    _menu(window, "Help").addAction(figures)
    window.update_icb_action, window.figures_action = update, figures
