"""Soak test: drive a workshop session in the app, offscreen, for a given time; report what broke.

    python scripts/soak.py [--minutes 30] [--workbook FILE] [--time-limit 20] [--seed 1] [--json OUT]

Without --workbook it generates a region workbook (15,000 learners). The session runs in a
child process under faulthandler, doing what a coordinator does in a workshop, at random:
open the files, edit places and learners (and undo), plan (let it finish, or press Esc after
a few seconds, or press Plan again while planning), filter the Results from every chart and
the filter box, sort, switch tabs, and export. A crash (the child dies) is counted, its
Python stack kept, and a new session starts until the time is up.

Figures: crashes, actions done, plans finished / cancelled, warning boxes shown, peak memory
of the app and of a planning process, and the worst event-loop stall (a 20 ms timer's
lateness: how long the window froze) with the action it happened in.
"""

from __future__ import annotations

import argparse
import faulthandler
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


# ---- the parent: run sessions until the time is up -------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--workbook", help="input workbook (default: a generated region workbook)")
    parser.add_argument("--time-limit", type=float, default=20.0, help="plan time limit, seconds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", help="write the figures here too")
    parser.add_argument("--session", help=argparse.SUPPRESS)   # internal: run one session
    args = parser.parse_args()
    if args.session:
        return session(args)

    work = Path(tempfile.mkdtemp(prefix="soak-"))
    workbook = args.workbook
    if not workbook:
        from placement_planner.generate import generate_workbook

        workbook = str(work / "region.xlsx")
        generate_workbook("region", args.seed, workbook)
    deadline = time.time() + 60 * args.minutes
    sessions, crashes = [], []
    k = 0
    while time.time() < deadline - 5:
        k += 1
        out, log = work / f"session-{k}.json", work / f"session-{k}.faults.txt"
        cmd = [sys.executable, __file__, "--session", str(out), "--workbook", workbook,
               "--minutes", str((deadline - time.time()) / 60), "--time-limit", str(args.time_limit),
               "--seed", str(args.seed + k)]
        with open(log, "w") as err:
            code = subprocess.call(cmd, stderr=err)
        stats = json.loads(out.read_text()) if out.exists() else {}
        stack = log.read_text(errors="replace")
        if code != 0 or not out.exists():
            crashes.append({"session": k, "exit_code": code, "last_action": _last_action(work, k),
                            "stack": [line for line in stack.splitlines() if "File " in line][:12]})
        sessions.append(stats)
    report = _summarise(sessions, crashes, args, workbook)
    print(_table(report))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))
    return 1 if crashes else 0


def _last_action(work: Path, k: int) -> str:
    trail = work / f"session-{k}.json.trail"
    return trail.read_text().strip().rsplit("\n", 1)[-1] if trail.exists() else ""


def _summarise(sessions, crashes, args, workbook) -> dict:
    def total(key):
        return sum(s.get(key, 0) for s in sessions)

    worst = max(sessions, key=lambda s: s.get("worst_stall_ms", 0), default={})
    return {
        "workbook": workbook, "minutes": args.minutes, "sessions": len(sessions), "crashes": len(crashes),
        "crash_details": crashes, "actions": total("actions"), "action_counts": _merge(s.get("counts", {}) for s in sessions),
        "plans_finished": total("plans_finished"), "plans_cancelled": total("plans_cancelled"),
        "earlier_plan_kept": total("earlier_plan_kept"), "exports": total("exports"),
        "warning_boxes": sum((s.get("warning_boxes") or [] for s in sessions), []),
        "peak_app_mb": max((s.get("peak_app_mb", 0) for s in sessions), default=0),
        "peak_plan_process_mb": max((s.get("peak_child_mb", 0) for s in sessions), default=0),
        "worst_stall_ms": worst.get("worst_stall_ms", 0), "worst_stall_during": worst.get("worst_stall_during", ""),
        "p99_stall_ms": max((s.get("p99_stall_ms", 0) for s in sessions), default=0),
        "stalls_over_250ms": total("stalls_over_250ms"),
    }


def _merge(dicts) -> dict:
    out: dict = {}
    for d in dicts:
        for k, v in d.items():
            out[k] = out.get(k, 0) + v
    return out


def _table(r: dict) -> str:
    rows = [("workbook", r["workbook"]), ("minutes", f"{r['minutes']:g}"), ("sessions", r["sessions"]),
            ("crashes", r["crashes"]), ("actions", f"{r['actions']:,}"),
            ("plans finished / cancelled", f"{r['plans_finished']} / {r['plans_cancelled']}"),
            ("earlier plan kept on cancel", r["earlier_plan_kept"]), ("exports", r["exports"]),
            ("warning boxes shown", len(r["warning_boxes"])),
            ("peak memory, app", f"{r['peak_app_mb']:,.0f} MB"),
            ("peak memory, planning process", f"{r['peak_plan_process_mb']:,.0f} MB"),
            ("worst event-loop stall", f"{r['worst_stall_ms']:,.0f} ms ({r['worst_stall_during']})"),
            ("99th percentile stall", f"{r['p99_stall_ms']:,.0f} ms"),
            ("stalls over 250 ms", r["stalls_over_250ms"])]
    lines = [f"{k:<32} {v}" for k, v in rows]
    lines.append("actions: " + ", ".join(f"{k} {v}" for k, v in sorted(r["action_counts"].items())))
    for c in r["crash_details"]:
        lines.append(f"CRASH in session {c['session']} (exit {c['exit_code']}) during {c['last_action']}:")
        lines.extend("    " + s.strip() for s in c["stack"])
    for w in r["warning_boxes"][:10]:
        lines.append(f"warning box: {w}")
    return "\n".join(lines)


