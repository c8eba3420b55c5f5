"""Where a solve's time goes: wall time, status and seconds per tier of every part.

    python benchmarks/solve_parts.py --scale region --seed 1 --limit 60

Prints one line per part (largest first: rows, tier 1 placed and bound, whether the bound is an
LP one, stopped, proven, seconds per tier) and the plan's status, wall time, bound and gap, so a
change in solver/ can be compared side by side with an older tree (run this script with that
tree first on PYTHONPATH), or, for the leximin alone, ``--fairness-from REV`` (fairness.py as it
was at that git revision, the rest of the tree as it is).
"""

from __future__ import annotations

import argparse
import time

from placement_planner.solver import run as run_mod


def _alone(data, limit: float) -> None:
    """Each part by itself through tiers placed and fair share (``limit`` seconds a part, so
    leximin may use half of what tier 1 leaves): no time shares between parts."""
    import numpy as np

    from placement_planner.domain import Tier
    from placement_planner.solver.components import split_parts
    from placement_planner.solver.model import build_part
    from placement_planner.solver.problem import build_problem
    problem = build_problem(data)
    g = problem.groups
    parts = split_parts(problem.g, problem.p, g.fair, len(g), len(problem.pools),
                        len(g.fair_keys), g.journey)
    models = sorted((build_part(problem, p, None) for p in parts), key=lambda m: -m.rows.row.size)
    total, proven = 0.0, 0
    for i, m in enumerate(models):
        r = run_mod.solve_part(m, (Tier.PLACED, Tier.FAIR_SHARE), time.perf_counter() + limit, None)
        fill = np.sort(np.bincount(m.fair, weights=r.x, minlength=len(m.fair_ids)) / m.fair_requested)
        sec = r.seconds.get("fair_share", 0.0)
        total, proven = total + sec, proven + bool(r.proven)
        print(f"part {i}: {len(m.ub):,} options, {len(m.fair_ids)} fair groups, fair share "
              f"{sec:.2f} s, proven {r.proven}, smallest fills {np.round(fill[:3], 4).tolist()}")
    print(f"fair share {total:.2f} s summed over {len(models)} parts, {proven} proven")


def _old_fairness(rev: str) -> None:
    """solver/fairness.py as it was at ``rev`` (git show), loaded as its own module; the
    parts then run its leximin."""
    import importlib.util
    import subprocess
    import sys
    import tempfile
    from pathlib import Path
    root = Path(__file__).resolve().parents[1]
    text = subprocess.run(["git", "show", f"{rev}:solver/fairness.py"], cwd=root, check=True,
                          capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "fairness_at_rev.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("placement_planner.solver.fairness_at_rev", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    run_mod.leximin = mod.leximin


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", default="region")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--limit", type=float, default=60.0)
    ap.add_argument("--threads", type=int, default=0, help="0: the workbook's setting")
    ap.add_argument("--shape", action="append", default=[], help="generate --shape (repeatable)")
    ap.add_argument("--input", default="", help="a workbook to solve instead of a generated one")
    ap.add_argument("--leximin-lp", action="store_true",
                    help="leximin rounds without the max-flow rounds (fair_flow.py): the LP/MIP path, for A/B")
    ap.add_argument("--alone", action="store_true",
                    help="each part alone, tiers placed and fair share only, --limit per part: "
                         "leximin seconds, proven and the smallest fills per part")
    ap.add_argument("--fairness-from", default="",
                    help="a git revision: run solver/fairness.py as it was there (leximin A/B)")
    args = ap.parse_args()
    if args.fairness_from:
        _old_fairness(args.fairness_from)
    if args.leximin_lp:
        from placement_planner.solver import fairness

        class _NoFlow:
            @staticmethod
            def build(hp):
                return None
        fairness.FairFlow = _NoFlow

    from placement_planner.build import build_planning_data
    from placement_planner.generate.tables import generate_tables
    from placement_planner.solver import SolveOptions, solve
    if args.input:
        from placement_planner.io.load import load_workbooks
        data = load_workbooks([args.input]).data
    else:
        t = generate_tables(args.scale, args.seed, tuple(args.shape))
        data = build_planning_data(sites=t["Sites"], capacity=t["Capacity"], demand=t["Demand"],
                                   locked=t.get("Locked"))

    if args.alone:
        _alone(data, args.limit)
        return
    log = []
    inner = run_mod.solve_parts

    def logged(models, *a, **k):      # works with the one-pass and the two-pass run.py
        results = inner(models, *a, **k)
        log.extend((m.rows.row.size, r) for m, r in zip(models, results))
        return results

    run_mod.solve_parts = logged
    opts = SolveOptions(time_limit_s=args.limit, **({"threads": args.threads} if args.threads else {}))
    t0 = time.perf_counter()
    plan = solve(data, opts)
    wall = time.perf_counter() - t0
    run_mod.solve_parts = inner
    print(f"{'rows':>7} {'placed':>9} {'bound':>9} {'LP bd':>5}  stopped     proven  seconds per tier")
    for size, r in sorted(log, key=lambda e: -e[0]):
        tiers = ", ".join(f"{k} {v:.2f}" for k, v in r.seconds.items())
        print(f"{size:>7} {r.placed:>9.1f} {r.bound:>9.1f} {'yes' if r.lp_bound or r.bound <= r.placed + 1e-6 else 'no':>5}  "
              f"{r.stopped or '-':<11} {str(r.proven):<6}  {tiers}")
    placed = plan.tier_values.get("placed", 0.0)
    print(f"{args.scale} {'+'.join(args.shape) or 'default'} seed {args.seed} limit {args.limit:g}s: status {plan.status.value}, "
          f"wall {wall:.1f}s, {len(log)} parts ({sum(r.proven for _, r in log)} proven), "
          f"placed {placed:,.1f}, bound {plan.bound:,.1f} (gap {100 * plan.gap:.2f} %), "
          f"parts without an LP bound {sum(1 for _, r in log if not r.lp_bound and r.bound > r.placed + 1e-6)}")
    print(f"tiers {plan.tier_values}")
    for m in plan.messages:
        if m.startswith("solver seconds") or "bound is loose" in m:
            print(m)


if __name__ == "__main__":
    main()
