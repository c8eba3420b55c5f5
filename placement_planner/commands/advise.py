"""Recommend where N more places per week would place the most learners, each gain re-solved.

Writes the output workbook of the baseline (tier-1) plan with `Unplaced` gaining `fix` and
`fix_learners`, plus sheets `Advice`, `Advice package` and `Smoothing`; `--summary-json`
writes {"recommendations": [...], ...}. Exit 0 when written; 1 when the input is invalid or
the output cannot be written (nothing is written then).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from placement_planner.commands.solve import _ProgressPrinter, _err

_WARNINGS_SHOWN = 10


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="input workbooks (.xlsx, .xlsm, .ods, .xls, .csv); sheets are found by name")
    parser.add_argument("--places", required=True, type=int, metavar="N",
                        help="most places per week one recommendation may add")
    parser.add_argument("-o", "--output", required=True, metavar="OUT.xlsx", help="output workbook to write")
    parser.add_argument("--summary-json", metavar="PATH", help="also write the recommendations as JSON")
    parser.add_argument("--top", type=int, default=5, metavar="K",
                        help="how many recommendations to re-solve and report (default 5)")
    parser.add_argument("--time-limit", type=float, metavar="S",
                        help="seconds each re-solve may take (default: Settings time_limit_s, else 60)")
    parser.add_argument("--no-fixes", action="store_true", help="skip the fix for every unplaced group")
    parser.add_argument("--no-smoothing", action="store_true", help="skip the demand smoothing re-solves")


def run(args: argparse.Namespace) -> int:
    from placement_planner.advice.tariff import tariff_problems
    from placement_planner.io import WorkbookError, load_workbooks

    output = Path(args.output)
    if output.suffix.lower() not in (".xlsx", ".xlsm"):
        _err(f"The output must be an .xlsx workbook (got '{output.name}').")
        return 1
    if not (output.parent if str(output.parent) else Path(".")).is_dir():
        _err(f"The folder {output.parent} does not exist; create it or choose another output.")
        return 1
    if args.places < 1:
        _err(f"--places must be a whole number of at least 1 (got {args.places}).")
        return 1
    if args.top < 1:
        _err(f"--top must be a whole number of at least 1 (got {args.top}).")
        return 1
    if args.time_limit is not None and not args.time_limit > 0:
        _err(f"--time-limit must be above 0 (got {args.time_limit}).")
        return 1
    try:
        loaded = load_workbooks(args.files)
    except WorkbookError as exc:
        print(f"ERROR\t{exc}")
        return 1
    if loaded.has_errors or loaded.data is None:
        for problem in loaded.problems:
            print(problem.line())
        errors = sum(1 for p in loaded.problems if p.is_error)
        _err(f"{errors} error(s) in the input; nothing was written. Fix them and run again.")
        return 1
    warnings = [p for p in loaded.problems if not p.is_error]
    for problem in warnings[:_WARNINGS_SHOWN]:
        _err(problem.line())
    data = loaded.data
    for message in tariff_problems(data.settings.extra):
        _err(f"WARNING\t{message}")

    from placement_planner.advice import advise
    from placement_planner.advice.output import advice_report, write_advice_json, write_advice_workbook
    from placement_planner.io.export import ExportError
    from placement_planner.solver.progress import Progress

    printer = _ProgressPrinter()
    try:
        advice = advise(data, args.places, args.top, fixes=not args.no_fixes,
                        smoothing=not args.no_smoothing, time_limit_s=args.time_limit,
                        progress=Progress(listener=printer))
    except KeyboardInterrupt:
        _err("Stopped; nothing was written.")
        return 130
    status = getattr(advice.baseline.plan.status, "value", str(advice.baseline.plan.status))
    if status in ("infeasible", "error"):
        for message in advice.baseline.plan.messages:
            _err(message)
        _err(f"No plan was made (status: {status}); nothing was written.")
        return 1
    for message in advice.messages:
        _err(message)
    report = advice_report(data, advice)
    try:
        write_advice_workbook(output, data, advice, report)
        if args.summary_json:
            write_advice_json(args.summary_json, data, advice, report)
    except ExportError as exc:
        _err(exc.message)
        return 1
    t = advice.timings
    best = advice.recommendations[0] if advice.recommendations else None
    print(f"Wrote {output}: {len(advice.recommendations)} recommendation(s) from {advice.candidates} "
          f"candidate(s), {advice.tried} re-solved"
          + (f"; best: {best.places} {best.profession} place(s) at {best.site_id} place "
             f"{best.extra_learners_placed} more learner(s)" if best else "")
          + f"; {len(advice.fixes)} fix(es) for unplaced groups ({t.get('total', 0):.1f} s).")
    if not advice.proven:
        print("Some figures are not proven optimal (see the `proven` column).", file=sys.stderr)
    return 0
