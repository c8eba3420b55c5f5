"""The contract's Journeys rules on the Demand sheet (docs/journeys.md has every choice made here).

Rows sharing a ``journey`` are the same learners' successive placements. ERRORs: rows of a
journey that disagree on hei, profession or learners (naming the journey's first row); windows
that overlap, flex included (both windows as dd/mm/yyyy and both rows); more required settings
than the journey has rows; a required setting that no row of the journey may take (every row
fixed to another setting). WARNINGs: rows giving different required_settings (the journey must
cover all of them: the union); a required setting no Capacity row of the profession offers in
the journey's weeks (the journey cannot be placed; the plan still runs); required_settings on a
row with no journey (ignored); journeys of one row when others have more (a typed id?).
Rows with an ERROR, and every other row of their journey, are left out (all or nothing).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from placement_planner.io.problems import ProblemList
from placement_planner.io.rules import Where, _err, _warn
from placement_planner.names import canonical_setting, did_you_mean

_SAME = ("hei", "profession", "learners")
_WORDS = {"hei": "education provider", "profession": "profession", "learners": "number of learners"}


def settings_list(value) -> list[str]:
    """Required settings as typed (text "a, b; c" or a tuple) -> canonical settings, in order, no repeats."""
    if isinstance(value, (tuple, list)):
        items = [str(v) for v in value]
    elif isinstance(value, str):
        items = value.replace(";", ",").replace("\n", ",").split(",")
    else:
        items = []
    out: list[str] = []
    for item in items:
        text = " ".join(item.split())
        if not text:
            continue
        name = canonical_setting(text)
        if name.casefold() not in {o.casefold() for o in out}:
            out.append(name)
    return out


def _settings_lists(values: list) -> list[list[str]]:
    """``settings_list`` of each value, read once per distinct text (each row gets its own list)."""
    seen: dict[str, list[str]] = {}
    out = []
    for value in values:
        if type(value) is str:
            if value not in seen:
                seen[value] = settings_list(value)
            out.append(list(seen[value]))
        else:
            out.append(settings_list(value))
    return out


def _fold(text: str) -> str:
    return str(text).strip().lower()


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value).strip()


def _window(start: pd.Timestamp, weeks: int, flex: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First Monday and last Friday a row may occupy, flex included."""
    monday = start - pd.Timedelta(days=int(start.day_of_week))
    first = monday - pd.Timedelta(weeks=flex)
    last = monday + pd.Timedelta(weeks=int(weeks) - 1 + flex, days=4)
    return first, last


def _span(first: pd.Timestamp, last: pd.Timestamp) -> str:
    return f"{first:%d/%m/%Y} to {last:%d/%m/%Y}"


def check_journeys(frame: pd.DataFrame, bad: np.ndarray, capacity: pd.DataFrame | None, where: Where,
                   problems: ProblemList) -> np.ndarray:
    """Check every journey of a typed (or built) Demand frame; returns the rows to leave out.

    ``bad`` marks rows that already have an ERROR (they are not compared again, but their
    journey is left out with them). ``frame["required_settings"]`` is rewritten as the
    canonical settings joined by ", " (text) when it was text, as ``setting`` is canonicalised.
    """
    n = len(frame)
    out = np.zeros(n, dtype=bool)
    if "journey" not in frame.columns or not n:
        return out
    journeys = [_text(j) for j in frame["journey"].tolist()]
    required = _settings_lists(frame["required_settings"].tolist()) \
        if "required_settings" in frame.columns else [[] for _ in range(n)]
    if "required_settings" in frame.columns and all(isinstance(v, str) for v in frame["required_settings"].tolist()):
        frame["required_settings"] = [", ".join(r) for r in required]
    rows = frame["row"].to_numpy()
    _loose_required(journeys, required, rows, where, problems)
    members: dict[str, list[int]] = {}
    for i, j in enumerate(journeys):
        if j:
            members.setdefault(j, []).append(i)
    offered = _offered(capacity) if members else None   # only journeys' required settings need it
    for journey, idx in members.items():
        mine = np.zeros(n, dtype=bool)
        mine[idx] = True
        usable = [i for i in idx if not bad[i]]
        wrong = _disagree(frame, journey, usable, where, problems)
        wrong |= _overlaps(frame, journey, [i for i in usable if i not in wrong], where, problems)
        wrong |= _required(frame, journey, usable, required, offered, where, problems)
        if wrong or len(usable) < len(idx):
            out |= mine
    _single_rows(members, rows, where, problems)
    return out


