"""Plan placements from input workbooks and write the output workbook (progress on stderr).

Exit 0 when the workbook is written; 1 when the input is invalid (every problem is printed,
nothing is written), when locked allocations cannot all be kept, or when the output cannot
be written. Ctrl-C stops the solve and writes the best plan found so far; a second Ctrl-C
quits without writing.
"""

from __future__ import annotations

import argparse
import gc
import sys
import threading
import time
from pathlib import Path

from placement_planner.progress_words import progress_words

_WARNINGS_SHOWN = 10


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="input workbooks (.xlsx, .xlsm, .ods, .xls, .csv); sheets are found by name")
    parser.add_argument("-o", "--output", required=True, metavar="OUT.xlsx",
                        help="output workbook to write (replaced if it exists)")
    parser.add_argument("--summary-json", metavar="PATH", help="also write the Summary figures as JSON")
    parser.add_argument("--time-limit", type=float, metavar="S",
                        help="seconds the solver may take (default: Settings time_limit_s, else 60)")
    parser.add_argument("--threads", type=int, metavar="N",
                        help="solver threads (default: Settings threads, else 2)")
    parser.add_argument("--scenario", metavar="NAME",
                        help="plan this scenario of the Scenarios sheet (re-planned from the previous plan: "
                             "the Allocations sheet, else the baseline's plan)")


def run(args: argparse.Namespace) -> int:
    # The command builds hundreds of thousands of lasting objects (cells, rows, the model), so
    # Python's cycle collector would sweep them over and over: it runs ten times less often
    # here (0.1 s of the per-student command). Cycles are still collected.
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], 10_000), *thresholds[1:])
    try:
        return _run(args)
    finally:
        gc.set_threshold(*thresholds)


def _run(args: argparse.Namespace) -> int:
    from placement_planner.io.export import ExportError, summary_json, write_plan_workbook

    output = Path(args.output)
    loaded = checked_input(args)
    if loaded is None:
        return 1

    data = loaded.data
    changes = {k: v for k, v in (("time_limit_s", args.time_limit), ("threads", args.threads))
               if v is not None}
    if changes:  # the output's Settings sheet shows what this solve used
        data.settings = data.settings.with_(**changes)

    moved = None
    if getattr(args, "scenario", None) is not None:
        scenario = _scenario(loaded, args.scenario)
        if scenario is None:
            return 1
        found = _solve_scenario(data, scenario)
        if found is None:
            return 130
        data, plan, moved = found
    else:
        plan = _solve(data)
    if plan is None:
        return 130
    status = getattr(plan.status, "value", str(plan.status))
    if status in ("infeasible", "error"):
        for message in plan.messages:
            _err(message)
        _err(f"No plan was made (status: {status}); nothing was written.")
        return 1

    from placement_planner.analysis import plan_report
    from placement_planner.analysis.summary import plan_notes
    for note in plan_notes(plan):
        _err(f"Note: {note}")
    report = plan_report(data, plan)
    if moved is not None:   # solve --scenario: learners of the previous plan not kept
        report.summary["learners_moved"] = moved
    try:
        write_plan_workbook(output, data, plan, report=report)
        if args.summary_json:
            summary_json(args.summary_json, report.summary)
    except ExportError as exc:
        _err(exc.message)
        return 1
    s = report.summary
    print(f"Wrote {output}: placed {s['learners_placed']:,} of {s['learners_requested']:,} learners "
          f"(status {s['status']}); {len(report.unplaced):,} group(s) with learners unplaced.")
    return 0


