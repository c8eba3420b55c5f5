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
    def blank(v) -> bool:
        if v is None:
            return True
        if isinstance(v, float):
            return math.isnan(v)
        if isinstance(v, str):
            return v.strip() == ""
        return v is pd.NaT
    return np.fromiter((blank(v) for v in series), dtype=bool, count=len(series))


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
        parsed = pd.to_numeric(cleaned.str.strip(), errors="coerce").to_numpy(dtype=float)
        values[text_idx] = parsed
        bad[text_idx] = np.isnan(parsed)
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
    out: list = []
    bad = np.zeros(len(series), dtype=bool)
    cache: dict[str, pd.Timestamp | None] = {}
    for i, v in enumerate(series):
        ts = None
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
            out.append(pd.NaT)
            continue
        if isinstance(v, pd.Timestamp):
            ts = v.normalize()
        elif isinstance(v, dt.datetime):
            ts = pd.Timestamp(v.date())
        elif isinstance(v, dt.date):
            ts = pd.Timestamp(v)
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            ts = _serial(float(v))
        elif isinstance(v, str):
            if not v.strip():
                out.append(pd.NaT)
                continue
            if v not in cache:
                cache[v] = _text_date(v)
            ts = cache[v]
        if ts is None:
            bad[i] = True
            out.append(pd.NaT)
        else:
            out.append(ts)
    return pd.Series(pd.to_datetime(pd.Series(out, dtype="datetime64[ns]")).to_numpy(),
                     index=series.index), bad


_TRUE = {"yes", "y", "true", "1", "x", "locked", "fixed", "agreed"}
_FALSE = {"no", "n", "false", "0", ""}


def parse_bool(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    texts = [cell_text(v).lower() for v in series]
    values = [t in _TRUE for t in texts]
    bad = np.array([t not in _TRUE and t not in _FALSE for t in texts], dtype=bool)
    return pd.Series(values, index=series.index, dtype=bool), bad
