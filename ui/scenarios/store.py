"""The app's what-if scenarios: their changes (undoable, saved in the project's Scenarios sheet,
journalled for crash recovery) and their planned outcomes.

Every change goes through the project's undo stack as one ``StoreCommand`` holding the whole
list before and after (scenarios are a few dozen rows: snapshots are cheap and exact).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand

from placement_planner.io.problems import ProblemList
from placement_planner.io.rules import Where
from placement_planner.io.schema import SCENARIOS
from placement_planner.scenarios import SHEET_COLUMNS, Change, ScenarioBook, changes_frame, check_changes
from placement_planner.scenarios.changes import read_scenarios

SHEET = "Scenarios"
State = dict   # scenario name -> tuple of Change, in order


class StoreCommand(QUndoCommand):
    def __init__(self, store: "ScenarioStore", before: State, after: State, text: str) -> None:
        super().__init__(text)
        self.store, self.before, self.after = store, before, after

    def redo(self) -> None:
        self.store._set_state(self.after)

    def undo(self) -> None:
        self.store._set_state(self.before)


def typed_scenarios(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    """A Scenarios sheet as loaded (the user's headers) or as the planner writes it, typed."""
    if frame is None or not len(frame.columns):
        return None
    names = {}
    for col in frame.columns:
        match = SCENARIOS.match(col)
        if match is not None and match.name not in names.values():
            names[col] = match.name
    out = frame[list(names)].rename(columns=names).copy()
    for col in SHEET_COLUMNS:
        if col not in out:
            out[col] = None
    for col in ("from_date", "to_date"):
        out[col] = pd.to_datetime(out[col], errors="coerce", dayfirst=True)
    out["value"] = pd.to_numeric(out["value"], errors="coerce")
    for col in SHEET_COLUMNS:
        if col not in ("from_date", "to_date", "value"):
            out[col] = out[col].map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip())
    out["row"] = np.arange(len(out)) + 2
    return out[out["scenario"] != ""].reset_index(drop=True)


