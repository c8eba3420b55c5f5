"""The whole `placement-planner solve` command at scale, and its workbook export alone, side by side.

    python benchmarks/export_scale.py [--case per-student region national ...] [--time-limit S]
                                      [--compare-with DIR] [--keep DIR]

Each case's input workbook is made once with the generator (``per-student``: ``generate --scale
region --shape per-student``, 200 nursing students in ~13,200 single-learner rows; ``region``;
``national``). Then, for the current tree and (``--compare-with DIR``) an older source tree first
on the path (``git worktree add DIR <commit>``; the solver package resolves to this tree's in both
runs, so the difference is the loader, the analysis and the export):

- ``whole``: ``python -m placement_planner.cli solve IN -o OUT --summary-json S`` in a fresh
  process: wall and CPU seconds (CPU is steadier on a busy machine), the solver's own seconds (``solve_seconds`` from the JSON), the rest
  (start-up, import, load, analysis, export), and the process's peak resident memory (``wait4``).
- ``export``: the same plan (pickled by the current tree) written by each tree's
  ``write_plan_workbook`` in a fresh process: seconds for the tables (``plan_report``) and the
  workbook, and that file's size.

Ratios are old / new. Timings on a shared 2-core machine vary by +-20 %; compare lines of one run.

    python benchmarks/export_scale.py --phases solve IN.xlsx -o OUT.xlsx --time-limit 1

runs one solve command in this process and prints CPU and wall seconds per phase.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_CASES = {"per-student": ("region", "per-student"), "region": ("region", None),
          "national": ("national", None), "demo": ("demo", None)}


def _generate(case: str, folder: Path) -> Path:
    scale, shape = _CASES[case]
    path = folder / f"{case}.xlsx"
    if not path.exists():
        cmd = [sys.executable, "-m", "placement_planner.cli", "generate", "--scale", scale, "-o", str(path)]
        if shape:
            cmd += ["--shape", shape]
        subprocess.run(cmd, check=True, capture_output=True)
    return path


def _run(cmd: list[str], env: dict | None) -> tuple[float, float, str]:
    """Wall seconds, peak MB and stdout of one child process (its CPU seconds in ``_run.cpu``)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        _run.cpu = usage.ru_utime + usage.ru_stime
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {child.returncode}: {text[-500:]}")
    return wall, usage.ru_maxrss / 1024, text


def _whole(source: Path, folder: Path, env, time_limit: float | None) -> dict:
    out, summary = folder / "out.xlsx", folder / "summary.json"
    cmd = [sys.executable, "-m", "placement_planner.cli", "solve", str(source), "-o", str(out),
           "--summary-json", str(summary)]
    if time_limit:
        cmd += ["--time-limit", str(time_limit)]
    wall, peak, _ = _run(cmd, env)
    figures = json.loads(summary.read_text())
    return {"wall": wall, "cpu": _run.cpu, "solve": float(figures["solve_seconds"]), "peak": peak,
            "status": figures["status"], "placed": figures["learners_placed"]}


def _export_child(pickled: str, target: str) -> None:
    """Child: time the tables and the workbook for one pickled (data, plan); print JSON."""
    from placement_planner.analysis import plan_report
    from placement_planner.io.export import write_plan_workbook

    with open(pickled, "rb") as fh:
        data, plan = pickle.load(fh)
    started = time.perf_counter()
    report = plan_report(data, plan)
    tables = time.perf_counter() - started
    started = time.perf_counter()
    write_plan_workbook(target, data, plan, report=report)
    print(json.dumps({"tables": tables, "workbook": time.perf_counter() - started,
                      "mb": os.path.getsize(target) / 1e6}))


def _plan_child(source: str, pickled: str, time_limit: str) -> None:
    """Child: load and solve once with the current tree; pickle (data, plan)."""
    from placement_planner.io import load_workbooks
    from placement_planner.solver import SolveOptions, solve

    data = load_workbooks([source]).data
    options = SolveOptions(time_limit_s=float(time_limit)) if float(time_limit) > 0 else SolveOptions()
    plan = solve(data, options)
    with open(pickled, "wb") as fh:
        pickle.dump((data, plan), fh)


def _export(pickled: Path, folder: Path, env) -> dict:
    wall, peak, text = _run([sys.executable, __file__, "--export-child", str(pickled), str(folder / "e.xlsx")], env)
    return {**json.loads(text.strip().splitlines()[-1]), "peak": peak}


