"""Benchmark: the whole `placement-planner solve` command on the per-student workbook, by phase.

    python benchmarks/per_student.py [--scale region] [--shape per-student] [--repeat 3]
                                     [--tree /path/to/other/checkout ...] [--workbook FILE]

The issue's target: the per-student region workbook (13,216 single-learner rows) through the
whole command in <= 4 s and <= 800 MB. The workbook is generated once
(`placement-planner generate --scale SCALE --shape SHAPE`), then the command

    placement-planner solve WORKBOOK -o OUT.xlsx --summary-json S.json

runs in a fresh process for each tree, alternately (A B A B ...) so that the load of the
shared machine falls on every tree alike. `--tree` names the checkouts of the project to run
(e.g. `git worktree add --detach /tmp/base <commit>`; default: this checkout). Each tree's own
code is imported: the installed package's editable finder is pointed at that tree. On a tree
shared with others, compare worktrees: uncommitted solver work in the shared tree would be timed.

Every run prints its wall time (process start to exit), its peak memory (the process's
ru_maxrss, from os.wait4) and its phases, timed inside the process around the command's own
functions: the imports of the command's own modules (pandas and numpy with them, not the
solver's), the start-up up to the command, reading and checking the input, the solve (the
solver's imports with it), the analysis report, the workbook, the JSON, the rest of the
command, from the command's return to the exit handlers ("after run"), and the interpreter's
own start and end ("exit"). A separate
fresh process per tree times importing the modules the command needs. The closing table gives
each tree's median and range, the median time outside the solve, and the ratio of the medians
against the first tree. The summaries of every run are compared, and the output workbooks
of the first round part by part (docProps/core.xml, which holds the time, left out, and the
solve seconds masked).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent

# Run in a child: point the editable install's finder at the tree (its own code is imported).
_BOOT = r"""
import json, sys, time
T0 = time.perf_counter()
tree = sys.argv[1]
sys.path[:] = [p for p in sys.path if p not in ("", ".")]   # never the checkout the benchmark ran from
try:
    import __editable___placement_planner_0_1_0_finder as finder
    root = finder.MAPPING["placement_planner"].rsplit("/", 1)[0]
    for key, value in list(finder.MAPPING.items()):
        finder.MAPPING[key] = value.replace(root, tree, 1)
except ImportError:
    sys.path.insert(0, tree)
"""

# Then wrap the command's phases and run it.
_CHILD = _BOOT + r"""
import os
record = sys.argv[2]
phases = {}
cpu = {}
def timed(module, name, phase):
    inner = getattr(module, name)
    def wrapper(*args, **kwargs):
        start, start_cpu = time.perf_counter(), time.process_time()
        try:
            return inner(*args, **kwargs)
        finally:
            phases[phase] = phases.get(phase, 0.0) + time.perf_counter() - start
            cpu[phase] = cpu.get(phase, 0.0) + time.process_time() - start_cpu
    setattr(module, name, wrapper)
# The command's own modules (pandas and numpy with them; not the solver's), imported up front
# so that their functions can be wrapped: "imports" in the table.
from placement_planner import cli
import placement_planner.commands.solve as command
import placement_planner.io, placement_planner.analysis as analysis, placement_planner.io.export as export
phases["imports"] = time.perf_counter() - T0
timed(command, "checked_input", "read and check")
plan_file = os.environ.get("PER_STUDENT_PLAN", "")   # "save:PATH" or "load:PATH" (--plan-once)
if plan_file:
    import pickle
    inner_solve = command._solve
    def solve_or_load(data, how=None):
        mode, path = plan_file.split(":", 1)
        if mode == "load":
            with open(path, "rb") as fh:
                return pickle.load(fh)
        plan = inner_solve(data, how)
        with open(path, "wb") as fh:
            pickle.dump(plan, fh)
        return plan
    command._solve = solve_or_load
