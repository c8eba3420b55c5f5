"""Placement capacity planner: the Qt-free core (domain model, workbook I/O, analysis, CLI)."""

__version__ = "0.1.0"
