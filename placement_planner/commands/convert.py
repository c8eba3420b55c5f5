"""Convert another tool's input files into the planner's workbook (Sites, Capacity, Demand).

--from nhs-ai-lab: the NHS AI Lab nursing-placement scheduler's workbook (students, wards,
placements sheets) and optionally its config/params.yml: each ward becomes a site of --trust,
each student one journey of learners = 1 (docs/journeys.md). Exit 0 written, 1 the input
cannot be converted (every problem printed; nothing written), 2 usage.
"""

from __future__ import annotations

import argparse
import sys

SOURCES = ("nhs-ai-lab",)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="source", required=True, choices=SOURCES,
                        help="the layout of the input files")
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="the input workbook(s), and optionally the tool's params.yml")
    parser.add_argument("-o", "--output", required=True, metavar="OUT.xlsx", help="the workbook to write")
    parser.add_argument("--trust", metavar="NAME|ODS", help="the NHS trust whose wards these are "
                        "(its ICB and region come from the planner's reference list)")
    parser.add_argument("--ics", help="the wards' ICS / ICB (default: the trust's)")
    parser.add_argument("--region", help="the wards' NHS England region (default: the trust's)")
    parser.add_argument("--profession", default=None, help="the students' profession (default: Adult Nursing)")
    parser.add_argument("--require", metavar="SETTING[,SETTING]",
                        help="settings every student must cover (default: the checks switched on in params.yml)")


def run(args: argparse.Namespace) -> int:
    from placement_planner.journeys.nhs_ai_lab import ConvertError, convert, write_converted

    try:
        conversion = convert(args.files, trust=args.trust, ics=args.ics, region=args.region,
                             profession=args.profession, require=args.require)
        path = write_converted(conversion, args.output)
    except ConvertError as exc:
        for problem in exc.problems:
            print(problem.line())
        print(f"placement-planner convert: {len(exc.problems.errors)} problem(s); nothing was written",
              file=sys.stderr)
        return 1
    except OSError as exc:
        from placement_planner.commands.generate import cannot_write

        print(cannot_write("convert", args.output, exc), file=sys.stderr)
        return 1
    for problem in conversion.problems:
        print(problem.line())
    for note in conversion.notes:
        print(f"NOTE\t{note}", file=sys.stderr)
    demand = conversion.tables["Demand"]
    print(f"wrote {path}: {len(conversion.tables['Sites'])} wards as sites, {len(conversion.tables['Capacity'])} "
          f"capacity rows, {demand['journey'].nunique()} students as journeys, {len(demand)} placements",
          file=sys.stderr)
    return 0