def phases(argv: list[str]) -> None:
    """``--phases ARGS...``: run ``placement-planner ARGS`` (a solve) in this process and print
    CPU and wall seconds per phase: imports, load and checks, solve (solver imports included),
    tables, workbook."""
    cpu0, wall0 = time.process_time(), time.perf_counter()
    marks = []

    def mark(name):
        marks.append((name, time.process_time(), time.perf_counter()))

    import placement_planner.analysis as analysis
    import placement_planner.cli as cli
    import placement_planner.commands.solve as command
    import placement_planner.io.export as export
    mark("imports")

    def timed(module, name, label):
        inner = getattr(module, name)

        def wrapper(*args, **kwargs):
            out = inner(*args, **kwargs)
            mark(label)
            return out
        setattr(module, name, wrapper)

    for module, name, label in ((command, "checked_input", "load and checks"), (command, "_solve", "solve"),
                                (analysis, "plan_report", "tables"), (export, "write_plan_workbook", "workbook")):
        timed(module, name, label)
    code = cli.main(argv)
    cpu, wall = cpu0, wall0
    for name, c, w in marks:
        print(f"{name:<16} cpu {c - cpu:6.2f} s  wall {w - wall:6.2f} s")
        cpu, wall = c, w
    print(f"{'total':<16} cpu {cpu - cpu0:6.2f} s  wall {wall - wall0:6.2f} s  (exit {code})")


def main() -> None:
    if sys.argv[1:2] == ["--phases"]:
        phases(sys.argv[2:])
        return
    if sys.argv[1:2] == ["--export-child"]:
        _export_child(*sys.argv[2:4])
        return
    if sys.argv[1:2] == ["--plan-child"]:
        _plan_child(*sys.argv[2:5])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", nargs="+", default=["per-student"], choices=list(_CASES))
    parser.add_argument("--time-limit", type=float, help="solver limit for every run (default: the planner's)")
    parser.add_argument("--compare-with", metavar="DIR", help="an older source tree, first on the path")
    parser.add_argument("--keep", metavar="DIR", help="keep (and reuse) generated workbooks here")
    parser.add_argument("--skip-whole", action="store_true", help="only the export of one plan")
    args = parser.parse_args()

    base_env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    trees = [("new", base_env)]
    if args.compare_with:
        trees.append(("old", {**base_env, "PYTHONPATH": str(Path(args.compare_with).resolve())}))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep) if args.keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        print(f"{'case':<12}{'tree':<5}{'wall s':>8}{'cpu s':>7}{'solve s':>9}{'rest s':>8}{'peak MB':>9}  status"
              f"{'':<6}{'tables s':>9}{'workbook s':>11}{'file MB':>8}{'peak MB':>9}", flush=True)
        for case in args.case:
            source = _generate(case, folder)
            pickled = Path(tmp) / f"{case}.pkl"
            subprocess.run([sys.executable, __file__, "--plan-child", str(source), str(pickled),
                            str(args.time_limit or 0)], check=True, env=base_env)
            rows = {}
            for label, env in trees:
                whole = None if args.skip_whole else _whole(source, Path(tmp), env, args.time_limit)
                export = _export(pickled, Path(tmp), env)
                rows[label] = (whole, export)
                w = (f"{whole['wall']:>8.2f}{whole['cpu']:>7.2f}{whole['solve']:>9.2f}"
                     f"{whole['wall'] - whole['solve']:>8.2f}{whole['peak']:>9.0f}  {whole['status']:<12}"
                     if whole else f"{'':>41}  {'':<12}")
                print(f"{case:<12}{label:<5}{w}{export['tables']:>9.2f}{export['workbook']:>11.2f}"
                      f"{export['mb']:>8.2f}{export['peak']:>9.0f}", flush=True)
            if "old" in rows:
                (wn, en), (wo, eo) = rows["new"], rows["old"]
                ratio = (f"{wo['wall'] / wn['wall']:>8.2f}{wo['cpu'] / wn['cpu']:>7.2f}{'':>9}"
                         f"{(wo['wall'] - wo['solve']) / (wn['wall'] - wn['solve']):>8.2f}"
                         f"{wo['peak'] / wn['peak']:>9.2f}  {'':<12}" if wn else f"{'':>41}  {'':<12}")
                print(f"{case:<12}{'old/new':<5}{ratio}{eo['tables'] / en['tables']:>9.2f}"
                      f"{eo['workbook'] / en['workbook']:>11.2f}{eo['mb'] / en['mb']:>8.2f}"
                      f"{eo['peak'] / en['peak']:>9.2f}", flush=True)


if __name__ == "__main__":
    main()
