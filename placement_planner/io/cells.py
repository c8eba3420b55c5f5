"""Turn raw cells into typed columns, vectorised; every cell that does not parse is flagged.

Each parser takes an object Series of cells as read and returns (values, bad) where
``bad`` marks cells that hold something but not a valid value of the kind. Blank cells
(None, "", whitespace) are never bad here; whether a blank is allowed is the schema's call.
"""

from __future__ import annotations

import datetime as dt
import math
import re

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
    return pd.Series([cell_text(v) for v in series], index=series.index, dtype=object)


def _numeric(series: pd.Series, strip_units: tuple[str, ...] = ()) -> tuple[pd.Series, np.ndarray]:
    blank = is_blank(series)
    values = np.full(len(series), np.nan)
    bad = np.zeros(len(series), dtype=bool)
    is_num = np.fromiter((isinstance(v, (int, float)) and not isinstance(v, bool) for v in series),
                         dtype=bool, count=len(series))
    raw = series.to_numpy(dtype=object)
    if is_num.any():
        values[is_num] = raw[is_num].astype(float)
    text_idx = np.flatnonzero(~is_num & ~blank)
    if len(text_idx):
        texts = pd.Series([str(v).strip() for v in raw[text_idx]])
        cleaned = texts.str.replace(",", "", regex=False).str.replace("\u00a0", "", regex=False)
        for unit in strip_units:
            cleaned = cleaned.str.replace(unit, "", case=False, regex=False)
        cleaned = cleaned.str.strip()
        parsed = pd.to_numeric(cleaned, errors="coerce").to_numpy(dtype=float)
        values[text_idx] = parsed
        bad[text_idx] = np.isnan(parsed) & (cleaned != "").to_numpy()
    bad |= ~blank & ~np.isfinite(values) & ~bad  # inf, or a type that is neither text nor number
    values[~np.isfinite(values)] = np.nan
    return pd.Series(values, index=series.index), bad


def parse_number(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    return _numeric(series, strip_units=("km", "miles", "%"))


def parse_int(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Whole numbers (12, 12.0, '12', ' 12 '); 12.5 is flagged, never rounded."""
    values, bad = _numeric(series)
    frac = values.notna() & (values % 1 != 0)
    bad = bad | frac.to_numpy()
    values[frac] = np.nan
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
        cache: dict[str, pd.Timestamp | None] = {}
        for i in idx:
            text = arr[i]
            if text not in cache:
                cache[text] = _text_date(text) if text.strip() else pd.NaT
            ts = cache[text]
            if ts is None:
                bad[i] = True
            else:
                out[i] = ts.to_datetime64() if ts is not pd.NaT else np.datetime64("NaT")
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