timed(command, "_solve", "solve")
timed(analysis, "plan_report", "report")
timed(export, "write_plan_workbook", "workbook")
timed(export, "summary_json", "json")
orig_run = command.run
def run(args):
    phases["start-up"] = time.perf_counter() - T0 - phases["imports"]
    try:
        return orig_run(args)
    finally:
        phases["run ended"] = time.perf_counter() - T0
command.run = run
def save():   # at exit: the command may end its process itself once finished
    phases["after run"] = time.perf_counter() - T0 - phases.pop("run ended")
    phases["in process"] = time.perf_counter() - T0
    cpu["in process"] = time.process_time()
    with open(record, "w") as out:
        json.dump({"phases": phases, "cpu": cpu}, out)
import atexit
atexit.register(save)
sys.argv = ["placement-planner"] + sys.argv[3:]
sys.exit(cli.main())
"""

PHASES = ["imports", "start-up", "read and check", "solve", "report", "workbook", "json", "rest of run", "after run",
          "exit"]
SHORT = {"read and check": "read+check"}


def run_once(tree: Path, workbook: Path, folder: Path, plan: str = "") -> dict:
    record = folder / "record.json"
    record.unlink(missing_ok=True)
    out, summary = folder / "out.xlsx", folder / "s.json"
    command = [sys.executable, "-c", _CHILD, str(tree), str(record),
               "solve", str(workbook), "-o", str(out), "--summary-json", str(summary)]
    start = time.perf_counter()
    env = {**os.environ, "PER_STUDENT_PLAN": plan}
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=folder)
    stderr = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0 or not record.exists():
        raise SystemExit(f"{tree}: exit {child.returncode}\n{stderr.decode(errors='replace')[-2000:]}")
    found = json.loads(record.read_text())
    found["wall"] = wall
    # interpreter start before the first line, and tear-down after the command returned
    phases = found["phases"]
    inside = phases.pop("in process")
    phases["rest of run"] = inside - sum(phases.values())
    phases["exit"] = wall - inside
    found["peak_mb"] = usage.ru_maxrss / 1024
    found["process_cpu"] = usage.ru_utime + usage.ru_stime   # the whole process, start to end
    found["summary"] = json.loads(summary.read_text())
    return found


def _parts(path: Path, seconds: float | None) -> dict[str, bytes]:
    """The workbook's parts, with the run's own solve seconds (Summary, as a number and as
    shown) masked: they differ from run to run."""
    masks = [f"{seconds:.16G}".encode(), f"{seconds:.1f} s".encode()] if seconds is not None else []
    out = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name != "docProps/core.xml":
                data = archive.read(name)
                for mask in masks:
                    data = data.replace(mask, b"(seconds)")
                out[name] = data
    return out


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s ({min(values):.2f}-{max(values):.2f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="region")
    parser.add_argument("--shape", default="per-student")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tree", action="append", default=[], type=Path,
                        help="a checkout to run (repeatable; the first is the reference; default: this one)")
    parser.add_argument("--workbook", type=Path, help="use this input workbook instead of generating one")
    parser.add_argument("--plan-once", action="store_true",
                        help="solve once (first tree), then every run reads that plan instead of solving: "
                             "only the command around the solver is timed, quickly and many times")
    args = parser.parse_args(argv)

    trees = [t.resolve() for t in args.tree] or [HERE]
    folder = Path(tempfile.mkdtemp(prefix="per_student_"))
    workbook = args.workbook
    if workbook is None:
        workbook = folder / f"{args.scale}-{args.shape}.xlsx"
        generate = [sys.executable, "-m", "placement_planner.cli", "generate", "--scale", args.scale,
                    "--seed", str(args.seed), "-o", str(workbook)]
        if args.shape != "default":
            generate[-2:-2] = ["--shape", args.shape]
        subprocess.run(generate, check=True, stdout=subprocess.DEVNULL)
    print(f"workbook {workbook}; load {os.getloadavg()[0]:.1f}; trees: "
          + ", ".join(f"{chr(65 + i)} = {t}" for i, t in enumerate(trees)))

    runs: dict[Path, list[dict]] = {t: [] for t in trees}
    plan = ""
    if args.plan_once:
        saved = folder / "plan.pickle"
        (folder / "first").mkdir()
        run_once(trees[0], workbook, folder / "first", f"save:{saved}")
        plan = f"load:{saved}"
        print(f"plan solved once ({trees[0]}) and read by every run: the 'solve' phase only reads it")
    header = f"{'run':<5} {'wall':>6} {'peak MB':>8} " + " ".join(f"{SHORT.get(p, p):>11}" for p in PHASES)
    print(header)
    for round_ in range(args.repeat):
        for i, tree in enumerate(trees):
            work = folder / f"t{i}"
            work.mkdir(exist_ok=True)
            found = run_once(tree, workbook, work, plan)
            if round_ == 0:
                found["parts"] = _parts(work / "out.xlsx", found["summary"].get("solve_seconds"))
            runs[tree].append(found)
            p = found["phases"]
            print(f"{chr(65 + i)}{round_ + 1:<4} {found['wall']:6.2f} {found['peak_mb']:8.0f} "
                  + " ".join(f"{p.get(name, 0.0):11.2f}" for name in PHASES), flush=True)

    print()
    print("outside solve = wall time less the solve; cpu = the process's CPU seconds (start to end, from")
    print("os.wait4) less those of the solve: one thread then, steadier than wall time on a loaded machine")
    print(f"{'tree':<5} {'status':<9} {'wall median (range)':>22} {'outside solve':>22} "
          f"{'cpu outside solve':>22} {'peak MB':>10} {'ratio':>6} {'cpu ratio':>9}")
    first = first_cpu = None
    for i, tree in enumerate(trees):
        walls = [r["wall"] for r in runs[tree]]
        outside = [r["wall"] - r["phases"].get("solve", 0.0) for r in runs[tree]]
        cpu = [r["process_cpu"] - r["cpu"].get("solve", 0.0) for r in runs[tree]]
        peaks = [r["peak_mb"] for r in runs[tree]]
        first = first or statistics.median(outside)
        first_cpu = first_cpu or statistics.median(cpu)
        status = runs[tree][0]["summary"].get("status", "?")
        print(f"{chr(65 + i):<5} {status:<9} {_spread(walls):>22} {_spread(outside):>22} {_spread(cpu):>22} "
              f"{min(peaks):4.0f}-{max(peaks):<5.0f} {statistics.median(outside) / first:6.2f} "
              f"{statistics.median(cpu) / first_cpu:9.2f}")
    print("phases, median wall (cpu) seconds:")
    for name in PHASES:
        print(f"  {name:<15} " + "   ".join(
            f"{chr(65 + i)} {statistics.median(r['phases'].get(name, 0.0) for r in runs[t]):5.2f}"
            + (f" ({statistics.median(r['cpu'].get(name, 0.0) for r in runs[t]):5.2f})" if name in runs[t][0]["cpu"]
               else " " * 8)
            for i, t in enumerate(trees)))

    keys = ("learners_requested", "learners_placed", "status")
    reference = {k: runs[trees[0]][0]["summary"].get(k) for k in keys}
    differ = [(chr(65 + i), r["summary"].get(k), k) for i, t in enumerate(trees) for r in runs[t]
              for k in keys if r["summary"].get(k) != reference[k]]
    print("summaries agree on " + ", ".join(keys) if not differ else f"summaries DIFFER: {differ}")
    first_parts = runs[trees[0]][0]["parts"]
    for i, tree in enumerate(trees[1:], start=1):
        parts = runs[tree][0]["parts"]
        changed = sorted(n for n in set(parts) | set(first_parts) if parts.get(n) != first_parts.get(n))
        print(f"workbook {chr(65 + i)} against A: " + (f"parts differ: {changed}" if changed else
                                                        f"every part the same ({len(parts)} parts)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
