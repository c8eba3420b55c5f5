"""Plan the baseline and every scenario of the Scenarios sheet and compare them side by side.

Writes the sheets Compare (one row per scenario, baseline first), Compare by area (unmet
learners by profession x region, with the change against the baseline) and Moves (the
learners each scenario moved). Scenarios are re-planned from the previous plan (the
Allocations sheet, else the baseline's plan), in parallel processes where there are cores.
Exit 0 when written; 1 when the input is invalid or has no scenarios (nothing is written).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="input workbooks (.xlsx, .xlsm, .ods, .xls, .csv) holding a Scenarios sheet")
    parser.add_argument("-o", "--output", required=True, metavar="OUT.xlsx", help="comparison workbook to write")
    parser.add_argument("--summary-json", metavar="PATH",
                        help='also write {"baseline": {...}, "scenarios": {NAME: {...}}} as JSON')
    parser.add_argument("--time-limit", type=float, metavar="S",
                        help="seconds each plan may take (default: Settings time_limit_s, else 60)")
    parser.add_argument("--threads", type=int, metavar="N", help="solver threads in all (default: Settings)")


def run(args: argparse.Namespace) -> int:
    from placement_planner.commands.solve import checked_input
    from placement_planner.io.export import ExportError
    from placement_planner.scenarios.compare import compare_json, plan_all, write_compare_workbook
    from placement_planner.solver.progress import Progress

    output = Path(args.output)
    loaded = checked_input(args)
    if loaded is None:
        return 1
    book = loaded.scenarios
    if book is None or not book.names:
        _err("The input has no Scenarios sheet (or it has no rows), so there is nothing to compare. Add a "
             "Scenarios sheet: scenario, change, filters, from_date, to_date, value (see the contract).")
        return 1

    def done(outcome) -> None:
        s = outcome.summary
        _err(f"{outcome.name}: placed {s['learners_placed']:,} of {s['learners_requested']:,} learners, "
             f"moved {s['learners_moved']:,} (status {s['status']}, {s['solve_seconds']:.1f} s)")

    progress = Progress()
    _err(f"Planning the baseline and {len(book.names)} scenario(s)...")
    try:
        outcomes = plan_all(loaded.data, book, time_limit_s=args.time_limit, threads=args.threads,
                            progress=progress, on_done=done)
    except KeyboardInterrupt:
        progress.cancel()
        _err("Stopped; nothing was written.")
        return 130
    except Exception as exc:   # never a traceback: say what stopped, write nothing
        _err(f"Planning stopped: {exc or type(exc).__name__}. Nothing was written.")
        return 1
    try:
        write_compare_workbook(output, outcomes)
        if args.summary_json:
            compare_json(args.summary_json, outcomes)
    except ExportError as exc:
        _err(exc.message)
        return 1
    print(f"Wrote {output}: baseline and {len(outcomes) - 1} scenario(s) compared.")
    return 0


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
