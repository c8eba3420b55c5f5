"""UK display formats for dates and numbers, shared by every table and figure."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd


def uk_date(value) -> str:
    """dd/mm/yyyy for a date, Timestamp or numpy datetime64; blank for missing."""
    if value is None:
        return ""
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            return ""
        value = value.astype("datetime64[D]").item()
    if value is pd.NaT:
        return ""
    if isinstance(value, (dt.date, pd.Timestamp)):
        return value.strftime("%d/%m/%Y")
    return str(value)


def parse_uk_date(text: str) -> dt.date | None:
    """A date as a coordinator types it (dd/mm/yyyy, d/m/yy, yyyy-mm-dd); None when not a date."""
    from placement_planner.io.cells import read_date   # the importer's one date reader
    reading = read_date(str(text))
    return None if reading.error or reading.value is None else reading.value.date()


def uk_number(value, decimals: int | None = None) -> str:
    """Thousands separated with commas; whole numbers without decimals; blank for NaN."""
    if value is None:
        return ""
    try:
        f = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(f):
        return ""
    if math.isinf(f):
        return "∞" if f > 0 else "-∞"
    if decimals is None:
        decimals = 0 if f == int(f) and abs(f) < 1e15 else 2
    return f"{f:,.{decimals}f}"


def percent(value, decimals: int = 1) -> str:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return ""
    return "" if math.isnan(f) else f"{100 * f:.{decimals}f}%"
