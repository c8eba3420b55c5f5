"""The planner with highspy everywhere, with the per-step choice (engine.PER_STEP) and on
OR-Tools only, side by side in fresh processes.

    python benchmarks/solve_engines.py --scale demo --limit 240      # demo, all finish
    python benchmarks/solve_engines.py --scale region --limit 240    # region
    python benchmarks/solve_engines.py --scale national --limit 60   # national, all stop
    python benchmarks/solve_engines.py --scale region --repeat 2     # A B C A B C
    python benchmarks/solve_engines.py --modes highspy per-step      # only these

Each run plans every tier in a fresh process with PLACEMENT_PLANNER_ENGINE set to the mode:
``highspy`` (every LP and MIP on highspy; PDLP for very large parts), ``per-step`` (the
engine.PER_STEP table) or ``ortools`` (GLOP for LPs, SCIP for MIPs, PDLP). The
modes run one after the other (A B C, or A B C A B C with --repeat 2) so the machine's load
affects them alike. Prints, per run, wall time, status, every tier value, tier-1 bound, peak memory and
the solver seconds per tier (summed over parts, from ``Plan.messages``); whether the tier
values agree with the highspy runs (placed, fair share, preferred exactly; travel to 1e-6
relative where both runs are proven); then per tier, and per tier split into the engine's LP
runs and MIP solves (timed by wrapping engine.py's calls in the child; the engine that ran
them is in brackets), the mean seconds of each mode and the ratio to highspy, and the load
average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import threading
import time

MODES = ("highspy", "per-step", "ortools")
PER_TIER = re.compile(r"solver seconds per tier \(summed over parts\): (.*)")


def tier_seconds(messages) -> dict[str, float]:
    """{tier: seconds} from the plan's "solver seconds per tier" message."""
    for m in messages:
        hit = PER_TIER.match(m)
        if hit:
            return {k: float(v) for k, v in (p.rsplit(" ", 1) for p in hit.group(1).split(", "))}
    return {}


def time_engine_calls() -> dict[str, float]:
    """Wrap the engine's LP runs and MIP solves with timers, keyed "<step> LP" / "<step> MIP"
    (summed over parts and threads). The step is the tier run.run_tiers is in when the call
    is made, else the run.py function that made it (e.g. _first_plan)."""
    from placement_planner.solver import engine, run
    spent: dict[str, float] = {}
    lock = threading.Lock()

    def step() -> str:
        f, outer = sys._getframe(2), None
        while f is not None:
            if f.f_code is run.run_tiers.__code__ and "tier" in f.f_locals:
                return f.f_locals["tier"].value
            if outer is None and f.f_code.co_filename == run.__file__:
                outer = f.f_code.co_name
            f = f.f_back
        return outer or "other"

    def timed(fn, kind, name=None):
        def wrapper(*a, **k):
            key = f"{step()} {kind}"
            t0 = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                with lock:
                    spent[key] = spent.get(key, 0.0) + time.perf_counter() - t0
                    ran = f"{key} engines"
                    spent[ran] = sorted(set(spent.get(ran, [])) | {name or k["engine"]})
        return wrapper

    engine.HighspyLP.run = timed(engine.HighspyLP.run, "LP", "highspy")
    engine.OrtoolsLP.run = timed(engine.OrtoolsLP.run, "LP", "ortools")
    engine.solve_mip = timed(engine.solve_mip, "MIP")
    return spent


