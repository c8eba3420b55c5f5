"""Menus, toolbar and shortcuts of the main window, and the recent-files list (QSettings)."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStyle

MAX_RECENT = 8


def recent_files() -> list[str]:
    value = QSettings().value("recent_files", [])
    return [str(v) for v in (value if isinstance(value, list) else [value] if value else [])]


def remember(paths: list[str]) -> None:
    entry = "|".join(paths)
    files = [entry] + [f for f in recent_files() if f != entry]
    QSettings().setValue("recent_files", files[:MAX_RECENT])


def last_folder(kind: str, name: str = "") -> str:
    """Where the last file dialog of this kind was (open, save, export, chart), joined with a
    suggested file name; the user's Documents folder the first time."""
    from pathlib import Path

    from PySide6.QtCore import QStandardPaths

    folder = QSettings().value(f"folders/{kind}") or QSettings().value("folders/open") or \
        QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or ""
    return str(Path(str(folder)) / name) if name and folder else str(folder or name)


def remember_folder(kind: str, path: str) -> None:
    from pathlib import Path

    if path:
        QSettings().setValue(f"folders/{kind}", str(Path(path).parent))


def build_actions(window) -> dict[str, QAction]:
    style = window.style()
    icon = lambda name: style.standardIcon(getattr(QStyle.StandardPixmap, name))  # noqa: E731
    spec = {
        # name: (text, shortcut, icon, tooltip, slot)
        "open": ("&Open…", QKeySequence.StandardKey.Open, "SP_DialogOpenButton",
                 "Open supply and demand workbooks (or a saved project)", window.open_dialog),
        "add": ("&Add File…", "Ctrl+Shift+O", None, "Add another workbook to the ones open", window.add_dialog),
        "reload": ("&Reload Files", "Ctrl+R", "SP_BrowserReload", "Read the open workbooks again (after fixing them in Excel)",
                   window.reload),
        "sample": ("Open &Sample Data", None, None, "Open the bundled demo workbooks", window.open_sample),
        "save": ("&Save Project", QKeySequence.StandardKey.Save, "SP_DialogSaveButton",
                 "Save inputs, settings and plan in one workbook", window.save),
        "save_as": ("Save Project &As…", QKeySequence.StandardKey.SaveAs, None, "Save the project under a new name",
                    window.save_as),
        "export": ("&Export to Excel…", "Ctrl+E", None, "Write the plan workbook for others to read", window.export),
        "packs": ("Export &Partner Packs…", None, None,
                  "One workbook per university and per provider, each with only its own rows", window.export_packs),
        "quit": ("&Quit", QKeySequence.StandardKey.Quit, None, "Close the planner", window.close),
        "plan": ("&Plan", "F5", "SP_MediaPlay", "Make the best plan for the loaded data (F5)", window.project.plan),
        "cancel": ("&Cancel Planning", "Esc", "SP_MediaStop", "Stop and keep the best plan found so far (Esc)",
                   window.project.cancel_plan),
        "settings": ("Planning &Settings…", "Ctrl+,", "SP_FileDialogDetailedView",
                     "Objective order, travel limit, time limit and profession weights", window.edit_settings),
        "problems": ("&Problems", "Ctrl+Shift+P", None, "Show the list of problems in the input", window.show_problems),
        "next_tab": ("&Next Tab", "Ctrl+PgDown", None, "Show the next tab (Ctrl+PgDn)", window.next_tab),
        "previous_tab": ("Pre&vious Tab", "Ctrl+PgUp", None, "Show the previous tab (Ctrl+PgUp)",
                         window.previous_tab),
        "guide": ("&User guide", QKeySequence.StandardKey.HelpContents, None,
                  "How to use the planner, step by step (read here, offline)", window.user_guide),
        "format": ("&Workbook format", None, None, "The sheets and columns the planner reads",
                   window.workbook_format),
        "samples": ("Open &sample workbooks…", None, None,
                    "Copy the demo and messy example workbooks to a folder of yours and open it",
                    window.open_sample_folder),
        "about": ("&About Placement Planner", None, None, "Version, data sources and licences", window.about),
    }
    actions = {}
    for name, (text, shortcut, icon_name, tip, slot) in spec.items():
        act = QAction(text, window)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
        if icon_name:
            act.setIcon(icon(icon_name))
        act.setToolTip(tip)
        act.setStatusTip(tip)
        act.triggered.connect(lambda checked=False, s=slot: s())
        actions[name] = act
    undo = window.project.undo_stack.createUndoAction(window, "&Undo")
    undo.setShortcut(QKeySequence.StandardKey.Undo)
    undo.setIcon(icon("SP_ArrowBack"))
    redo = window.project.undo_stack.createRedoAction(window, "&Redo")
    redo.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence(QKeySequence.StandardKey.Redo)])
    redo.setIcon(icon("SP_ArrowForward"))
    actions["undo"], actions["redo"] = undo, redo
    actions["cancel"].setEnabled(False)
    return actions


def build_menus(window, actions) -> None:
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    for name in ("open", "add", "reload", "sample"):
        file_menu.addAction(actions[name])
    window.recent_menu = file_menu.addMenu("Open &Recent")
    file_menu.addSeparator()
    for name in ("save", "save_as", "export", "packs"):
        file_menu.addAction(actions[name])
    file_menu.addSeparator()
    file_menu.addAction(actions["quit"])
    edit = bar.addMenu("&Edit")
    edit.addAction(actions["undo"])
    edit.addAction(actions["redo"])
    edit.addSeparator()
    edit.addAction(actions["settings"])
    plan = bar.addMenu("&Plan")
    plan.addAction(actions["plan"])
    plan.addAction(actions["cancel"])
    window.view_menu = bar.addMenu("&View")
    window.view_menu.addAction(actions["problems"])
    window.view_menu.addSeparator()
    window.view_menu.addAction(actions["next_tab"])
    window.view_menu.addAction(actions["previous_tab"])
    window.tab_menu = window.view_menu.addMenu("&Go to Tab")
    window.help_menu = bar.addMenu("&Help")
    for name in ("guide", "format", "samples"):
        window.help_menu.addAction(actions[name])
    window.help_menu.addSeparator()
    window.help_menu.addAction(actions["about"])
    tools = window.addToolBar("Main")
    tools.setObjectName("main_toolbar")
    for name in ("open", "save", None, "undo", "redo", None, "plan", "cancel", "settings"):
        if name is None:
            tools.addSeparator()
        else:
            tools.addAction(actions[name])
    for act in tools.actions():   # icon buttons get names a screen reader can say
        button = tools.widgetForAction(act)
        if button is not None:
            button.setAccessibleName(act.text().replace("&", "").rstrip("…"))
