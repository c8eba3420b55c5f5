"""Independent parts: connected components of groups, pools and fairness groups.

Professions never share a pool, and groups far apart never share a site, so the model
falls apart into pieces that can be solved alone. A (hei, profession) group joins the
pieces its rows reach, so that the leximin tier stays exact inside each piece.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def split_parts(var_g: np.ndarray, var_p: np.ndarray, group_fair: np.ndarray,
                n_groups: int, n_pools: int, n_fair: int) -> list[np.ndarray]:
    """Var indices of each part, largest part first."""
    if not len(var_g):
        return []
    n = n_groups + n_pools + n_fair
    placed = np.unique(var_g)
    src = np.concatenate([var_g, placed])
    dst = np.concatenate([n_groups + var_p, n_groups + n_pools + group_fair[placed]])
    graph = coo_matrix((np.ones(len(src), dtype=np.int8), (src, dst)), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    var_label = label[var_g]
    order = np.argsort(var_label, kind="stable")
    bounds = np.flatnonzero(np.diff(var_label[order])) + 1
    parts = np.split(order, bounds)
    parts.sort(key=len, reverse=True)
    return parts
