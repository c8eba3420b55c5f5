"""Check input workbooks and print every problem, one per line (exit 0: no errors, 1: errors)."""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="input workbooks (.xlsx, .xlsm, .ods, .xls, .csv); sheets are found by name")


def run(args: argparse.Namespace) -> int:
    from placement_planner.io import load_workbooks

    result = load_workbooks(args.files)
    for problem in result.problems:
        print(problem.line())
    errors, warnings = len(result.problems.errors), len(result.problems.warnings)
    if result.data is not None:
        d = result.data
        summary = (f"{len(d.sites)} sites, {len(d.capacity)} capacity rows, {len(d.demand)} demand rows "
                   f"({d.learners_requested} learners), {len(d.locked)} locked rows")
    else:
        summary = "input incomplete"
    print(f"{errors} error(s), {warnings} warning(s): {summary}", file=sys.stderr)
    return 1 if errors else 0
