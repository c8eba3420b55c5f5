"""Rotating log files in the user's data folder: counts and timings, never learner data.

Messages logged by the planner carry only numbers (rows, learners, seconds) and fixed
words; names, ids and cell values stay out of the logs so a log can be shared with support
without sharing personal or commissioning data (tests/test_logs.py checks it).
"""

from __future__ import annotations

import logging
import os
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOGGER_NAME = "placement_planner"
APP_FOLDER = "PlacementPlanner"


def user_data_dir() -> Path:
    """Where autosaves and logs live: %LOCALAPPDATA%\\PlacementPlanner on Windows,
    ~/Library/Application Support/PlacementPlanner on macOS, $XDG_DATA_HOME/PlacementPlanner
    elsewhere; PLACEMENT_PLANNER_DATA overrides it (tests, managed laptops)."""
    override = os.environ.get("PLACEMENT_PLANNER_DATA")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_FOLDER


def get_logger() -> logging.Logger:
    return logging.getLogger(LOGGER_NAME)


def setup_logging(folder: Path | None = None, *, max_bytes: int = 1_000_000, backups: int = 3) -> Path | None:
    """Send the planner's log to a rotating file; returns its path (None if it cannot be written)."""
    logger = get_logger()
    folder = folder or (user_data_dir() / "logs")
    path = folder / "planner.log"
    for handler in list(logger.handlers):
        if isinstance(handler, RotatingFileHandler):
            if Path(handler.baseFilename) == path.resolve():
                return path
            logger.removeHandler(handler)
            handler.close()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return path
