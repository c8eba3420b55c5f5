"""Turn raw cells into typed columns, vectorised; every cell that does not parse is flagged.

Each parser takes an object Series of cells as read and returns (values, bad) where
``bad`` marks cells that hold something but not a valid value of the kind. Blank cells
(None, "", whitespace) are never bad here; whether a blank is allowed is the schema's call.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

# Excel's 1900 date system (with its 1900 leap-year bug, day 60): serial 1 = 1900-01-01.
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_SERIAL_RANGE = (32874, 73051)   # 1990-01-01 .. 2099-12-31: a number outside is not a date here
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
_MONTHS.update({"sept": 9, "june": 6, "july": 7})


def is_blank(series: pd.Series) -> np.ndarray:
    """None, NaN, NaT and "" (sheets are read with whitespace-only cells already made "")."""
    arr = series.to_numpy(dtype=object)
    return pd.isna(arr) | (arr == "")


def cell_text(value) -> str:
    """A cell as text the way the user sees it: 12.0 -> '12', dates -> dd/mm/yyyy, trimmed."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value).strip()


def parse_text(series: pd.Series) -> pd.Series:
    """``cell_text`` of every cell. A column of text and blanks (the usual case) is trimmed once
    per distinct text, not once per cell."""
    cells = series.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(cells, skipna=True) in ("string", "empty"):
        missing = pd.isna(cells)
        # infer_dtype skips every missing kind; cell_text makes "" of None and NaN only
        if all(v is None or type(v) is float for v in cells[missing].tolist()):
            codes, uniques = pd.factorize(cells)
            trimmed = np.array([v.strip() for v in uniques.tolist()] + [""], dtype=object)
            return pd.Series(trimmed[codes], index=series.index, dtype=object)
    return pd.Series([cell_text(v) for v in series], index=series.index, dtype=object)


# ---- numbers as typed --------------------------------------------------------------------
# One reader serves the importer (whole columns, below) and the app's edit boxes (one cell).
# A unit is converted only where that is unambiguous, with a warning that shows the result;
# a comma that could be a decimal comma or a thousands separator is an error giving both.

KM_PER_MILE = 1.609344
_NUMBER = re.compile(r"^([+-]?(?:\d[\d,.]*|\.\d+))\s*([^\d\s][^\d]*?)?\.?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")        # 1,500 / 12,345.5
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")                         # 1,5 / 12,75 / 1,500
_SCIENTIFIC = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+$")        # 1.5E+01 (CSV exports)
_DOT_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:\.\d{3})+$")               # 1.500 (European thousands)
# Units a column takes as they are (nothing to convert): unit family -> spellings.
_SAME_UNIT = {
    "km": {"km", "kms", "k", "kilometre", "kilometres", "kilometer", "kilometers"},
    "weeks": {"w", "wk", "wks", "week", "weeks"},
    "learners": {"learner", "learners", "student", "students", "people"},
    "places": {"place", "places"},
    "seconds": {"s", "sec", "secs", "second", "seconds"},
}
_MILES = {"mi", "mile", "miles"}
_METRES = {"metre", "metres", "meter", "meters"}


@dataclass(frozen=True)
class Reading:
    """One cell read: the value (None when blank or unreadable), an error or a warning."""

    value: object = None
    error: str = ""
    warning: str = ""


def _fmt(x: float) -> str:
    """A number in a message: no thousands commas (they are what the message is about)."""
    return f"{x:.3f}".rstrip("0").rstrip(".") if not float(x).is_integer() else f"{int(x)}"