class ScenarioStore(QObject):
    changed = Signal()            # the scenarios or their changes
    outcomes_changed = Signal()   # planned results added, cleared or made stale
    busy_changed = Signal(bool)
    progressed = Signal(object)   # ProgressState
    message = Signal(str)

    def __init__(self, project, parent=None) -> None:
        super().__init__(parent or project)
        self.project = project
        self.scenarios: State = {}
        self.outcomes: dict = {}          # name -> Outcome (placement_planner.scenarios.plan)
        self.baseline = None              # the baseline's Outcome
        self.children = True              # plan in the app's planning child (tests: in-process)
        self.current = ""                 # the scenario chosen in the panel
        self._task = None
        project.loaded.connect(self._load)
        project.edited.connect(lambda _edit: self._clear_outcomes())

    # ---- reading -------------------------------------------------------------------------
    def _load(self) -> None:
        data = self.project.data
        self.scenarios = {}
        if data is not None:
            frame = typed_scenarios(data.source_sheets.get(SHEET))
            if frame is not None and len(frame):
                book = read_scenarios(frame, None, data, Where(SHEET), ProblemList())
                self.scenarios = {n: tuple(v) for n, v in book.changes.items()}
        self._clear_outcomes()
        self.changed.emit()

    @property
    def names(self) -> list[str]:
        return list(self.scenarios)

    def problems(self, name: str) -> list:
        """Problems in one scenario's changes (the importer's rules)."""
        if self.project.data is None or name not in self.scenarios:
            return []
        return list(check_changes(list(self.scenarios[name]), self.project.data))

    # ---- changing (undoable) -------------------------------------------------------------
    def _push(self, after: State, text: str) -> None:
        if self.project.data is None:
            self.message.emit("Open a supply and a demand workbook first.")
            return
        self.project.undo_stack.push(StoreCommand(self, dict(self.scenarios), after, text))

    def new_name(self, stem: str = "Scenario") -> str:
        i = 1
        while f"{stem} {i}" in self.scenarios:
            i += 1
        return f"{stem} {i}"

    def add_scenario(self, name: str | None = None) -> str:
        name = name or self.new_name()
        if name not in self.scenarios:
            self._push({**self.scenarios, name: ()}, f"new scenario {name}")
        return name

    def add_change(self, name: str, change: Change) -> None:
        change = dataclasses.replace(change, scenario=name, row=0)
        after = dict(self.scenarios)
        after[name] = tuple(after.get(name, ())) + (change,)
        self._push(after, f"{change.change} in {name}")

    def set_change(self, name: str, index: int, change: Change) -> None:
        items = list(self.scenarios[name])
        items[index] = dataclasses.replace(change, scenario=name)
        self._push({**self.scenarios, name: tuple(items)}, f"edit change in {name}")

    def remove_change(self, name: str, index: int) -> None:
        items = list(self.scenarios[name])
        del items[index]
        self._push({**self.scenarios, name: tuple(items)}, f"remove change from {name}")

    def duplicate(self, name: str) -> str:
        copy = self.new_name(f"{name} copy")
        copy = copy if not copy.endswith(" 1") else f"{name} copy"
        changes = tuple(dataclasses.replace(c, scenario=copy) for c in self.scenarios[name])
        after = {}
        for n, v in self.scenarios.items():
            after[n] = v
            if n == name:
                after[copy] = changes
        self._push(after, f"duplicate {name}")
        return copy

    def rename(self, old: str, new: str) -> bool:
        new = new.strip()
        if not new or new == old or new in self.scenarios:
            return False
        after = {(new if n == old else n): tuple(dataclasses.replace(c, scenario=new) for c in v) if n == old else v
                 for n, v in self.scenarios.items()}
        self._push(after, f"rename {old} to {new}")
        return True

    def delete(self, name: str) -> None:
        self._push({n: v for n, v in self.scenarios.items() if n != name}, f"delete {name}")

    def _set_state(self, state: State) -> None:
        for name in list(self.outcomes):
            if state.get(name) != self.scenarios.get(name):
                del self.outcomes[name]
        self.scenarios = dict(state)
        data = self.project.data
        if data is not None:
            frame = changes_frame([c for v in state.values() for c in v])
            data.source_sheets[SHEET] = frame            # saved with the project
            self.project.journal.record_scenarios(_journal_rows(frame))
        self.changed.emit()
        self.outcomes_changed.emit()

    # ---- planning ------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._task is not None

    def plan(self, names: list[str]):
        """Plan these scenarios (and the baseline when no current plan is shown) off the GUI thread."""
        from placement_planner.scenarios.compare import plan_all
        from placement_planner.scenarios.plan import BASELINE, measure
        from placement_planner.ui import core
        from placement_planner.ui.plan_child import plan_in_child

        p = self.project
        if p.data is None or self.busy:
            return None
        if p.has_errors:
            self.message.emit("Fix the errors listed under Problems before planning scenarios.")
            return None
        bad = [n for n in names if any(x.is_error for x in self.problems(n))]
        if bad:
            self.message.emit(f"Scenario '{bad[0]}' has a change that cannot be used: fix it first.")
            return None
        data = core.snapshot(p.data)
        shown = p.results.plan if p.results is not None and not p.plan_stale else None
        baseline = self.baseline if self.baseline is not None and shown is not None \
            and self.baseline.plan is shown else None
        book = ScenarioBook(changes={n: list(self.scenarios[n]) for n in names})
        children, planner = self.children, p.planner

        def work(progress):
            base = baseline
            if base is None:
                plan = shown
                if plan is None:
                    progress.report("planning the baseline", fraction=0.0)
                    plan = (planner if not children else plan_in_child)(data, progress).plan
                base = measure(BASELINE, data, plan, data.previous, data.demand)
            if progress.cancelled:
                return [base]
            return plan_all(data, book, names, baseline=base, progress=progress, children=children)

        task = p._start(work, "scenarios", 100)
        task.progressed.connect(self.progressed)
        task.finished.connect(self._planned)
        task.failed.connect(lambda msg, _: self._failed(msg))
        self._task = task
        self.busy_changed.emit(True)
        return task

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def _planned(self, outcomes) -> None:
        self._task = None
        self.baseline = outcomes[0]
        for out in outcomes[1:]:
            if out.name in self.scenarios:
                self.outcomes[out.name] = out
        self.busy_changed.emit(False)
        self.outcomes_changed.emit()
        done = len(outcomes) - 1
        failed = [o for o in outcomes[1:] if o.summary.get("status") in ("infeasible", "error")]
        if failed:
            first = failed[0]
            why = " ".join(first.plan.messages[:2]) or "no plan could be made"
            self.message.emit(f"Planned {done} scenario(s); '{first.name}' has no plan: {why}")
        else:
            self.message.emit(f"Planned {done} scenario(s)." if done else "Scenario planning was cancelled.")

    def _failed(self, message: str) -> None:
        self._task = None
        self.busy_changed.emit(False)
        self.message.emit(f"Scenario planning stopped: {message}")

    def _clear_outcomes(self) -> None:
        if self.outcomes or self.baseline is not None:
            self.outcomes, self.baseline = {}, None
            self.outcomes_changed.emit()


def _journal_rows(frame: pd.DataFrame) -> list[dict]:
    rows = []
    for rec in frame.to_dict("records"):
        rows.append({k: (None if v is pd.NaT or (isinstance(v, float) and np.isnan(v)) else v)
                     for k, v in rec.items()})
    return rows
