"""The contract's Monday-based week grid: dates to week numbers and back."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd


def monday_of(day: dt.date) -> dt.date:
    """The Monday of the week holding ``day`` (a date stands for its week's Monday)."""
    if isinstance(day, dt.datetime):
        day = day.date()
    return day - dt.timedelta(days=day.weekday())


def mondays(dates: pd.Series) -> pd.Series:
    """Vectorised ``monday_of`` for a datetime64 series (NaT stays NaT)."""
    dates = pd.to_datetime(dates)
    return (dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")).dt.normalize()


def week_index(dates: pd.Series | pd.DatetimeIndex, week0: dt.date) -> np.ndarray:
    """Whole weeks from ``week0`` (a Monday) to each date's Monday."""
    monday = mondays(pd.Series(dates))
    delta = (monday - pd.Timestamp(week0)).dt.days
    return (delta // 7).to_numpy(dtype=np.int64)


def week_start(week0: dt.date, week: int) -> dt.date:
    """The Monday that starts week number ``week``."""
    return week0 + dt.timedelta(weeks=int(week))


def format_uk(day: dt.date | pd.Timestamp | None) -> str:
    """dd/mm/yyyy, the way coordinators write dates."""
    if day is None or (isinstance(day, float) and np.isnan(day)) or day is pd.NaT:
        return ""
    return day.strftime("%d/%m/%Y")
