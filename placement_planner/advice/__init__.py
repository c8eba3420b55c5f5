"""Where new places do the most good: re-solved expansion advice, fixes for unplaced rows, smoothing.

Qt-free. ``advise(data, places, top)`` returns an :class:`Advice`; ``commands/advise.py`` writes
it as a workbook and JSON. Every gain reported is a tier-1 re-solve, never an estimate.
"""

from __future__ import annotations

def __getattr__(name):
    if name in ("Advice", "advise"):
        from placement_planner.advice import run
        return getattr(run, name)
    raise AttributeError(name)

__all__ = ["Advice", "advise"]
