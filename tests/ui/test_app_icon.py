"""The app icon: drawn as SVG, rendered to .png and .ico (scripts/make_icon.py), set on the
application so every window, the taskbar and Alt+Tab show it."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QIcon, QImage

from placement_planner.ui.app import app_icon, create_app, icon_files

NHS_BLUE = QColor("#005EB8")


def test_the_icon_files_ship_and_load():
    png, ico = icon_files()
    assert png.is_file() and ico.is_file()
    image = QImage(str(png))
    assert not image.isNull() and image.size() == QSize(256, 256)
    assert image.hasAlphaChannel()
    # NHS blue on white: both are really drawn (a blank or wrongly rendered image fails here).
    colours = {image.pixelColor(x, y).name() for x in range(0, 256, 4) for y in range(0, 256, 4)}
    assert NHS_BLUE.name() in colours and "#ffffff" in colours


def test_the_application_and_window_carry_the_icon(qtbot, window):
    app = create_app([])
    icon = app.windowIcon()
    assert not icon.isNull()
    sizes = {s.width() for s in icon.availableSizes()}
    assert 256 in sizes
    small = icon.pixmap(QSize(16, 16)).toImage()
    assert not small.isNull() and small.width() >= 16
    assert not window.windowIcon().isNull()          # windows inherit the application's icon
    assert not app_icon().isNull()


def test_the_ico_holds_every_size_windows_asks_for():
    _, ico = icon_files()
    icon = QIcon(str(ico))           # through Qt's qico plugin (the bundle keeps it)
    sizes = {s.width() for s in icon.availableSizes()}
    assert {16, 24, 32, 48, 256} <= sizes
    for size in (16, 32):
        image = icon.pixmap(QSize(size, size)).toImage()
        assert image.width() == size and image.pixelColor(size // 4, size // 2).alpha() > 0