def read_number(cell, what: str = "this column", whole: bool = False, unit: str = "") -> Reading:
    """A number as a coordinator typed it, for a column in ``unit`` ("km", "weeks", ... or "").

    ``30 km`` in a km column is 30; ``30 miles`` is 48.28 with a warning; ``30 m`` (metres or
    miles?) is an error. ``1,500`` is 1,500 in a whole-number column (1.5 is not whole) and
    an error elsewhere; ``1,5`` is always an error naming both readings (1.5 or 15).
    """
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return Reading()
    if isinstance(cell, bool):
        return Reading(error=f"'{cell_text(cell)}' in {what} is not a number.")
    if isinstance(cell, (int, float, np.integer, np.floating)):
        return _checked(float(cell), str(cell_text(cell)), what, whole)
    text = str(cell).replace("\u00a0", " ").strip()
    if not text:
        return Reading()
    if _SCIENTIFIC.match(text):
        return _checked(float(text), text, what, whole)
    match = _NUMBER.match(text)
    if not match:
        return Reading(error=_not_a_number(text, what, whole))
    digits, typed_unit = match[1], (match[2] or "").strip().lower().rstrip(".")
    value, error = _digits(digits, text, what, whole)
    if error:
        return Reading(error=error)
    if not typed_unit:
        return _checked(value, text, what, whole)
    if typed_unit in _SAME_UNIT.get(unit, ()):
        return _checked(value, text, what, whole)
    if unit == "km" and typed_unit in _MILES:
        km = round(value * KM_PER_MILE, 2)
        checked = _checked(km, text, what, whole)
        return Reading(checked.value, checked.error,
                       "" if checked.error else f"'{text}' in {what} was read as {_fmt(km)} km "
                                                f"(1 mile = 1.609344 km).")
    if unit == "km" and typed_unit in _METRES:
        km = round(value / 1000.0, 3)
        checked = _checked(km, text, what, whole)
        return Reading(checked.value, checked.error,
                       "" if checked.error else f"'{text}' in {what} was read as {_fmt(km)} km.")
    if unit == "km" and typed_unit == "m":
        return Reading(error=f"'{text}' in {what} is ambiguous: {_fmt(value)} metres ({_fmt(value / 1000)} km) "
                             f"or {_fmt(value)} miles ({_fmt(round(value * KM_PER_MILE, 2))} km)? "
                             f"Type the distance in km.")
    if typed_unit == "%":
        return Reading(error=f"'{text}' in {what} is a percentage; type a plain number "
                             f"(for example {_fmt(value / 100)} for {text}).")
    wanted = f" in {unit}" if unit in _SAME_UNIT else ""
    return Reading(error=f"'{text}' in {what} has a unit ('{match[2].strip()}') that cannot be used here; "
                         f"type the number{wanted} only.")


def _digits(digits: str, text: str, what: str, whole: bool) -> tuple[float, str]:
    """The number in ``digits`` (commas and dots as typed), or an error sentence."""
    if "," in digits:
        if _GROUPED.match(digits) and ("." in digits or whole):
            return float(digits.replace(",", "")), ""       # thousands grouping, unambiguous here
        if _DECIMAL_COMMA.match(digits):
            comma = float(digits.replace(",", "."))
            grouped = float(digits.replace(",", ""))
            return 0.0, (f"'{text}' in {what} is ambiguous: {_fmt(comma)} (a decimal comma) or "
                         f"{_fmt(grouped)} (a thousands comma)? Type {_fmt(comma)} or {_fmt(grouped)} "
                         f"without the comma.")
        return 0.0, f"'{text}' in {what} is not a number (commas can only separate thousands, as in 1,500)."
    if whole and _DOT_GROUPED.match(digits):
        return 0.0, (f"'{text}' in {what} is ambiguous: {_fmt(float(digits))} is not a whole number; if the dot "
                     f"separates thousands, type {_fmt(float(digits.replace('.', '')))} without it.")
    try:
        return float(digits), ""
    except ValueError:
        return 0.0, _not_a_number(text, what, whole)


def _not_a_number(text: str, what: str, whole: bool) -> str:
    if whole:
        return f"'{text}' in {what} is not a whole number. Enter a whole number such as 4."
    return f"'{text}' in {what} is not a number."


def _checked(value: float, text: str, what: str, whole: bool) -> Reading:
    if not math.isfinite(value):
        return Reading(error=_not_a_number(text, what, whole))
    if whole and not float(value).is_integer():
        return Reading(error=f"'{text}' in {what} is not a whole number. Enter a whole number such as 4.")
    if whole and abs(value) >= WHOLE_LIMIT:
        # counts are held as 64-bit integers: 9.2e18 wrapped round to a negative number of places
        return Reading(error=f"'{text}' in {what} is too large for a count. Enter a whole number "
                             f"below {WHOLE_LIMIT:,}.")
    return Reading(value=float(value))