def _loose_required(journeys, required, rows, where, problems) -> None:
    loose = [i for i, (j, r) in enumerate(zip(journeys, required)) if r and not j]
    if loose:
        i = loose[0]
        more = f" ({len(loose)} rows, the first shown)" if len(loose) > 1 else ""
        _warn(problems, where, rows[i], "required_settings",
              f"{where.h('required_settings')} is given on a row with no {where.h('journey')}, so it is not "
              f"used{more}: it says which settings a journey's placements must cover together. Give the row a "
              f"{where.h('journey')}, or put a single setting in {where.h('setting')}.", ", ".join(required[i]))


def _disagree(frame, journey, idx, where, problems) -> set[int]:
    wrong: set[int] = set()
    if len(idx) < 2:
        return wrong
    first = idx[0]
    first_row = int(frame["row"].iat[first])
    for column in _SAME:
        expected = frame[column].iat[first]
        for i in idx[1:]:
            value = frame[column].iat[i]
            if value != expected and not (pd.isna(value) and pd.isna(expected)):
                shown = f"{value:g}" if isinstance(value, (int, float, np.number)) else value
                was = f"{expected:g}" if isinstance(expected, (int, float, np.number)) else expected
                _err(problems, where, frame["row"].iat[i], column,
                     f"Journey '{journey}' has {where.h(column)} '{shown}' here but '{was}' on row {first_row}. "
                     f"The rows of a journey are the same learners' successive placements, so they need the "
                     f"same {_WORDS[column]}: correct one, or give this row another {where.h('journey')}.",
                     shown)
                wrong.add(i)
    return wrong


def _overlaps(frame, journey, idx, where, problems) -> set[int]:
    wrong: set[int] = set()
    windows = []
    for i in idx:
        start = frame["start_date"].iat[i]
        weeks, flex = frame["weeks"].iat[i], frame["flex_weeks"].iat[i]
        if pd.isna(start) or pd.isna(weeks):
            continue
        flex = 0 if pd.isna(flex) else int(flex)
        windows.append((*_window(pd.Timestamp(start), int(weeks), flex), i, flex))
    windows.sort(key=lambda w: (w[0], w[1]))
    latest = None      # the window reaching furthest so far
    for first, last, i, flex in windows:
        if latest is not None and first <= latest[1]:
            other_first, other_last, j, other_flex = latest
            _err(problems, where, frame["row"].iat[i], "start_date",
                 f"Journey '{journey}': this placement ({_span(first, last)}{_flex(flex)}) overlaps the one on "
                 f"row {int(frame['row'].iat[j])} ({_span(other_first, other_last)}{_flex(other_flex)}). The "
                 f"same learners cannot be on two placements at once: move a {where.h('start_date')}, shorten "
                 f"{where.h('weeks')} or reduce {where.h('flex_weeks')}.",
                 f"{pd.Timestamp(frame['start_date'].iat[i]):%d/%m/%Y}")
            wrong.add(i)
        if latest is None or last > latest[1]:
            latest = (first, last, i, flex)
    return wrong


def first_overlap(frame: pd.DataFrame, journeys) -> tuple[str, str] | None:
    """(journey, "'A' (dd/mm/yyyy to dd/mm/yyyy) and 'B' (...)") for the first two rows of one of
    ``journeys`` whose windows overlap, flex included; None when none do (scenario changes)."""
    mine = frame[frame["journey"].isin(set(journeys))]
    for journey, rows in mine.groupby("journey", sort=False):
        windows = sorted((*_window(pd.Timestamp(s), int(w), int(f)), d)
                         for s, w, f, d in zip(rows["start_date"], rows["weeks"], rows["flex_weeks"],
                                               rows["demand_id"]))
        for (a0, a1, da), (b0, b1, db) in zip(windows, windows[1:]):
            if b0 <= a1:
                return str(journey), f"'{da}' ({_span(a0, a1)}) and '{db}' ({_span(b0, b1)})"
    return None


def _flex(flex: int) -> str:
    return f", flex {flex} week{'s' if flex != 1 else ''} either side included" if flex else ""


