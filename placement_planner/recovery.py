"""Never lose work: a journal of every edit, written at once, and recovery after a crash.

Each running app keeps ``journal-<pid>.jsonl`` in the user data folder: a header naming the
input files (with their size and modification time), then one line per change (a cell's
new value, new settings, a finished plan), each flushed to disk before the app goes on.
After a hard kill the next start finds the journal of a process that is no longer running,
reloads the same files (when they are unchanged) and replays the lines. Qt-free, so the
core can test it without a display.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from placement_planner.domain import Plan, PlanStatus, Settings, Tier
from placement_planner.logs import user_data_dir

JOURNAL_GLOB = "journal-*.jsonl"


def recovery_dir() -> Path:
    return private_dir(user_data_dir() / "recovery")


def private_dir(path: Path) -> Path:
    """A folder only the user can enter (0700 on Linux and macOS): it holds learner data."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        os.chmod(path, 0o700)
    return path


def private_opener(path, flags: int) -> int:
    """``open(..., opener=private_opener)``: a new file readable by the user alone (0600)."""
    fd = os.open(path, flags, 0o600)
    if os.name == "posix":
        os.fchmod(fd, 0o600)    # a file that already existed keeps its old mode otherwise
    return fd


def make_private(path) -> None:
    """Restrict an existing file to the user (0600); nothing to do on Windows."""
    if os.name == "posix":
        try:
            os.chmod(path, 0o600)
        except OSError:
            pass


def pid_alive(pid: int) -> bool:
    """Is a process with this id running? (Never signals it: os.kill(pid, 0) is Ctrl+C on Windows.)"""
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)   # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        ok = kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return bool(ok) and code.value == 259                # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _stamp(path: str) -> list:
    try:
        st = Path(path).stat()
    except OSError:
        return [path, None, None]
    return [path, st.st_size, st.st_mtime_ns]


def _json_value(value):
    if isinstance(value, (pd.Timestamp, dt.date)):
        return {"date": pd.Timestamp(value).strftime("%Y-%m-%d")}
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(float(value)) else float(value)
    return value


def _typed_value(value):
    if isinstance(value, dict) and "date" in value:
        return pd.Timestamp(value["date"])
    return float("nan") if value is None else value


class Journal:
    """The running app's journal. Every ``record_*`` call is on disk when it returns."""

    def __init__(self, folder: Path | None = None, pid: int | None = None) -> None:
        self.folder = folder or recovery_dir()
        self.pid = pid or os.getpid()
        self.path = self.folder / f"journal-{self.pid}.jsonl"
        self.plan_path = self.folder / f"journal-{self.pid}-plan.csv"
        self.journeys_path = self.folder / f"journal-{self.pid}-journeys.csv"   # the plan's learner paths
        self._lock = threading.Lock()       # a plan is recorded from the planning thread

    def start(self, paths: list[str]) -> None:
        """A new base: the files just opened (or the project just saved); earlier lines go."""
        self.plan_path.unlink(missing_ok=True)
        self.journeys_path.unlink(missing_ok=True)
        self._write([{"kind": "open", "files": [_stamp(p) for p in paths]}], mode="w")

    def record_cell(self, table: str, position: int, column: str, value) -> None:
        self._write([{"kind": "cell", "table": table, "position": int(position), "column": column,
                      "value": _json_value(value)}])

    def record_settings(self, settings: Settings) -> None:
        self._write([{"kind": "settings", "default_max_travel_km": settings.default_max_travel_km,
                      "time_limit_s": settings.time_limit_s, "threads": settings.threads,
                      "tiers": [t.value for t in settings.tiers],
                      "profession_weights": settings.profession_weights, "extra": settings.extra}])

    def record_scenarios(self, rows: list[dict]) -> None:
        """Every what-if change, as the Scenarios sheet holds them (the latest list wins)."""
        self._write([{"kind": "scenarios", "rows": [{k: _json_value(v) for k, v in r.items()} for r in rows]}])

    def record_plan(self, plan: Plan) -> None:
        """The finished plan's allocations beside the journal (written atomically)."""
        tmp = self.plan_path.with_name(f"{self.plan_path.stem}-{threading.get_ident()}.tmp")
        with open(tmp, "w", encoding="utf-8", newline="", opener=private_opener) as fh:
            plan.allocations.to_csv(fh, index=False)
            fh.flush()
            os.fsync(fh.fileno())
        paths = getattr(plan, "journeys", None)
        jtmp = self.journeys_path.with_name(f"{self.journeys_path.stem}-{threading.get_ident()}.tmp")
        if paths is not None and len(paths):
            with open(jtmp, "w", encoding="utf-8", newline="", opener=private_opener) as fh:
                paths.to_csv(fh, index=False)
                fh.flush()
                os.fsync(fh.fileno())
        with self._lock:
            os.replace(tmp, self.plan_path)
            if paths is not None and len(paths):
                os.replace(jtmp, self.journeys_path)
            else:
                self.journeys_path.unlink(missing_ok=True)
        self._write([{"kind": "plan", "status": plan.status.value, "bound": _json_value(plan.bound),
                      "gap": _json_value(plan.gap), "solve_seconds": plan.solve_seconds,
                      "tier_values": plan.tier_values}])

    def close(self) -> None:
        """A clean exit: nothing to recover."""
        self.path.unlink(missing_ok=True)
        self.plan_path.unlink(missing_ok=True)
        self.journeys_path.unlink(missing_ok=True)

    def _write(self, lines: list[dict], mode: str = "a") -> None:
        private_dir(self.folder)
        with self._lock, open(self.path, mode, encoding="utf-8", opener=private_opener) as fh:
            for line in lines:
                fh.write(json.dumps(line) + "\n")
            fh.flush()
            os.fsync(fh.fileno())