# Whole-number columns are counts (places, learners, weeks): far below this, and a value at or
# above it is an error rather than a number that overflows later.
WHOLE_LIMIT = 10**9


_NUMERIC_TYPES = frozenset({int, float, np.float64, np.int64})


def read_numbers(series: pd.Series, what: str = "this column", whole: bool = False,
                 unit: str = "") -> tuple[pd.Series, np.ndarray, dict[int, Reading]]:
    """``read_number`` over a column: values (NaN for blank or bad), a bad mask, and the
    Reading of every cell with an error or a warning, by position."""
    raw = series.to_numpy(dtype=object)
    values = np.full(len(raw), np.nan)
    bad = np.zeros(len(raw), dtype=bool)
    notes: dict[int, Reading] = {}
    is_num = np.fromiter(map(_NUMERIC_TYPES.__contains__, map(type, raw)), dtype=bool, count=len(raw))
    if is_num.any():   # the common case, vectorised: numeric cells need no reading
        nums = raw[is_num].astype(float)
        ok = np.isfinite(nums)
        if whole:
            ok &= np.mod(nums, 1, where=ok, out=np.zeros_like(nums)) == 0
            ok &= np.abs(nums, where=ok, out=np.full_like(nums, np.inf)) < WHOLE_LIMIT
        values[np.flatnonzero(is_num)[ok]] = nums[ok]
        for i in np.flatnonzero(is_num)[~ok & ~np.isnan(nums)]:
            notes[int(i)] = read_number(raw[i], what, whole, unit)
    cache: dict = {}
    for i in np.flatnonzero(~is_num & ~(pd.isna(raw) | (raw == ""))):   # text and odd cells
        cell = raw[i]
        key = (type(cell), cell) if isinstance(cell, (str, bool)) or cell is None else None
        reading = cache.get(key) if key is not None else None
        if reading is None:
            reading = read_number(cell, what, whole, unit)
            if key is not None:
                cache[key] = reading
        if reading.value is not None:
            values[i] = reading.value
        if reading.error or reading.warning:
            notes[int(i)] = reading
    for i, reading in notes.items():
        bad[i] = bool(reading.error)
    return pd.Series(values, index=series.index), bad, notes


def parse_number(series: pd.Series, unit: str = "") -> tuple[pd.Series, np.ndarray]:
    values, bad, _ = read_numbers(series, unit=unit)
    return values, bad


def parse_int(series: pd.Series, unit: str = "") -> tuple[pd.Series, np.ndarray]:
    """Whole numbers (12, 12.0, '12', ' 12 ', '1,500'); 12.5 is flagged, never rounded."""
    values, bad, _ = read_numbers(series, whole=True, unit=unit)
    return values, bad


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_UK = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?$")
_NAMED = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[ \-]([A-Za-z]{3,9})\.?[ \-,]*(\d{2}|\d{4})$")


def _ymd(year: int, month: int, day: int) -> pd.Timestamp | None:
    if year < 100:
        year += 2000
    try:
        return pd.Timestamp(year=year, month=month, day=day)
    except (ValueError, OverflowError):
        return None


def _text_date(text: str) -> pd.Timestamp | None:
    """UK day-first or ISO text; never month-first. None when not a real date."""
    text = text.strip()
    if m := _ISO.match(text):
        return _ymd(int(m[1]), int(m[2]), int(m[3]))
    if m := _UK.match(text):
        return _ymd(int(m[3]), int(m[2]), int(m[1]))
    if m := _NAMED.match(text):
        month = _MONTHS.get(m[2].lower()) or _MONTHS.get(m[2].lower()[:3])
        return _ymd(int(m[3]), month, int(m[1])) if month else None
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return _serial(float(text))
    return None


_MONTH_FIRST = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})\s*$")


