"""Build the one-folder app: ``python packaging/build.py`` writes dist/placement-planner/.

    python -m pip install ".[build]"
    python packaging/build.py [--dist DIR] [--work DIR] [--timeout S] [--max-size-mb N]

Runs PyInstaller on packaging/placement-planner.spec (a fresh build each time: the work
folder and the old bundle are removed first), checks the bundle holds what the app reads at
run time, and prints its size. Exit 0 built, 1 the build or a check failed, 2 usage or a
missing build tool. Every failure ends with one line saying what to do.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SPEC = HERE / "placement-planner.spec"
NAME = "placement-planner"

sys.path.insert(0, str(HERE))
import bundle  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python packaging/build.py", description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="folder the bundle goes in (default: dist)")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller",
                        help="PyInstaller's work folder (default: build/pyinstaller)")
    parser.add_argument("--timeout", type=positive_float, default=40 * 60.0,
                        help="stop the build after this many seconds (default: 2400)")
    parser.add_argument("--max-size-mb", type=positive_float, default=450.0,
                        help="fail when the unpacked bundle is larger (default: 450)")
    parser.add_argument("--log-level", default="WARN", choices=["DEBUG", "INFO", "WARN", "ERROR"],
                        help="PyInstaller's log level (default: WARN)")
    args = parser.parse_args(argv)
    for option in ("dist", "work"):
        path = getattr(args, option).resolve()
        if path == ROOT or path in ROOT.parents:
            parser.error(f"--{option} {path} would delete the project; choose a folder inside it or elsewhere")
        setattr(args, option, path)
    return args


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text} must be more than 0")
    return value


def executable_name(windows: bool | None = None) -> str:
    windows = sys.platform == "win32" if windows is None else windows
    return f"{NAME}.exe" if windows else NAME


def preflight() -> list[str]:
    """Why the build cannot start (empty when it can)."""
    problems = []
    if importlib.util.find_spec("PyInstaller") is None:
        problems.append('PyInstaller is not installed: run  python -m pip install ".[build]"  first.')
    for package in bundle.OUR_PACKAGES + bundle.DATA_PACKAGES:
        try:
            found = importlib.util.find_spec(package) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            problems.append(f"{package} cannot be imported: install the project first "
                            '(python -m pip install ".[build]" from the project folder).')
            break
    if not (ROOT / "docs" / "user-guide.md").exists():
        problems.append("docs/user-guide.md is missing: the bundle ships the user guide.")
    return problems


def folder_size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink())


def check_bundle(folder: Path, windows: bool | None = None) -> list[str]:
    """What the built folder lacks (empty when complete)."""
    windows = sys.platform == "win32" if windows is None else windows
    internal = folder / "_internal"
    wanted = [folder / executable_name(windows),
              internal / "placement_planner" / "sample_data" / "demo_supply.xlsx",
              internal / "placement_planner" / "sample_data" / "demo_demand.xlsx",
              internal / "placement_planner" / "resources" / "reference" / "ATTRIBUTION.md",
              internal / bundle.DOCS_FOLDER / "user-guide.md",
              internal / bundle.WINDOW_ICON]
    if windows:
        wanted.append(folder / f"{NAME}-cli.exe")
    missing = [str(p.relative_to(folder)) for p in wanted if not p.exists()]
    if not any(internal.glob("ortools/linear_solver/python/model_builder_helper*")):
        missing.append("_internal/ortools/linear_solver/python/model_builder_helper (OR-Tools, runs PDLP)")
    unwanted = [str(p.relative_to(folder)) for p in internal.rglob("*")
                if p.is_file() and bundle.is_pruned(p.relative_to(internal).as_posix())]
    return [f"missing: {m}" for m in missing] + [f"should have been cut: {u}" for u in unwanted[:10]]


def run_pyinstaller(args: argparse.Namespace) -> int:
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", args.log_level,
               "--distpath", str(args.dist), "--workpath", str(args.work), str(SPEC)]
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1")
    print("running:", " ".join(command), flush=True)
    try:
        return subprocess.run(command, cwd=ROOT, env=env, timeout=args.timeout).returncode
    except subprocess.TimeoutExpired:
        print(f"build.py: PyInstaller did not finish within {args.timeout:.0f} s "
              "(raise --timeout on a slow machine).", file=sys.stderr)
        return 124


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    problems = preflight()
    if problems:
        for p in problems:
            print(f"build.py: {p}", file=sys.stderr)
        return 2
    target = args.dist / NAME
    for old in (target, args.work):
        if old.exists():
            shutil.rmtree(old)
    started = time.perf_counter()
    code = run_pyinstaller(args)
    seconds = time.perf_counter() - started
    if code != 0:
        print(f"build.py: FAILED - PyInstaller exited with {code} after {seconds:.0f} s; the lines above "
              f"say why (rerun with --log-level INFO for more).", file=sys.stderr)
        return 1
    problems = check_bundle(target)
    size_mb = folder_size(target) / 1e6
    print(f"built {target} in {seconds:.0f} s: {size_mb:.0f} MB unpacked "
          f"({platform.system()}, Python {platform.python_version()})")
    if problems:
        for p in problems:
            print(f"build.py: {p}", file=sys.stderr)
        print("build.py: FAILED - the bundle is incomplete (see packaging/bundle.py).", file=sys.stderr)
        return 1
    if size_mb > args.max_size_mb:
        print(f"build.py: FAILED - the bundle is {size_mb:.0f} MB, over the {args.max_size_mb:.0f} MB limit; "
              "cut more in packaging/bundle.py.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
