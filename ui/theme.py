"""Follow the system light/dark scheme; give pyqtgraph the palette's colours."""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette


def apply_theme(app) -> None:
    import pyqtgraph as pg

    pg.setConfigOptions(antialias=True)
    app.setStyle("Fusion")   # renders the system colour scheme the same on every OS
    _sync_pyqtgraph()
    hints = QGuiApplication.styleHints()
    if hasattr(hints, "colorSchemeChanged"):
        hints.colorSchemeChanged.connect(lambda *_: _sync_pyqtgraph())


def is_dark() -> bool:
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def colours() -> dict[str, QColor]:
    pal = QGuiApplication.palette()
    return {"background": pal.color(QPalette.ColorRole.Base),
            "foreground": pal.color(QPalette.ColorRole.Text),
            "muted": pal.color(QPalette.ColorRole.PlaceholderText),
            "highlight": pal.color(QPalette.ColorRole.Highlight)}


def _sync_pyqtgraph() -> None:
    import pyqtgraph as pg

    c = colours()
    pg.setConfigOption("background", c["background"])
    pg.setConfigOption("foreground", c["foreground"])
