"""Start the desktop app: ``run(argv)`` with the files to open (none = the bundled sample)."""

from __future__ import annotations

import sys


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
