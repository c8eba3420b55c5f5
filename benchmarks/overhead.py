"""Whole solves side by side (A B A B), each in a fresh process: wall, CPU seconds of the
process (every thread: less disturbed than wall by other work on the machine), the time
before the first part starts (problem, parts and their models), solver seconds per tier and the tier
values, which must be the same for every variant.

    python benchmarks/overhead.py --scale region --variant plain --variant merge --rounds 2

A variant is a comma-separated list of switches:
- ``plain``: duplicate options not merged (model.MERGE_DUPLICATES off);
- ``merge``: duplicate options merged into one column;
  neither: as the tree has it;
- ``blasn``: numpy's OpenBLAS threads left as numpy starts them during the solve
  (pipeline.BLAS_ONE_THREAD off; on, the solve runs it on one thread);
- ``blas1``: OpenBLAS on one thread for the whole process (OPENBLAS_NUM_THREADS=1).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time


def _one(args) -> None:
    from placement_planner.build import build_planning_data
    from placement_planner.generate.tables import generate_tables
    from placement_planner.solver import SolveOptions, solve
    from placement_planner.solver import model as part_model
    from placement_planner.solver import pipeline
    switches = set(args.one.split(","))
    part_model.MERGE_DUPLICATES = "merge" in switches or (
        "plain" not in switches and part_model.MERGE_DUPLICATES)
    pipeline.BLAS_ONE_THREAD = "blasn" not in switches
    t = generate_tables(args.scale, args.seed, tuple(args.shape))
    data = build_planning_data(sites=t["Sites"], capacity=t["Capacity"], demand=t["Demand"],
                               locked=t.get("Locked"))
    opts = SolveOptions(time_limit_s=args.limit,
                        **({"threads": args.threads} if args.threads else {}))
    seen = {}
    inner = pipeline.solve_parts

    def timed(models, *a, **k):
        seen["before"] = time.perf_counter() - seen["t0"]
        seen["columns"] = sum(len(m.ub) for m in models)
        return inner(models, *a, **k)

    pipeline.solve_parts = timed
    cpu = time.process_time()
    seen["t0"] = time.perf_counter()
    plan = solve(data, opts)
    wall = time.perf_counter() - seen["t0"]
    cpu = time.process_time() - cpu
    per_tier = next((m.split(": ", 1)[1] for m in plan.messages
                     if m.startswith("solver seconds")), "")
    print(json.dumps({"wall": wall, "cpu": cpu, "status": plan.status.value, "bound": plan.bound,
                      "before": seen["before"],
                      "columns": seen["columns"], "tiers": plan.tier_values,
                      "seconds": per_tier}))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", default="region")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--shape", action="append", default=[], help="generate --shape (repeatable)")
    ap.add_argument("--limit", type=float, default=60.0)
    ap.add_argument("--threads", type=int, default=0, help="0: the workbook's setting")
    ap.add_argument("--variant", action="append", default=[])
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--one", default="", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        _one(args)
        return
    variants = args.variant or ["plain", "merge"]
    rest = [f"--scale={args.scale}", f"--seed={args.seed}", f"--limit={args.limit}",
            f"--threads={args.threads}"] + [f"--shape={s}" for s in args.shape]
    out: dict[str, list] = {v: [] for v in variants}
    for _ in range(args.rounds):
        for v in variants:
            env = dict(os.environ)
            if "blas1" in v.split(","):
                env["OPENBLAS_NUM_THREADS"] = "1"
            run = subprocess.run([sys.executable, __file__, f"--one={v}"] + rest, env=env,
                                 capture_output=True, text=True)
            if run.returncode:
                print(f"{v}: failed\n{run.stderr[-2000:]}", flush=True)
                continue
            r = json.loads(run.stdout.strip().splitlines()[-1])
            out[v].append(r)
            print(f"{v:<14} {r['status']:<10} wall {r['wall']:6.2f} s  cpu {r['cpu']:6.2f} s  "
                  f"bound {r['bound']:,.1f}  placed {r['tiers'].get('placed', 0):,.1f}  before the parts "
                  f"{r['before']:.2f} s  columns {r['columns']:,}  {r['seconds']}", flush=True)
    for v, rs in out.items():
        walls = " / ".join(f"{r['wall']:.2f}" for r in rs)
        cpus = " / ".join(f"{r['cpu']:.2f}" for r in rs)
        before = " / ".join(f"{r['before']:.2f}" for r in rs)
        print(f"{v:<14} wall {walls} s, cpu {cpus} s, before the parts {before} s")
    first = next(rs[0]["tiers"] for rs in out.values() if rs)
    for v, rs in out.items():
        for r in rs:
            diff = {k: (first.get(k), r["tiers"].get(k)) for k in set(first) | set(r["tiers"])
                    if first.get(k) != r["tiers"].get(k)}
            if diff:
                print(f"{v}: tier values differ from {variants[0]}'s first run: {diff}")
    print("tier values", first)


if __name__ == "__main__":
    main()
