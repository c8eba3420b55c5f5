"""Learner journeys (contract v2, "Journeys"): an independent plan checker and the NHS AI Lab converter."""

from placement_planner.journeys.check import check_journeys, variety_repeats

__all__ = ["check_journeys", "variety_repeats"]