def _offered(capacity: pd.DataFrame | None) -> dict[tuple[str, str], list[tuple[pd.Timestamp, pd.Timestamp]]]:
    """(profession, folded setting) -> the date ranges Capacity offers places in; None = not checked."""
    if capacity is None:
        return None
    out: dict[tuple[str, str], list] = {}
    cap = capacity[capacity["places"] > 0] if "places" in capacity else capacity
    for prof, setting, start, end in zip(cap["profession"], cap["setting"], cap["start_date"], cap["end_date"]):
        if pd.notna(start) and pd.notna(end):
            monday = pd.Timestamp(start) - pd.Timedelta(days=int(pd.Timestamp(start).day_of_week))
            out.setdefault((prof, _fold(setting)), []).append((monday, pd.Timestamp(end) + pd.Timedelta(days=6)))
    return out


def _required(frame, journey, idx, required, offered, where, problems) -> set[int]:
    given = [i for i in idx if required[i]]
    if not given:
        return set()
    union: list[str] = []
    for i in given:
        union += [s for s in required[i] if _fold(s) not in map(_fold, union)]
    first = given[0]
    lists = {tuple(sorted(map(_fold, required[i]))) for i in given}
    if len(lists) > 1:
        rows = ", ".join(str(int(frame["row"].iat[i])) for i in given)
        _warn(problems, where, frame["row"].iat[given[-1]], "required_settings",
              f"Journey '{journey}' lists different {where.h('required_settings')} on rows {rows}; the journey "
              f"must cover all of them: {', '.join(union)}. If that is not meant, give the same list on every "
              f"row (or on one row only).", ", ".join(required[given[-1]]))
    if len(union) > len(idx):
        _err(problems, where, frame["row"].iat[first], "required_settings",
             f"Journey '{journey}' must cover {len(union)} settings ({', '.join(union)}) but has only {len(idx)} "
             f"placement{'s' if len(idx) != 1 else ''}, and each placement is in one setting. Add placements to "
             f"the journey or remove settings.", ", ".join(required[first]))
        return {first}
    wrong: set[int] = set()
    profession = frame["profession"].iat[idx[0]]
    for setting in union:
        key = _fold(setting)
        may = [i for i in idx if not frame["setting"].iat[i] or _fold(frame["setting"].iat[i]) == key]
        if not may:
            fixed = ", ".join(f"'{frame['setting'].iat[i]}' (row {int(frame['row'].iat[i])})" for i in idx)
            _err(problems, where, frame["row"].iat[first], "required_settings",
                 f"Journey '{journey}' must cover '{setting}', but every placement of it has another "
                 f"{where.h('setting')}: {fixed}. Clear the {where.h('setting')} of one placement (or set it to "
                 f"'{setting}'), or remove '{setting}' from {where.h('required_settings')}.", setting)
            wrong.add(first)
        elif offered is not None and not _any_offer(frame, may, offered.get((profession, key), [])):
            known = sorted({s for (p, s) in offered if p == profession and s})
            guess = did_you_mean(setting, known, cutoff=0.75)
            tip = f" Did you mean '{guess}'?" if guess and _fold(guess) != key else ""
            _warn(problems, where, frame["row"].iat[first], "required_settings",
                  f"Journey '{journey}' must cover '{setting}', but no Capacity row offers {profession} places "
                  f"in a '{setting}' setting in the weeks of its placements, so the journey cannot be placed."
                  f"{tip} Add such places, or correct {where.h('required_settings')}.", setting)
    return wrong


def _any_offer(frame, idx, ranges) -> bool:
    for i in idx:
        start = frame["start_date"].iat[i]
        if pd.isna(start):
            continue
        flex = frame["flex_weeks"].iat[i]
        first, last = _window(pd.Timestamp(start), int(frame["weeks"].iat[i]), 0 if pd.isna(flex) else int(flex))
        if any(a <= last and first <= b for a, b in ranges):
            return True
    return False


def _single_rows(members: dict[str, list[int]], rows, where, problems) -> None:
    """Journeys of one row are allowed; where other journeys have several, one WARNING per sheet."""
    single = [j for j, idx in members.items() if len(idx) == 1]
    longer = [j for j, idx in members.items() if len(idx) > 1]
    if not single or not longer:
        return
    journey = single[0]
    guess = did_you_mean(journey, longer, cutoff=0.7)
    tip = f" Did you mean '{guess}'?" if guess else ""
    more = f" ({len(single)} journeys have one row, the first shown)" if len(single) > 1 else ""
    _warn(problems, where, rows[members[journey][0]], "journey",
          f"Journey '{journey}' has only this row{more}, while other journeys have several placements.{tip} "
          f"Check the {where.h('journey')} is typed as on its other rows; a journey of one row is planned as "
          f"one placement.", journey)
