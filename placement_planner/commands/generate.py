"""Write a realistic synthetic input workbook (real NHS trusts, GP practices and universities).

Scales: demo (about 40 sites, 300 learners, one ICB), region (400 sites, 15,000 learners,
one NHS region), national (3,000 sites, 150,000 learners, all 36 ICBs), trust (one acute and community
trust: 150 wards, 2,000 nursing learners on 4-placement journeys).
"""

from __future__ import annotations

import argparse
import sys
import time


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scale", choices=["demo", "region", "national", "trust"], default="demo",
                        help="how big a data set to write (default: demo)")
    parser.add_argument("--seed", type=int, default=1, help="random seed; the same seed gives the same file")
    parser.add_argument("--shape", action="append", default=[], metavar="NAME[,NAME]",
                        help="reshape the data (combinable, repeatable): per-learner, tight-travel, "
                             "small-universities, icb-restricted, per-student")
    parser.add_argument("-o", "--output", required=True, metavar="PATH", help="the .xlsx file to write")


def run(args: argparse.Namespace) -> int:
    from placement_planner.generate import generate_tables
    from placement_planner.generate.shapes import parse_shapes
    from placement_planner.generate.workbook import write_workbook

    started = time.perf_counter()
    try:
        shapes = parse_shapes(args.shape)
    except ValueError as exc:
        print(f"placement-planner generate: {exc}", file=sys.stderr)
        return 2
    try:
        tables = generate_tables(args.scale, args.seed, shapes)
    except ValueError as exc:
        print(f"placement-planner generate: {exc}", file=sys.stderr)
        return 2
    try:
        path = write_workbook(tables, args.output)
    except OSError as exc:
        print(cannot_write("generate", args.output, exc), file=sys.stderr)
        return 1
    demand = tables["Demand"]
    print(f"wrote {path}: {len(tables['Sites'])} sites, {len(tables['Capacity'])} capacity rows, "
          f"{len(demand)} demand groups, {int(demand['learners'].sum())} learners{_journeys(demand)} "
          f"({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    return 0


def cannot_write(command: str, path, exc: OSError) -> str:
    """The message for a workbook that cannot be written (held open by Excel, no such folder, ...)."""
    if isinstance(exc, PermissionError):
        return f"placement-planner {command}: cannot write {path} (is it open in Excel?)"
    return f"placement-planner {command}: cannot write {path}: {exc.strerror or exc}"


def _journeys(demand) -> str:
    if "journey" not in demand or not (demand["journey"] != "").any():
        return ""
    first = demand[demand["journey"] != ""].drop_duplicates("journey")
    return (f" ({int(first['learners'].sum())} learners on {len(first)} journeys; "
            f"each placement counted)")
