"""Smoke-test the frozen app, and time start-up (frozen and from source).

    python packaging/smoke.py [--bundle dist/placement-planner] [--repeat N] [--source]

Runs the built binary as a user would, offscreen, with its user data in a fresh folder:
``--version``; ``validate`` on the messy sample (must report errors, exit 1) and on the demo
workbooks (exit 0); ``solve`` on the demo workbooks (writes the workbook and a summary with
learners placed); OR-Tools' PDLP (``--pdlp-child``) on a tiny LP; and the app itself
(``--smoke-test --plan``): it opens the sample, plans it in the planning child
(``--plan-child``) and closes cleanly, leaving no crash journal behind. Start-up is the time
from launching the process to the window being usable with the sample loaded. ``--source``
times ``python packaging/launcher.py`` beside it. Exit 0 all passed, 1 a check failed.
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
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from build import executable_name  # noqa: E402

TIMEOUT_S = 300


class SmokeFailure(Exception):
    pass


def run(command: list[str], env: dict, expect: int = 0, timeout: float = TIMEOUT_S) -> subprocess.CompletedProcess:
    started = time.perf_counter()
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout,
                              encoding="utf-8", errors="replace")
    except subprocess.TimeoutExpired:
        raise SmokeFailure(f"{' '.join(command[1:3])} did not finish within {timeout:.0f} s") from None
    seconds = time.perf_counter() - started
    shown = " ".join(Path(c).name if os.sep in c else c for c in command)
    if done.returncode != expect or "Traceback" in done.stderr:
        raise SmokeFailure(f"`{shown}` exited {done.returncode} (expected {expect}) after {seconds:.1f} s\n"
                           f"--- stdout ---\n{done.stdout[-3000:]}\n--- stderr ---\n{done.stderr[-3000:]}")
    print(f"ok   {shown}  ({seconds:.1f} s)", flush=True)
    return done


def app_start(command: list[str], env: dict, plan: bool) -> tuple[float, float]:
    """Launch the app with --smoke-test: (seconds from launch to 'SMOKE usable', the app's
    CPU seconds by then; the second is the figure to trust on a loaded machine)."""
    started = time.perf_counter()
    proc = subprocess.Popen(command + ["--smoke-test"] + (["--plan"] if plan else []), env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            encoding="utf-8", errors="replace")
    usable = None
    cpu = float("nan")
    lines = []
    try:
        for line in proc.stdout:
            lines.append(line.rstrip())
            if line.startswith("SMOKE usable") and usable is None:
                usable = time.perf_counter() - started
                words = line.split()
                cpu = float(words[words.index("cpu") + 1]) if "cpu" in words else cpu
        code = proc.wait(TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise SmokeFailure("the app did not close within the time limit") from None
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    err = proc.stderr.read()
    failed = [l for l in lines if l.startswith("SMOKE FAILED")]
    if code != 0 or usable is None or failed or "Traceback" in err or not any(l.startswith("SMOKE closed 0") for l in lines):
        raise SmokeFailure(f"the app smoke test failed (exit {code})\n--- stdout ---\n" + "\n".join(lines[-40:])
                           + f"\n--- stderr ---\n{err[-3000:]}")
    if plan and not any(l.startswith("SMOKE planned") and int(l.split()[2]) > 0 for l in lines):
        raise SmokeFailure("the app closed without a plan from the planning child:\n" + "\n".join(lines[-40:]))
    return usable, cpu


def check_pdlp_child(exe: Path) -> None:
    """OR-Tools' PDLP inside the frozen binary: ``--pdlp-child`` reads an LP from stdin
    (solver/lp_bound.py's format) and answers (x, duals) pickled on stdout."""
    import pickle

    import numpy as np

    from placement_planner.solver import lp_bound

    # max x1 + x2 with x1 + x2 <= 1.5 and 0 <= x <= 1: the optimum is 1.5.
    arrays = [np.array([0, 1, 2], dtype=np.int32), np.array([0, 0], dtype=np.int32), np.array([1.0, 1.0]),
              np.array([0.0]), np.array([1.5]), np.array([1.0, 1.0]), np.array([1.0, 1.0])]
    proc = subprocess.Popen([str(exe), "--pdlp-child"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        lp_bound._send(proc.stdin, arrays, ((1, 2), 30.0, 1))
        proc.stdin.close()
        out = proc.stdout.read()
        err = proc.stderr.read()
        proc.wait(TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise SmokeFailure("the frozen --pdlp-child did not answer within the time limit") from None
    answer = pickle.loads(out) if proc.returncode == 0 and out else None
    if answer is None or abs(float(np.sum(answer[0])) - 1.5) > 1e-3:
        raise SmokeFailure(f"the frozen --pdlp-child (exit {proc.returncode}) gave {answer!r} for an LP "
                           f"whose optimum is 1.5\n--- stderr ---\n{err.decode('utf-8', 'replace')[-3000:]}")
    print(f"ok   {exe.name} --pdlp-child  (OR-Tools PDLP, LP optimum {float(np.sum(answer[0])):.3f})", flush=True)


def smoke(bundle: Path, repeat: int, source: bool) -> dict:
    exe = bundle / executable_name()
    cli = bundle / "placement-planner-cli.exe" if sys.platform == "win32" else exe
    if not exe.exists():
        raise SmokeFailure(f"{exe} does not exist: run python packaging/build.py first")
    samples = bundle / "_internal" / "placement_planner" / "sample_data"
    with tempfile.TemporaryDirectory(prefix="planner-smoke-") as tmp:
        data = Path(tmp) / "user data"
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PLACEMENT_PLANNER_DATA=str(data))
        env.pop("PYTHONPATH", None)
        c = str(cli)
        run([c, "--version"], env)
        messy = run([c, "validate", str(samples / "messy_example.xlsx")], env, expect=1)
        if "ERROR\t" not in messy.stdout:
            raise SmokeFailure("validate on the messy sample printed no ERROR lines")
        demo = [str(samples / "demo_supply.xlsx"), str(samples / "demo_demand.xlsx")]
        run([c, "validate", *demo], env)
        out, summary = Path(tmp) / "plan.xlsx", Path(tmp) / "summary.json"
        run([c, "solve", *demo, "-o", str(out), "--summary-json", str(summary), "--time-limit", "60"], env)
        placed = json.loads(summary.read_text(encoding="utf-8"))["learners_placed"]
        if not out.exists() or placed <= 0:
            raise SmokeFailure(f"solve wrote no plan ({out.exists()=}, learners placed {placed})")
        check_pdlp_child(cli)
        frozen = [app_start([str(exe)], env, plan=True)]
        print(f"ok   {exe.name} --smoke-test --plan  (usable {frozen[0][0]:.2f} s; planned in the child; closed)")
        left = [p.name for p in data.rglob("journal-*")] + [p.name for p in data.rglob("autosave-*")]
        if left:
            raise SmokeFailure(f"the app left crash-recovery files after a clean close: {left}")
        frozen += [app_start([str(exe)], env, plan=False) for _ in range(repeat - 1)]
        times = {"frozen": frozen}
        if source:
            times["source"] = [app_start([sys.executable, str(HERE / "launcher.py")], env, plan=False)
                               for _ in range(repeat)]
    for kind, runs in times.items():
        wall, cpu = [r[0] for r in runs], [r[1] for r in runs]
        print(f"start to usable window ({kind}): median {statistics.median(wall):.2f} s wall, "
              f"{statistics.median(cpu):.2f} s CPU; runs {', '.join(f'{w:.2f}/{c:.2f}' for w, c in runs)}")
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python packaging/smoke.py", description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "placement-planner")
    parser.add_argument("--repeat", type=int, default=1, help="app starts to time (default 1)")
    parser.add_argument("--source", action="store_true", help="also time the app started from source")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be 1 or more")
    try:
        smoke(args.bundle.resolve(), args.repeat, args.source)
    except SmokeFailure as exc:
        print(f"smoke.py: FAILED - {exc}", file=sys.stderr)
        return 1
    print("smoke.py: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