def child(scale: str, seed: int, shape: str, limit: float) -> dict:
    sys.path.insert(0, os.path.dirname(__file__))
    from shapes import load
    from placement_planner.solver import SolveOptions, engine, solve
    data = load(scale, seed, shape)
    spent = time_engine_calls()
    t0 = time.perf_counter()
    plan = solve(data, SolveOptions(time_limit_s=limit, threads=2))
    return dict(engine=engine.ENGINE, wall=time.perf_counter() - t0, status=plan.status.value,
                tiers={k: float(v) for k, v in plan.tier_values.items()}, bound=plan.bound,
                seconds=tier_seconds(plan.messages), calls=spent,
                peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def run_one(name: str, args) -> dict:
    env = dict(os.environ)
    env["PLACEMENT_PLANNER_ENGINE"] = name
    proc = subprocess.run([sys.executable, __file__, "--child", "--scale", args.scale,
                           "--shape", args.shape, "--seed", str(args.seed), "--limit",
                           str(args.limit)], capture_output=True, text=True, env=env)
    if proc.returncode:
        raise SystemExit(f"{name} run failed:\n{proc.stderr[-3000:]}")
    row = json.loads(proc.stdout.strip().splitlines()[-1])
    if row["engine"] != name:
        raise SystemExit(f"asked for {name}, the child ran {row['engine']}")
    return row


def fmt(v: float) -> str:
    return f"{v:,.4f}" if abs(v) < 10 else f"{v:,.1f}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="region", choices=["demo", "region", "national"])
    ap.add_argument("--shape", default="default")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--limit", type=float, default=60.0)
    ap.add_argument("--repeat", type=int, default=1,
                    help="rounds of A B C (2 gives A B C A B C)")
    ap.add_argument("--modes", nargs="+", default=list(MODES), choices=MODES)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.scale, args.seed, args.shape, args.limit)))
        return 0
    load0 = os.getloadavg()
    rows = []
    for _ in range(args.repeat):
        for name in args.modes:
            rows.append(run_one(name, args))
            print(f"  {name}: {rows[-1]['wall']:.1f} s {rows[-1]['status']}", flush=True)
    load1 = os.getloadavg()
    tiers = list(dict.fromkeys(k for r in rows for k in r["tiers"]))
    steps = list(dict.fromkeys(k for r in rows for k in r["seconds"]))
    calls = sorted(dict.fromkeys(k for r in rows for k in r["calls"]
                                 if not k.endswith(" engines")))
    print(f"\n{args.scale} / {args.shape}, seed {args.seed}, limit {args.limit:g} s, 2 threads; "
          f"load average {load0[0]:.2f} before, {load1[0]:.2f} after")
    base = [r for r in rows if r["engine"] == args.modes[0]]
    for r in rows:
        r["agrees"] = agrees(r, base[0]) if base else "-"
    print("| engine | wall | status | same tiers as " + args.modes[0] + " | " + " | ".join(tiers)
          + " | tier-1 bound | peak | " + " | ".join(f"s {k}" for k in steps) + " |")
    print("|---" * (6 + len(tiers) + len(steps)) + "|")
    for r in rows:
        print(f"| {r['engine']} | {r['wall']:.1f} s | {r['status']} | {r['agrees']} | "
              + " | ".join(fmt(r["tiers"].get(k, float("nan"))) for k in tiers)
              + f" | {r['bound']:,.1f} | {r['peak_mb']:.0f} MB | "
              + " | ".join(f"{r['seconds'].get(k, 0.0):.2f}" for k in steps) + " |")

    def mean(name, get):
        vals = [get(r) for r in rows if r["engine"] == name]
        return sum(vals) / len(vals)

    first, others = args.modes[0], args.modes[1:]
    print(f"\n| step | {first} s | " + " | ".join(f"{m} s | {m} / {first}" for m in others)
          + " |")
    print("|---" * (2 + 2 * len(others)) + "|")
    for label, get in [("wall", lambda r: r["wall"])] + [
            (k, lambda r, k=k: r["seconds"].get(k, 0.0)) for k in steps] + [
            (f"engine calls: {k} [" + " / ".join(
                ",".join(dict.fromkeys(e for r in rows if r["engine"] == m
                                       for e in r["calls"].get(f"{k} engines", [])))
                for m in args.modes) + "]",
             lambda r, k=k: r["calls"].get(k, 0.0)) for k in calls]:
        a = mean(first, get)
        cells = []
        for m in others:
            b = mean(m, get)
            cells.append(f"{b:.2f} | " + (f"x{b / a:.2f}" if a > 0 else "-"))
        print(f"| {label} | {a:.2f} | " + " | ".join(cells) + " |")
    return 0


def agrees(r: dict, base: dict) -> str:
    """"yes" when the tier values equal the base run's: placed, fair share and preferred
    exactly (to rounding noise), travel to 1e-6 relative when both runs are proven optimal;
    else the tiers that differ."""
    proven = r["status"] == base["status"] == "optimal"
    differ = []
    for k, v in base["tiers"].items():
        w = r["tiers"].get(k)
        if w is None:
            differ.append(k)
        elif k == "travel":
            if proven and abs(w - v) > 1e-6 * max(1.0, abs(v)):
                differ.append(k)
        elif abs(w - v) > 1e-9 * max(1.0, abs(v)):
            differ.append(k)
    return "yes" if not differ else "no: " + ", ".join(differ)


if __name__ == "__main__":
    sys.exit(main())