# ---- one session, in a child process ---------------------------------------------------------
def _peak_mb(who) -> float:
    import resource

    kb = resource.getrusage(who).ru_maxrss
    return kb / 1024 / (1024 if sys.platform == "darwin" else 1)


def session(args) -> int:
    faulthandler.enable()            # a crash prints the Python stack to stderr (the parent's log)
    import resource

    from PySide6.QtCore import QStandardPaths, QTimer
    from PySide6.QtWidgets import QMessageBox

    QStandardPaths.setTestModeEnabled(True)     # leave the user's settings and recovery alone
    from placement_planner.ui.app import create_app

    app = create_app()
    from placement_planner.ui.main_window import MainWindow

    boxes: list[str] = []

    def box(parent, title, text, *a, **k):
        boxes.append(f"{title}: {text}")
        return QMessageBox.StandardButton.Discard if title == "Unsaved changes" else QMessageBox.StandardButton.Ok

    for name in ("warning", "critical", "information"):
        setattr(QMessageBox, name, box)
    QMessageBox.question = lambda *a, **k: QMessageBox.StandardButton.Discard

    window = MainWindow()
    window.resize(1280, 800)
    window.show()
    out = Path(args.session)
    trail = open(str(out) + ".trail", "w", buffering=1)
    rng = random.Random(args.seed)
    deadline = time.time() + 60 * args.minutes
    stats = {"actions": 0, "counts": {}, "plans_finished": 0, "plans_cancelled": 0, "earlier_plan_kept": 0,
             "exports": 0, "worst_stall_ms": 0.0, "worst_stall_during": "", "stalls_over_250ms": 0}
    lateness: list[float] = []
    state = {"doing": "starting", "last": time.perf_counter(), "window": window}

    def tick() -> None:   # the stall probe
        since = state.pop("since", [])
        if since:   # the work that blocked ran between the last tick and this one
            state["doing"] = " then ".join(dict.fromkeys(since + [state["doing"]]))
        now = time.perf_counter()
        late = (now - state["last"] - 0.020) * 1000
        state["last"] = now
        lateness.append(late)
        if late > 250:
            stats["stalls_over_250ms"] += 1
        if late > 1000:     # in the trail too, between the actions around it
            trail.write(f"{time.strftime('%H:%M:%S')} STALL {late:,.0f} ms during {state['doing']}\n")
        if late > stats["worst_stall_ms"]:
            tab = state["window"].tabs.tabText(state["window"].tabs.currentIndex()) if state.get("window") else ""
            stats["worst_stall_ms"] = late
            stats["worst_stall_during"] = f"{state['doing']}; {tab} tab shown; at {time.strftime('%H:%M:%S')}"

    probe = QTimer(interval=20)
    probe.timeout.connect(tick)
    probe.start()
    export_path = str(out.with_suffix(".export.xlsx"))
    steps = _workshop(window, rng, args, stats, state, trail, export_path, deadline)

    def step() -> None:
        try:
            wait_ms = next(steps)
        except StopIteration:
            app.quit()
            return
        QTimer.singleShot(max(0, int(wait_ms)), step)

    QTimer.singleShot(0, step)
    app.exec()
    probe.stop()
    import numpy as np

    stats["p99_stall_ms"] = float(np.percentile(lateness, 99)) if lateness else 0.0
    stats["peak_app_mb"] = _peak_mb(resource.RUSAGE_SELF)
    stats["peak_child_mb"] = _peak_mb(resource.RUSAGE_CHILDREN)
    stats["warning_boxes"] = boxes
    window.project.mark_saved()
    window.close()
    out.write_text(json.dumps(stats))
    return 0