def read_date(cell, what: str = "this column") -> Reading:
    """A date as a coordinator typed it (the one date reader of the importer and the app's
    edit boxes): a date cell, an Excel serial (1990-2099), dd/mm/yyyy (day first only), ISO
    yyyy-mm-dd or '1 Sept 2025'. A date that only makes sense month first is an error with
    the suggestion, never guessed."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)) or cell is pd.NaT:
        return Reading()
    if isinstance(cell, (dt.date, dt.datetime, pd.Timestamp)):
        return Reading(value=pd.Timestamp(cell).normalize())
    if isinstance(cell, (int, float, np.integer, np.floating)) and not isinstance(cell, bool):
        stamp = _serial(float(cell))
        if stamp is not None:
            return Reading(value=stamp)
        return Reading(error=f"'{cell_text(cell)}' in {what} is not a date. Use dd/mm/yyyy "
                             f"(for example 01/09/2025) or a date cell.")
    text = cell_text(cell) if not isinstance(cell, str) else cell.strip()
    if not text:
        return Reading()
    stamp = _text_date(text) if isinstance(cell, str) else None
    if stamp is not None:
        return Reading(value=stamp)
    m = _MONTH_FIRST.match(text)
    if m and int(m[2]) > 12 and int(m[1]) <= 12:
        return Reading(error=f"'{text}' is not a date: dates are read day first (dd/mm/yyyy) and there is no "
                             f"month {int(m[2])}. If this is a US month-first date, write it as "
                             f"{int(m[2]):02d}/{int(m[1]):02d}/{m[3]}.")
    return Reading(error=f"'{text}' in {what} is not a date. Use dd/mm/yyyy (for example 01/09/2025) "
                         f"or a date cell.")


def _serial(value: float) -> pd.Timestamp | None:
    if not (_SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]):
        return None
    return _EXCEL_EPOCH + pd.Timedelta(days=int(math.floor(value)))


def parse_date(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Date cells, Excel serial numbers, dd/mm/yyyy and ISO text -> normalised Timestamps."""
    arr = series.to_numpy(dtype=object)
    n = len(arr)
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    bad = np.zeros(n, dtype=bool)
    kinds = np.fromiter((_DATE_KIND.get(type(v), 9) for v in arr), dtype=np.int8, count=n)
    idx = np.flatnonzero(kinds == 1)                     # date, datetime, Timestamp cells
    if len(idx):
        out[idx] = pd.to_datetime(pd.Series(arr[idx], dtype=object)).dt.normalize().to_numpy()
    idx = np.flatnonzero(kinds == 2)                     # numbers: Excel serials
    if len(idx):
        values = arr[idx].astype(float)
        ok = (values >= _SERIAL_RANGE[0]) & (values <= _SERIAL_RANGE[1])
        days = np.floor(np.where(ok, values, 0)).astype(np.int64)
        stamps = (_EXCEL_EPOCH + pd.to_timedelta(days, unit="D")).to_numpy()
        out[idx[ok]] = stamps[ok]
        bad[idx[~ok & ~np.isnan(values)]] = True
    idx = np.flatnonzero(kinds == 3)                     # text
    if len(idx):
        cache: dict[str, Reading] = {}
        for i in idx:
            text = arr[i]
            if text not in cache:
                cache[text] = read_date(text)
            reading = cache[text]
            if reading.error:
                bad[i] = True
            elif reading.value is not None:
                out[i] = reading.value.to_datetime64()
    bad[kinds == 9] = True                               # booleans, errors, anything else
    blank = is_blank(series)
    bad &= ~blank
    return pd.Series(out, index=series.index), bad


_DATE_KIND = {dt.date: 1, dt.datetime: 1, pd.Timestamp: 1, float: 2, int: 2, np.float64: 2, np.int64: 2,
              str: 3, type(None): 0}


_TRUE = {"yes", "y", "true", "1", "x", "locked", "fixed", "agreed"}
_FALSE = {"no", "n", "false", "0", ""}


def parse_bool(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    texts = [cell_text(v).lower() for v in series]
    values = [t in _TRUE for t in texts]
    bad = np.array([t not in _TRUE and t not in _FALSE for t in texts], dtype=bool)
    return pd.Series(values, index=series.index, dtype=bool), bad