def checked_input(args: argparse.Namespace):
    """The loaded input after checking the output path and limits (shared with `compare`);
    None, with every problem printed, when nothing may be written."""
    from placement_planner.io import WorkbookError, load_workbooks

    output = Path(args.output)
    if output.suffix.lower() not in (".xlsx", ".xlsm"):
        _err(f"The output must be an .xlsx workbook (got '{output.name}').")
        return None
    if not (output.parent if str(output.parent) else Path(".")).is_dir():
        _err(f"The folder {output.parent} does not exist; create it or choose another output.")
        return None
    for name, value in (("--time-limit", args.time_limit), ("--threads", args.threads)):
        if value is not None and not value > 0:
            _err(f"{name} must be above 0 (got {value}).")
            return None
    try:
        loaded = load_workbooks(args.files)
    except WorkbookError as exc:
        print(f"ERROR\t{exc}")
        return None
    if loaded.has_errors or loaded.data is None:
        for problem in loaded.problems:
            print(problem.line())
        errors = sum(1 for p in loaded.problems if p.is_error)
        _err(f"{errors} error(s) in the input; nothing was written. Fix them and run again.")
        return None
    warnings = [p for p in loaded.problems if not p.is_error]
    for problem in warnings[:_WARNINGS_SHOWN]:
        _err(problem.line())
    if len(warnings) > _WARNINGS_SHOWN:
        _err(f"... and {len(warnings) - _WARNINGS_SHOWN} more warning(s); "
             f"`placement-planner validate` lists them all.")
    return loaded


def _scenario(loaded, name: str):
    """The scenario's changes, or None with a message listing the scenario names."""
    from placement_planner.scenarios import find_scenario

    book = loaded.scenarios
    names = book.names if book is not None else []
    found = find_scenario(book, name) if book is not None else None
    if found is None:
        listed = ", ".join(f"'{n}'" for n in names) if names else "none (the input has no Scenarios sheet)"
        _err(f"There is no scenario called '{name}'. Scenarios in the input: {listed}.")
        return None
    return book.changes[found], found


def _solve_scenario(base, scenario):
    """The scenario's data, its plan and learners_moved; the baseline is planned first when the
    input has no Allocations sheet (its plan is the one to keep)."""
    from placement_planner.scenarios.plan import measure, prepare, solve_scenario

    changes, name = scenario
    baseline_plan = None
    if not len(base.previous):
        _err("Planning the baseline first (the scenario keeps as much of its plan as it can)...")
        baseline_plan = _solve(base)
        if baseline_plan is None:
            return None
    applied = prepare(base, changes, baseline_plan)
    _err(f"Planning scenario '{name}' ({len(changes)} change(s))...")
    plan = _solve(applied.data, lambda progress: solve_scenario(base, applied, baseline_plan, progress=progress))
    if plan is None:
        return None
    outcome = measure(name, applied.data, plan, applied.previous, base.demand)
    return applied.data, plan, outcome.summary["learners_moved"]


def _solve(data, how=None):
    """Solve on a worker thread so Ctrl-C can ask the solver to stop and keep its best plan.
    ``how(progress)`` makes the plan instead of a plain solve of ``data``."""
    from placement_planner.solver import SolveOptions, solve
    from placement_planner.solver.progress import Progress

    printer = _ProgressPrinter()
    progress = Progress(listener=printer)
    result: dict = {}

    def work() -> None:
        try:
            result["plan"] = how(progress) if how else solve(data, SolveOptions(), progress)
        except BaseException as exc:  # handed to the main thread
            result["error"] = exc

    worker = threading.Thread(target=work, name="placement-solve", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.2)
    except KeyboardInterrupt:
        _err("Stopping: keeping the best plan found so far (Ctrl-C again to quit)...")
        progress.cancel()
        try:
            while worker.is_alive():
                worker.join(0.2)
        except KeyboardInterrupt:
            _err("Stopped; nothing was written.")
            return None
    printer.flush(progress.snapshot())
    if "error" in result:
        raise result["error"]
    return result["plan"]


class _ProgressPrinter:
    """Prints solver progress to stderr, at most about once a second (and the final state)."""

    def __init__(self, every_s: float = 1.0) -> None:
        self._lock = threading.Lock()
        self._every = every_s
        self._last_time = 0.0
        self._last_phase = None
        self._last_line = ""

    def __call__(self, state) -> None:
        now = time.monotonic()
        with self._lock:
            if self._last_phase is not None and now - self._last_time < self._every:
                return
            self._last_phase, self._last_time = state.phase, now
            self._print(state)

    def flush(self, state) -> None:
        with self._lock:
            self._print(state)

    def _print(self, state) -> None:
        # The app's words (placement_planner.progress_words): a part's best and bound are in
        # that part's own units, so only the finished plan's gap is shown.
        words, fraction = progress_words(state)
        line = words if fraction is None else f"{words} · {100 * fraction:.0f}% done"
        if line != self._last_line:
            print(line, file=sys.stderr, flush=True)
            self._last_line = line


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
