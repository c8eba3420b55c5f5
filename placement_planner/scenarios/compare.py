"""Plan the baseline once, then every scenario from it, in parallel child processes where the
machine has the cores; write the Compare workbook and JSON.

Children are the app's planning child (``scenarios/child.py`` starts it): the same process the
app plans in, started as ``placement-planner --plan-child`` in a frozen build, so no
multiprocessing spawn magic is needed on Windows.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

import pandas as pd

from placement_planner.domain import Plan, PlanningData
from placement_planner.logs import get_logger
from placement_planner.scenarios.changes import Change, ScenarioBook
from placement_planner.scenarios.moves import MOVES_COLUMNS
from placement_planner.scenarios.plan import (BASELINE, Outcome, area_table, compare_table, plan_baseline,
                                              plan_scenario)
from placement_planner.solver.progress import Progress


def scenario_job(progress, base: PlanningData, changes: list[Change], name: str, baseline_plan: Plan | None,
                 time_limit_s: float | None, threads: int | None) -> Outcome:
    """What a child process runs for one scenario (module-level, so it can be named)."""
    return plan_scenario(base, changes, name, baseline_plan, time_limit_s=time_limit_s, threads=threads,
                         progress=progress)


def workers_for(n_jobs: int) -> int:
    return max(1, min(n_jobs, os.cpu_count() or 1))


def plan_all(base: PlanningData, book: ScenarioBook, names: list[str] | None = None, *,
             baseline: Outcome | None = None, time_limit_s: float | None = None, threads: int | None = None,
             progress: Progress | None = None, on_done: Callable[[Outcome], None] | None = None,
             parallel: bool = True, children: bool | None = None) -> list[Outcome]:
    """The baseline (unless given) then each named scenario (default: all), in that order.
    Scenarios run in planning child processes when there are cores for more than one (or
    ``children=True``: the app, whose window must never wait on a numpy call)."""
    names = list(book.names if names is None else names)
    progress = progress or Progress()
    if baseline is None:
        progress.report("planning the baseline", fraction=0.0)
        baseline = plan_baseline(base, time_limit_s=time_limit_s, threads=threads, progress=progress)
        if on_done:
            on_done(baseline)
    workers = workers_for(len(names)) if parallel else 1
    in_child = workers > 1 if children is None else children
    each = max(1, (threads or base.settings.threads or 1) // workers) if workers > 1 else threads
    lean = dataclasses.replace(base, source_sheets={})
    done = [0]
    lock = threading.Lock()

    def one(name: str) -> Outcome:
        if progress.cancelled:
            raise _Cancelled()
        # With one scenario at a time its own progress shows through (the app's progress bar).
        own = Progress(None if workers > 1 else
                       lambda st: progress.report(f"{name}: {st.phase}", fraction=(done[0] + (st.fraction or 0))
                                                  / len(names)))
        args = dict(base=lean, changes=book.changes[name], name=name, baseline_plan=baseline.plan,
                    time_limit_s=time_limit_s, threads=each)
        if in_child:
            from placement_planner.scenarios.child import call_in_child

            stop = threading.Event()

            def relay_cancel() -> None:
                while not stop.wait(0.1):
                    if progress.cancelled:
                        own.cancel()
                        return

            threading.Thread(target=relay_cancel, daemon=True).start()
            try:
                out = call_in_child("placement_planner.scenarios.compare", "scenario_job", args, own)
            except Exception as exc:    # the child could not start or died: plan here instead
                get_logger().warning("scenario child failed (%s); planning in-process", type(exc).__name__)
                out = scenario_job(own, **args)
            finally:
                stop.set()
        else:
            out = scenario_job(progress, **args)
        with lock:
            done[0] += 1
            progress.report(f"planned scenario {name} ({done[0]} of {len(names)})", fraction=done[0] / len(names))
        if on_done:
            on_done(out)
        return out

    try:
        if workers > 1:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                results = list(pool.map(one, names))
        else:
            results = [one(n) for n in names]
    except _Cancelled:
        results = []
    return [baseline, *results]


class _Cancelled(Exception):
    pass


# ---- output ---------------------------------------------------------------------------------

def compare_frames(outcomes: list[Outcome]) -> dict[str, pd.DataFrame]:
    moves = [o.moves for o in outcomes[1:] if len(o.moves)]
    return {"Compare": compare_table(outcomes), "Compare by area": area_table(outcomes),
            "Moves": pd.concat(moves, ignore_index=True) if moves else pd.DataFrame(columns=MOVES_COLUMNS)}


def write_compare_workbook(path: str | os.PathLike, outcomes: list[Outcome]) -> Path:
    """The Compare, Compare by area and Moves sheets, written atomically."""
    import xlsxwriter

    from placement_planner.io import export

    writer_class = getattr(export, "TableWriter", None) or getattr(export, "_Writer")
    atomic = getattr(export, "atomic_write", None) or getattr(export, "_atomic_write")
    frames = compare_frames(outcomes)
    path = Path(path)

    def build(tmp: str) -> None:
        book = xlsxwriter.Workbook(tmp, {"strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False, "nan_inf_to_errors": False})
        try:
            writer = writer_class(book, None)
            writer.sheet("Compare", frames["Compare"], formats={"min_group_fill": writer.percent,
                                                                  "gap": writer.percent})
            writer.sheet("Compare by area", frames["Compare by area"])
            writer.sheet("Moves", frames["Moves"])
        finally:
            book.close()

    atomic(path, build)
    return path


def compare_json(path: str | os.PathLike, outcomes: list[Outcome]) -> Path:
    """{"baseline": {...}, "scenarios": {NAME: {...}}} with the Summary keys and learners_moved."""
    from placement_planner.io import export

    def clean(summary: dict) -> dict:
        return {k: (None if isinstance(v, float) and not math.isfinite(v) else export._plain(v))
                for k, v in summary.items()}

    body = {"baseline": clean(outcomes[0].summary),
            "scenarios": {o.name: clean(o.summary) for o in outcomes[1:]}}
    text = json.dumps(body, indent=2, ensure_ascii=False) + "\n"
    atomic = getattr(export, "atomic_write", None) or getattr(export, "_atomic_write")
    path = Path(path)
    atomic(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    return path


__all__ = ["BASELINE", "compare_frames", "compare_json", "plan_all", "scenario_job", "write_compare_workbook"]
