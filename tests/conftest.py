"""Shared test set-up: headless Qt, the tests folder importable (tiny workbook writers)."""

import os
import sys
from pathlib import Path

import atexit
import shutil
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Logs, autosaves and settings of the app go to a throw-away folder, never the user's own.
os.environ["PLACEMENT_PLANNER_DATA"] = tempfile.mkdtemp(prefix="planner-test-data-")
atexit.register(shutil.rmtree, os.environ["PLACEMENT_PLANNER_DATA"], ignore_errors=True)
sys.path.insert(0, str(Path(__file__).parent))
