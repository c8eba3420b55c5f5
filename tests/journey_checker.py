"""The independent journey checker, for solver and UI tests (placement_planner/journeys/check.py)."""

from placement_planner.journeys.check import check_journeys, variety_repeats

__all__ = ["check_journeys", "variety_repeats"]
