"""Write a pack for every partner of a plan: one workbook per university and one per provider.

Reads an exported plan workbook (from `placement-planner solve` or the app's Export) and writes,
into DIR, "University - NAME.xlsx" (its learners' allocations, its unplaced groups with reasons,
a weekly calendar) and "Provider - NAME.xlsx" (which university's learners come when, by site
and week). Each pack holds only that partner's rows. Exit 0 when every pack is written; 1 when
the plan cannot be read or a pack could not be written (for example, held open in Excel).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("plan", metavar="PLAN.xlsx", help="an exported plan workbook")
    parser.add_argument("-o", "--output", required=True, metavar="DIR",
                        help="folder to write the packs into (created if missing; packs are replaced)")


def run(args: argparse.Namespace) -> int:
    from placement_planner.io.packs import PackError, read_plan, write_packs
    from placement_planner.logs import get_logger

    started = time.perf_counter()
    try:
        tables = read_plan(Path(args.plan))
        result = write_packs(tables, Path(args.output))
    except PackError as exc:
        _err(exc.message)
        return 1
    except Exception as exc:  # a plain message for the user; the details go to the log
        get_logger().exception("packs failed")
        _err(f"The packs could not be made: {exc}. Nothing else was changed.")
        return 1
    for path, message in result.failed:
        _err(message)
    print(f"Wrote {len(result.written)} pack(s) to {args.output}: {result.universities} university, "
          f"{result.providers} provider ({time.perf_counter() - started:.1f} s).")
    if result.failed:
        _err(f"{len(result.failed)} pack(s) could not be written; close them and run again.")
        return 1
    return 0


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