@dataclass
class Recovery:
    """What a crashed session left: its files, its changes in order, its last finished plan."""

    journal: Path
    files: list[str]
    files_unchanged: bool
    cells: list[tuple[str, int, str, object]] = field(default_factory=list)
    settings: Settings | None = None
    plan: Plan | None = None
    scenarios: list[dict] | None = None     # the Scenarios sheet's rows, when changed

    @property
    def n_changes(self) -> int:
        return len(self.cells) + (self.settings is not None) + (self.scenarios is not None)

    def discard(self) -> None:
        self.journal.unlink(missing_ok=True)
        self.journal.with_name(self.journal.stem + "-plan.csv").unlink(missing_ok=True)
        self.journal.with_name(self.journal.stem + "-journeys.csv").unlink(missing_ok=True)


def find_recoveries(folder: Path | None = None) -> list[Recovery]:
    """Journals of processes that are no longer running, newest first."""
    folder = folder or recovery_dir()
    found = []
    for path in folder.glob(JOURNAL_GLOB):
        try:
            pid = int(path.stem.split("-", 1)[1])
        except ValueError:
            continue
        if pid_alive(pid):
            continue
        recovery = read_journal(path)
        if recovery is not None:
            found.append(recovery)
    return sorted(found, key=lambda r: r.journal.stat().st_mtime, reverse=True)


def read_journal(path: Path) -> Recovery | None:
    """Parse a journal; a line cut short by the crash (the last one) is ignored."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    lines = []
    for raw in text.splitlines():
        try:
            lines.append(json.loads(raw))
        except json.JSONDecodeError:
            break
    if not lines or lines[0].get("kind") != "open":
        return None
    files = [f[0] for f in lines[0]["files"]]
    unchanged = all(_stamp(f[0]) == list(f) for f in lines[0]["files"])
    recovery = Recovery(path, files, unchanged)
    for line in lines[1:]:
        if line["kind"] == "cell":
            recovery.cells.append((line["table"], line["position"], line["column"], _typed_value(line["value"])))
        elif line["kind"] == "settings":
            recovery.settings = Settings(
                default_max_travel_km=line["default_max_travel_km"], time_limit_s=line["time_limit_s"],
                threads=line["threads"], tiers=tuple(Tier(t) for t in line["tiers"]),
                profession_weights=line["profession_weights"], extra=line["extra"])
        elif line["kind"] == "plan":
            recovery.plan = _read_plan(path.with_name(path.stem + "-plan.csv"), line)
        elif line["kind"] == "scenarios":
            recovery.scenarios = [{k: _typed_value(v) for k, v in r.items()} for r in line["rows"]]
    return recovery


def _read_plan(csv_path: Path, meta: dict) -> Plan | None:
    try:
        allocations = pd.read_csv(csv_path, dtype={"demand_id": str, "site_id": str, "setting": str},
                                  keep_default_na=False)
    except (OSError, ValueError):
        return None
    allocations["start_week"] = allocations["start_week"].astype(np.int64)
    allocations["learners"] = allocations["learners"].astype(np.int64)
    allocations["locked"] = allocations["locked"].astype(str).str.lower().eq("true")
    plan = Plan(allocations, PlanStatus(meta["status"]), meta.get("tier_values", {}),
                _typed_value(meta.get("bound")), _typed_value(meta.get("gap")), meta.get("solve_seconds", 0.0),
                ["Recovered after the planner closed unexpectedly."])
    journeys_csv = csv_path.with_name(csv_path.name.replace("-plan.csv", "-journeys.csv"))
    if journeys_csv.is_file():      # the learner paths of a plan with journeys (issue 13)
        try:
            paths = pd.read_csv(journeys_csv, dtype={"journey": str, "demand_id": str, "site_id": str,
                                                     "setting": str}, keep_default_na=False)
            plan.journeys = paths.astype({"learner": np.int64, "start_week": np.int64, "weeks": np.int64})
        except (OSError, ValueError, KeyError):
            pass
    return plan
