"""The `placement-planner` command: the app with no subcommand, else validate / solve / generate."""

from __future__ import annotations

import importlib
import sys

# Each subcommand lives in its own module with add_arguments(parser) and run(args) -> int.
COMMANDS = {
    "validate": "placement_planner.commands.validate",
    "solve": "placement_planner.commands.solve",
    "generate": "placement_planner.commands.generate",
    "update-reference": "placement_planner.commands.reference",
    "packs": "placement_planner.commands.packs",
    "compare": "placement_planner.commands.compare",
    "advise": "placement_planner.commands.advise",
    "convert": "placement_planner.commands.convert",
}


def main(argv: list[str] | None = None) -> int:
    import argparse

    whole_process = argv is None   # the command line itself, not a call from Python code
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--pdlp-child"]:   # the optimiser's LP helper process (Windows build)
        from placement_planner.solver.lp_bound import run_child
        return run_child()
    if argv[:1] == ["--plan-child"]:   # the app's planning process (Windows build)
        return importlib.import_module("placement_planner.ui.plan_child").run_child()
    from placement_planner.logs import setup_logging
    setup_logging()
    if argv and argv[0] in COMMANDS:
        module = importlib.import_module(COMMANDS[argv[0]])
        parser = argparse.ArgumentParser(prog=f"placement-planner {argv[0]}",
                                         description=module.__doc__)
        module.add_arguments(parser)
        args = parser.parse_args(argv[1:])  # exits 2 on a usage error
        code = int(module.run(args) or 0)
        if whole_process:
            _exit_now(code)
        return code
    if argv and argv[0] in ("-h", "--help"):
        print(_usage())
        return 0
    if argv and argv[0] in ("-V", "--version"):
        from placement_planner import __version__
        print(f"placement-planner {__version__}")
        return 0
    bad = [a for a in argv if a.startswith("-")]
    if bad:
        print(f"placement-planner: unknown option {bad[0]}\n\n{_usage()}", file=sys.stderr)
        return 2
    # The desktop app is imported only here, so the core and the CLI run without Qt.
    app = importlib.import_module("placement_planner.ui.app")
    return int(app.run(argv) or 0)


def _exit_now(code: int) -> None:
    """End a finished command's process: flush its output, run the exit handlers (the log is
    flushed and closed), then leave without freeing every object of the plan one at a time
    (0.1-0.25 s of a 13,000-row per-student solve)."""
    import atexit
    import os

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):   # a closed pipe: nothing more can be shown
            pass
    atexit._run_exitfuncs()
    os._exit(code)


def _usage() -> str:
    return (
        "usage: placement-planner [FILE...]                 open the app with these files\n"
        "       placement-planner validate FILE...          print every problem in the input\n"
        "       placement-planner solve FILE... -o OUT.xlsx [--summary-json PATH] [--time-limit S]\n"
        "       placement-planner solve FILE... --scenario NAME -o OUT.xlsx [--summary-json PATH]\n"
        "       placement-planner compare FILE... -o OUT.xlsx [--summary-json PATH] [--time-limit S]\n"
        "       placement-planner generate --scale demo|region|national|trust [--seed N] -o PATH\n"
        "       placement-planner update-reference FILE     load a newer ICB list / ICB mergers (--show, --reset)\n"
        "       placement-planner packs PLAN.xlsx -o DIR        one workbook per university and provider\n"
        "       placement-planner advise FILE... --places N -o OUT.xlsx [--summary-json PATH] [--top K]\n"
        "       placement-planner convert --from nhs-ai-lab FILE... -o OUT.xlsx --trust NAME|ODS\n"
    )


if __name__ == "__main__":
    sys.exit(main())