def _workshop(window, rng, args, stats, state, trail, export_path, deadline):
    """A generator of what a coordinator does; each ``yield`` is a pause (ms) in the event loop."""
    from PySide6.QtCore import Qt

    p = window.project
    # Work that lands later (a load, a plan, a save finishing) is named too, so a stall is
    # put down to what the window was doing then, not to the last thing the "user" did.
    for signal, what in ((p.loaded, "files loaded: tables filled"), (p.plan_changed, "plan shown"),
                         (p.problems_changed, "problems listed"), (p.saved, "saved")):
        signal.connect(lambda *_, w=what: state.__setitem__("doing", w))

    def doing(what: str) -> None:
        state.setdefault("since", []).append(what)
        state["doing"] = what
        stats["actions"] += 1
        stats["counts"][what.split(":")[0]] = stats["counts"].get(what.split(":")[0], 0) + 1
        trail.write(f"{time.strftime('%H:%M:%S')} {what}\n")

    def wait_for(predicate, timeout_s=600):
        end = time.time() + timeout_s
        while not predicate() and time.time() < end:
            yield 50

    doing("open")
    window.open_files([args.workbook])
    yield from wait_for(lambda: p.data is not None and not p.running_tasks())
    p.change_settings(p.data.settings.with_(time_limit_s=args.time_limit))
    actions = ["edit", "edit", "plan", "plan", "filter", "filter", "filter", "search", "sort", "tabs",
               "undo", "export", "reopen"]
    while time.time() < deadline:
        action = rng.choice(actions)
        if action == "reopen" and rng.random() < 0.7:
            continue      # rarer: a region workbook takes a while to read
        if action == "edit" and p.data is not None and not p.has_errors:
            table = rng.choice(["capacity", "demand"])
            column = "places" if table == "capacity" else "learners"
            view = window.data_tables.tables[table]
            window.tabs.setCurrentWidget(view)
            position = rng.randrange(len(getattr(p.data, table)))
            old = int(getattr(p.data, table)[column].iloc[position])
            row = view.proxy.proxy_row_of_position(position)
            doing(f"edit: {table} row {position} {column} {old}")
            if row >= 0:
                view.proxy.setData(view.proxy.index(row, view.model.columns.index(column)),
                                   str(max(0, old + rng.choice((-2, -1, 1, 2)))))
        elif action == "undo":
            doing("undo")
            window.actions["undo"].trigger()
        elif action == "plan" and p.data is not None:
            doing("plan")
            p.plan()
            state["doing"] = "planning (progress, results arriving)"
            how = rng.random()
            if how < 0.15:
                yield rng.randrange(200, 3000)
                doing("plan: again while planning")
                p.plan()
            if how < 0.6:
                yield rng.randrange(500, 12000)
                doing("plan: cancel (Esc)")
                p.cancel_plan()
                state["doing"] = "cancelled (the stopped run's results arriving)"
                stats["plans_cancelled"] += 1
            yield from wait_for(lambda: not p.planning and not p.running_tasks())
            if how >= 0.6:
                stats["plans_finished"] += 1
            if "kept the earlier plan" in p.plan_note:
                stats["earlier_plan_kept"] += 1
            state["doing"] = "after a plan"
        elif action == "filter" and p.results is not None:
            _filter_from_a_chart(window, rng, doing)
        elif action == "search" and p.results is not None:
            table = rng.choice([window.results.allocations, window.results.unplaced])
            window.tabs.setCurrentWidget(window.results)
            frame = table.model.frame
            text = str(frame.iloc[rng.randrange(len(frame))][rng.choice(list(frame.columns[:3]))])[:6] if len(frame) else ""
            doing(f"search: {text!r}")
            table.filter_box.setText(text if rng.random() < 0.8 else "")
        elif action == "sort":
            view = rng.choice(list(window.data_tables.tables.values()) + [window.results.allocations])
            window.tabs.setCurrentWidget(view)
            if view.model.columnCount():
                column = rng.randrange(view.model.columnCount())
                doing(f"sort: column {column}")
                view.view.sortByColumn(column, rng.choice(list(Qt.SortOrder)))
        elif action == "tabs":
            doing("tabs")
            window.tabs.setCurrentIndex(rng.randrange(window.tabs.count()))
        elif action == "export" and p.data is not None and not p.planning:
            doing("export")
            task = p.save(export_path, as_project=False)
            yield from wait_for(lambda: task is None or not p.running_tasks())
            stats["exports"] += 1
        elif action == "reopen" and not p.planning:
            doing("reopen")
            p.mark_saved()
            window.open_files([args.workbook])
            yield from wait_for(lambda: p.data is not None and not p.running_tasks())
            p.change_settings(p.data.settings.with_(time_limit_s=args.time_limit))
        else:
            continue
        state["doing"] = "idle"
        yield rng.randrange(100, 1500)     # a person reads the screen


def _filter_from_a_chart(window, rng, doing) -> None:
    source = rng.choice(["region", "ics", "hub", "map", "utilisation", "clear"])
    if source in ("region", "ics", "hub"):
        window.tabs.setCurrentWidget(window.heatmap)
        window.heatmap.level.setCurrentIndex(["region", "ics", "hub"].index(source))
        if window.heatmap.rows and window.heatmap.cols:
            doing(f"filter: heatmap {source}")
            window.heatmap.cell_clicked.emit(rng.choice(window.heatmap.rows), source, rng.choice(window.heatmap.cols))
    elif source == "map":
        window.tabs.setCurrentWidget(window.site_map)
        doing("filter: map site")
        window.site_map.site_clicked.emit(str(rng.choice(list(window.project.data.sites["site_id"]))))
    elif source == "utilisation":
        window.tabs.setCurrentWidget(window.utilisation)
        if len(window.utilisation._frame):
            doing("filter: utilisation bar")
            window.utilisation.click_row(rng.randrange(min(10, len(window.utilisation._frame))))
    else:
        doing("filter: clear")
        window.results.clear_filters()
    window.tabs.setCurrentWidget(window.results)


if __name__ == "__main__":
    sys.exit(main())
