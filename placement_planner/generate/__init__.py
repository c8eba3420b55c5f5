"""Realistic synthetic input workbooks built on England's real NHS organisations and universities."""

from __future__ import annotations

import os
from pathlib import Path

from placement_planner.generate.profiles import SCALES
from placement_planner.generate.shapes import SHAPES
from placement_planner.generate.tables import SHEET_COLUMNS, generate_tables
from placement_planner.generate.workbook import write_workbook

__all__ = ["SCALES", "SHAPES", "SHEET_COLUMNS", "generate_tables", "generate_workbook"]


def generate_workbook(scale: str = "demo", seed: int = 1, path: str | os.PathLike = "placements.xlsx",
                      shapes=()) -> Path:
    """Write one input workbook (Sites, Capacity, Demand, Locked, Settings) for ``scale`` and ``seed``."""
    return write_workbook(generate_tables(scale, seed, shapes), path)
