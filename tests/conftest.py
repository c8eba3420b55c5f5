"""Shared test set-up: headless Qt, the tests folder importable (tiny workbook writers)."""

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parent))
