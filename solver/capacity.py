"""Weekly capacity rows on a compressed week grid.

A pool needs a row only at a week where the set of placements on site, or the places
offered, changes; and of those only the ones no other row of the pool already implies
(a row covering fewer placements with at least as many places says nothing new).
"""

from __future__ import annotations

import numpy as np


def capacity_rows(var_p: np.ndarray, var_t: np.ndarray, var_end: np.ndarray,
                  places: np.ndarray):
    """Rows ``sum x[v] over v on site in the segment <= places`` of every pool used.

    ``places`` is (pools, weeks) indexed by ``var_p``. Returns (row of each nonzero, var of
    each nonzero, rhs per row, (pool, first week) per row) with rows numbered from 0.
    """
    n_weeks = places.shape[1]
    span = n_weeks + 1
    # Keys (pool, week) in a dense table over the pools used: marking, ranking and look-ups
    # replace np.unique / np.isin / np.searchsorted (same keys in the same order: local pool
    # numbers follow the pools' order), a third of the model's build time before.
    present = np.zeros(len(places), dtype=bool)
    present[var_p] = True
    used = np.flatnonzero(present)
    local = np.cumsum(present) - 1
    size = len(used) * span
    start_key = local[var_p] * span + var_t
    end_key = local[var_p] * span + var_end
    change_p, change_w = np.nonzero(np.diff(places[used], axis=1) != 0)
    starts = np.zeros(size, dtype=bool)
    starts[start_key] = True
    ends = np.zeros(size, dtype=bool)
    ends[end_key] = True
    mark = starts | ends
    mark[change_p * span + change_w + 1] = True
    keys = np.flatnonzero(mark)
    seg_local, seg_week = keys // span, keys % span
    seg_pool = used[seg_local]
    # segment j runs from keys[j] to keys[j+1] when both belong to the same pool
    is_seg = np.zeros(len(keys), dtype=bool)
    is_seg[:-1] = seg_local[:-1] == seg_local[1:]
    seg_places = places[seg_pool, np.minimum(seg_week, n_weeks - 1)]
    starts_here = starts[keys]
    ends_here = ends[keys]
    rank = np.cumsum(mark) - 1
    s0 = rank[start_key]
    s1 = rank[end_key]
    keep = is_seg.copy()
    # j adds no placement to j-1 (nothing starts at its boundary) and offers no fewer places
    prev_ok = np.zeros_like(keep)
    prev_ok[1:] = is_seg[:-1] & ~starts_here[1:] & (seg_places[1:] >= seg_places[:-1])
    # j loses no placement before j+1 (nothing ends at j+1's boundary), no fewer places
    next_ok = np.zeros_like(keep)
    next_ok[:-1] = is_seg[1:] & ~ends_here[1:] & (seg_places[:-1] >= seg_places[1:])
    keep &= ~prev_ok & ~next_ok
    length = s1 - s0
    nz_var = np.repeat(np.arange(len(var_p)), length)
    nz_seg = np.arange(len(nz_var)) - np.repeat(np.cumsum(length) - length, length) + s0[nz_var]
    m = keep[nz_seg]
    nz_var, nz_seg = nz_var[m], nz_seg[m]
    row_used = np.zeros(len(keys), dtype=bool)
    row_used[nz_seg] = True
    rows = np.flatnonzero(row_used)
    nz_row = (np.cumsum(row_used) - 1)[nz_seg]
    return nz_row, nz_var, seg_places[rows], np.stack([seg_pool[rows], seg_week[rows]], axis=1)
