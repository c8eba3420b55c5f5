"""Where the planner's own documents are, from source, installed or frozen.

The user guide (docs/user-guide.md, with the screenshots it shows) ships three ways:
- from a clone or an editable install: the repository's docs/ folder;
- installed with pip: package data ``placement_planner/docs`` (pyproject maps docs/ there);
- in the one-folder build: ``_internal/placement_planner/docs`` (packaging/bundle.py).
``user_guide_path()`` finds it in any of them, so "Help > User guide" works offline.
User data (logs, autosaves, recovery journals) is elsewhere: ``logs.user_data_dir()``.
"""

from __future__ import annotations

import sys
from pathlib import Path

USER_GUIDE = "user-guide.md"


def docs_candidates() -> list[Path]:
    """The folders that may hold the shipped documents, most specific first."""
    package = Path(__file__).resolve().parent
    found = []
    bundle = getattr(sys, "_MEIPASS", None)           # a PyInstaller build
    if getattr(sys, "frozen", False) and bundle:
        found.append(Path(bundle) / "placement_planner" / "docs")
    found.append(package / "docs")                     # pip install (package data)
    found.append(package.parent / "docs")              # a clone or an editable install
    return found


def docs_dir() -> Path | None:
    """The first folder that holds the user guide, or None if it did not ship."""
    for folder in docs_candidates():
        if (folder / USER_GUIDE).is_file():
            return folder
    return None


def user_guide_path() -> Path | None:
    """docs/user-guide.md wherever it shipped (None if missing); its screenshots are in
    ``screenshots/`` beside it, as the guide's relative image links expect."""
    folder = docs_dir()
    return folder / USER_GUIDE if folder else None
