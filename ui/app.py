"""Start the desktop app: ``run(argv)`` with the files to open (none = the bundled sample)."""

from __future__ import annotations

import sys


ICON_NAME = "placement-planner"


def icon_files() -> list:
    """The app icon as shipped (resources/icons, drawn in .svg, rendered by scripts/make_icon.py)."""
    from importlib import resources

    folder = resources.files("placement_planner.resources") / "icons"
    return [folder / f"{ICON_NAME}.png", folder / f"{ICON_NAME}.ico"]


def app_icon():
    """The window icon: the 256 px PNG (read by QtGui itself, no image plugin needed) plus
    the .ico's small sizes where the imageformats plugin is there, so 16 px stays crisp."""
    from PySide6.QtGui import QIcon

    icon = QIcon()
    for path in icon_files():
        if path.is_file():
            icon.addFile(str(path))
    return icon


def create_app(argv: list[str] | None = None):
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication([sys.argv[0] if sys.argv else "placement-planner"])
    QCoreApplication.setOrganizationName("NHS Placement Planning")
    QCoreApplication.setApplicationName("Placement Planner")
    app.setApplicationDisplayName("Placement Planner")
    app.setWindowIcon(app_icon())      # every window, the taskbar and Alt+Tab
    from placement_planner.ui.theme import apply_theme

    apply_theme(app)
    return app


def run(argv: list[str]) -> int:
    """Open the window with ``argv`` (file paths) loaded; the sample on a first start."""
    app = create_app(argv)
    from placement_planner.ui.main_window import MainWindow

    window = MainWindow()
    window.show()
    if argv:
        window.open_files(list(argv))
    elif not window.offer_recovery():
        window.open_sample()
    code = app.exec()
    # Tear the window down while Qt is alive, not during interpreter shutdown.
    window.deleteLater()
    app.processEvents()
    del window
    import gc

    gc.collect()
    return code
