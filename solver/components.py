"""Independent parts: connected components of groups, pools and fairness groups.

Professions never share a pool, and groups far apart never share a site, so the model
falls apart into pieces that can be solved alone. A (hei, profession) group joins the
pieces its rows reach, so that the leximin tier stays exact inside each piece. The rows of
one journey are always in one piece (they share hei and profession, and ``group_journey``
joins them even when they do not).
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def split_parts(var_g: np.ndarray, var_p: np.ndarray, group_fair: np.ndarray,
                n_groups: int, n_pools: int, n_fair: int,
                group_journey: np.ndarray | None = None) -> list[np.ndarray]:
    """Var indices of each part, largest part first. ``group_journey``: the journey class
    of each group (-1 = none); the groups of one class land in one part."""
    if not len(var_g):
        return []
    placed = np.unique(var_g)
    src = [var_g, placed]
    dst = [n_groups + var_p, n_groups + n_pools + group_fair[placed]]
    n = n_groups + n_pools + n_fair
    if group_journey is not None:
        linked = placed[group_journey[placed] >= 0]
        src.append(linked)
        dst.append(n + group_journey[linked])
        n += int(group_journey.max()) + 1 if len(group_journey) else 0
    src, dst = np.concatenate(src), np.concatenate(dst)
    graph = coo_matrix((np.ones(len(src), dtype=np.int8), (src, dst)), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    var_label = label[var_g]
    order = np.argsort(var_label, kind="stable")
    bounds = np.flatnonzero(np.diff(var_label[order])) + 1
    parts = np.split(order, bounds)
    parts.sort(key=len, reverse=True)
    return parts
