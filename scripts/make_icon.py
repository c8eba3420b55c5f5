"""Render the app icon from resources/icons/placement-planner.svg (drawn by hand).

    QT_QPA_PLATFORM=offscreen python scripts/make_icon.py

writes placement-planner.png (256 px, the window icon) and placement-planner.ico (16, 24, 32,
48, 64, 128 and 256 px: the .exe, the installer and Explorer) next to the SVG. The output is
committed, so building the app does not need this script; run it again after editing the SVG.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
SVG = ICONS / "placement-planner.svg"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(renderer, size: int) -> bytes:
    """The SVG drawn at ``size`` x ``size`` on a transparent background, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QImage, QPainter

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data)


def ico_bytes(images: dict[int, bytes]) -> bytes:
    """A Windows .ico holding one PNG-compressed image per size (supported since Vista)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in sorted(images.items()):
        side = 0 if size >= 256 else size          # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (QImage needs one)
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        print(f"{SVG}: not a valid SVG", file=sys.stderr)
        return 1
    images = {size: render(renderer, size) for size in ICO_SIZES}
    (ICONS / "placement-planner.png").write_bytes(images[256])
    (ICONS / "placement-planner.ico").write_bytes(ico_bytes(images))
    print(f"wrote {ICONS / 'placement-planner.png'} and {ICONS / 'placement-planner.ico'} "
          f"({', '.join(map(str, ICO_SIZES))} px)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
