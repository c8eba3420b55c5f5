"""The solver's progress in a coordinator's words, shared by the app's status bar and the CLI."""

from __future__ import annotations

import math
import re


def percent(value: float, decimals: int = 1) -> str:
    return f"{100 * value:.{decimals}f}%"


# The solver's phase strings, mapped to what a coordinator reads. The solver is free to change
# its wording: anything not matched is shown as it comes, with a capital letter.
_PHASES = [
    (re.compile(r"^prepar", re.I), lambda m: "Preparing the data"),
    (re.compile(r"solv(?:ing|ed)?\s+part\s+(\d+)\s+of\s+(\d+)(?:\s*\((.+)\))?", re.I),
     lambda m: f"Placing learners: part {m[1]} of {m[2]}" + (f" ({m[3]})" if m[3] else "")),
    (re.compile(r"solving\s+(\d+)\s+parts?", re.I), lambda m: f"Placing learners: {m[1]} parts to plan"),
    (re.compile(r"fair\w*\D*(?:round|step)\s*(\d+)", re.I), lambda m: f"Fair share: round {m[1]}"),
    (re.compile(r"fair|leximin|min.?fill", re.I), lambda m: "Fair share"),
    (re.compile(r"previous|keep", re.I), lambda m: "Keeping the previous plan"),
    (re.compile(r"prefer", re.I), lambda m: "Preferred sites"),
    (re.compile(r"travel|km|distance", re.I), lambda m: "Shortest travel"),
    (re.compile(r"place|tier\s*1|first plan|greedy", re.I), lambda m: "Placing learners"),
    (re.compile(r"^done$", re.I), lambda m: "Finishing the plan"),
    (re.compile(r"gaps|reasons|analys", re.I), lambda m: "Working out gaps and reasons"),
]


def phase_words(phase: str) -> str:
    phase = (phase or "").strip()
    if not phase:
        return "Starting"
    for pattern, words in _PHASES:
        m = pattern.search(phase)
        if m:
            return words(m)
    return phase[0].upper() + phase[1:]


def progress_words(state, time_limit: float | None = None) -> tuple[str, float | None]:
    """('Placing learners: part 12 of 20 · within 0.4 % of the best possible · 34 s of 60 s', 0.57).

    The bar follows the solver's own fraction, which counts work by the size of each part,
    and never lags the clock against the time limit (the limit ends the plan). The gap is
    shown only for the finished plan's learners placed, when best and bound are both real and
    ordered; during the solve they belong to one part and one goal and would mislead."""
    words = phase_words(state.phase)
    parts = [words]
    best, bound = state.best, state.bound
    # Only the final report carries the whole plan's placed figure and its proven bound; while
    # parts are solved, best and bound belong to one part and one goal, in that goal's units.
    if words == "Finishing the plan" and best is not None and bound is not None \
            and math.isfinite(best) and math.isfinite(bound) and bound > 0 and 0 < best <= bound * (1 + 1e-9):
        gap = (bound - best) / bound
        if gap > 0.0005:
            parts.append(f"proven within {percent(gap)} of the best possible")
        else:
            parts.append("the most learners that can be placed")
    elapsed = f"{state.elapsed_s:,.0f} s"
    if time_limit and time_limit > 0:
        elapsed += f" of {time_limit:,.0f} s"
    parts.append(elapsed)
    fraction = state.fraction
    if words == "Working out gaps and reasons":
        fraction = max(fraction or 0.0, 0.97)
    elif fraction is not None or (time_limit and time_limit > 0):
        by_clock = state.elapsed_s / time_limit if time_limit else 0.0
        fraction = 0.97 * max(0.0, min(1.0, max(fraction or 0.0, by_clock)))
    return " · ".join(parts), fraction
