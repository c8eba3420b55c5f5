"""The Help menu: the user guide and workbook format read inside the app (offline), the sample
workbooks copied somewhere a user can find them, and About with version, data and licences."""

from __future__ import annotations

import shutil
import sys
from importlib import resources
from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout

from placement_planner import __version__


def _roots() -> list[Path]:
    here = Path(__file__).resolve()
    roots = [here.parents[1]]                         # a source checkout / editable install
    if getattr(sys, "frozen", False):                 # a packaged build keeps docs beside the exe
        roots += [Path(sys.executable).parent, Path(getattr(sys, "_MEIPASS", here.parents[1]))]
    return roots


def doc_path(*names: str) -> Path | None:
    """The first of these documents that is present (docs/<name>, then the README)."""
    for name in names:
        for root in _roots():
            for candidate in (root / "docs" / name, root / name):
                if candidate.is_file():
                    return candidate
    return None


def resource_text(name: str) -> str | None:
    try:
        f = resources.files("placement_planner.resources") / name
        return f.read_text(encoding="utf-8") if f.is_file() else None
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return None


def attribution_text() -> str:
    try:
        f = resources.files("placement_planner.resources") / "reference" / "ATTRIBUTION.md"
        return f.read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return ""


def about_text() -> str:
    """Version, what it does, the data sources and their licences (Markdown)."""
    import PySide6

    try:
        import ortools

        solver = f"OR-Tools {ortools.__version__}"
    except Exception:
        solver = "OR-Tools"
    return (f"# Placement Planner {__version__}\n\n"
            "Plans NHS clinical placements from supply and demand workbooks, shows where capacity "
            "falls short, and exports the plan to Excel. It works offline: nothing you open leaves "
            "this computer.\n\n"
            f"Built with Python {sys.version.split()[0]}, Qt for Python (PySide6 {PySide6.__version__}, "
            f"LGPL v3) and {solver} (Apache 2.0).\n\n"
            "## Data sources and licences\n\n"
            "Reference data (NHS trusts and GP practices, ICBs and regions, postcodes, universities, "
            "ICB boundaries) is public data used under the Open Government Licence v3.0 and the HESA "
            "Discover Uni terms, as set out below.\n\n" + attribution_text())


def sample_paths() -> list[Path]:
    root = resources.files("placement_planner.sample_data")
    return [Path(str(root / n)) for n in ("demo_supply.xlsx", "demo_demand.xlsx", "messy_example.xlsx")
            if (root / n).is_file()]


def copy_samples(folder: Path) -> list[Path]:
    """Copy the sample workbooks into ``folder`` (existing copies are left as they are)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for src in sample_paths():
        dest = folder / src.name
        if not dest.exists():
            shutil.copyfile(src, dest)
        out.append(dest)
    return out


class TextDialog(QDialog):
    """A Markdown document shown in the app: no browser, no network."""

    def __init__(self, title: str, markdown: str, parent=None, base: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        if base is not None:   # the guide's images (screenshots/...) are relative to its folder
            self.browser.setSearchPaths([str(base)])
        self.browser.setMarkdown(markdown)
        self.browser.setAccessibleName(title)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(760, 640)
