"""Leximin rounds on network parts by integer max flow (exact, no LP, no MIP).

When every option uses one demand row, at most one capacity row and at most one locked row
(a locked row's options all belong to one group: rows with a lock stay alone), every model
row has coefficients 1 and every bound is whole, a part's plans are the integer flows of

    S -> fair group f -> group g (its demand row) [-> locked row] -> option ->
    capacity row (or T) -> T,      and T -> S carrying the total placed,

with the rows' bounds as lower and upper bounds of the arcs. Tier 1, kept as
"sum of c * x over every option >= P" with one c for all (equal weights), is the arc T -> S
with lower bound P / c. A row this module does not recognise is left out, so the network
is a relaxation: a threshold it cannot reach is out of reach in the part; a plan it gives is
checked against every row (``HighsPart._rows_hold``) before it is used.

Round k of ``fairness.leximin`` (rounds 1..k-1 proven, their bottom groups *forced*: only
they can take the fills f_1..f_(k-1), see ``fairness._forced_bottom``) asks for the largest
t such that some plan has the bottom groups at their fills and every other group at
``ceil(t q_g)`` learners or more (q_g its learners requested). Whether a t is reachable is
a feasible-flow question (lower bounds by the usual super-source reduction, one max flow);
a t that is not reachable gives a minimum cut, and the cut's inequality holds for every t,
so the next t tried is the largest candidate fraction p/q_g the cut allows (a Newton step
on cuts). The largest reachable t is the round's optimum: S_k = S_(k-1) + t, proven
because every fraction above it is out of reach. Integer arithmetic throughout: no
tolerance decides a round.
"""

from __future__ import annotations

import time

import numpy as np
from scipy.sparse import csr_matrix

S, T, SS, TT = 0, 1, 2, 3
_KINDS = ("demand", "capacity", "locked")


class FairFlow:
    """The part's flow network, built once per leximin; ``None`` from ``build`` when the
    part is not such a network."""

    def __init__(self) -> None:
        self.mf = None

    @classmethod
    def build(cls, hp) -> "FairFlow | None":
        try:
            import ortools.graph.python.max_flow  # noqa: F401
        except ImportError:                 # an OR-Tools without it: the LP rounds instead
            return None
        m = hp.model
        r = m.rows
        n_x = hp.n_x
        if n_x == 0 or not len(m.fair_ids) or not np.all(hp.integer[:n_x]):
            return None
        if not np.all(np.isin(r.kind, _KINDS)) or np.any(r.val != 1.0) or np.any(r.col >= n_x):
            return None
        code = np.zeros(r.n, dtype=np.int8)          # row kinds as codes (object arrays are slow)
        for i, name in enumerate(_KINDS):
            code[r.kind == name] = i
        kind = code[r.row]
        lo_r, up_r = hp.row_lo[:r.n], hp.row_up[:r.n]
        col_lo, col_up = hp.col_lo[:n_x], hp.col_up[:n_x]

        def one(mask, at_most=False):
            cnt = np.bincount(r.col[mask], minlength=n_x)
            if (cnt.max(initial=0) > 1) or (not at_most and cnt.min(initial=1) < 1):
                return None
            of = np.full(n_x, -1, dtype=np.int64)
            of[r.col[mask]] = r.row[mask]
            return of
        g_row = one(kind == 0)
        c_row = one(kind == 1, True)
        l_row = one(kind == 2, True)
        if g_row is None or c_row is None or l_row is None:
            return None
        dem = np.flatnonzero(r.kind == "demand")
        cap = np.flatnonzero(r.kind == "capacity")
        lck = np.flatnonzero(r.kind == "locked")
        g_of = np.full(r.n, -1, dtype=np.int64)
        g_of[dem] = np.arange(len(dem))
        g = g_of[g_row]                                   # local group of each option
        fair_of_g = np.full(len(dem), -1, dtype=np.int64)
        fair_of_g[g] = m.fair
        if np.any(fair_of_g[g] != m.fair) or np.any(fair_of_g < 0):
            return None                                   # a group in two fair groups
        lock_g = np.full(r.n, -1, dtype=np.int64)         # the one group of each locked row
        has_l = l_row >= 0
        lock_g[l_row[has_l]] = g[has_l]
        if np.any(lock_g[l_row[has_l]] != g[has_l]) or np.any(lock_g[lck] < 0):
            return None                                   # a locked row over two groups
        lo_total, up_total = _total_rows(hp)
        bounds = np.concatenate([lo_r, up_r, col_lo, col_up, [lo_total, up_total]])
        fin = bounds[np.isfinite(bounds)]
        if np.any(np.abs(fin - np.round(fin)) > 1e-9):
            return None
        nf, ng, nl, nc = len(m.fair_ids), len(dem), len(lck), len(cap)
        self = cls()
        self.nf, self.n_x = nf, n_x
        self.req = m.fair_requested.astype(np.int64)
        big = int(np.sum(np.minimum(col_up, 1e12))) + int(self.req.sum()) + 1
        F0 = 4
        G0 = F0 + nf
        L0 = G0 + ng
        C0 = L0 + nl
        N = C0 + nc
        l_of = np.full(r.n, -1, dtype=np.int64)
        l_of[lck] = np.arange(nl)
        c_of = np.full(r.n, -1, dtype=np.int64)
        c_of[cap] = np.arange(nc)

        def whole(a, fill):
            a = np.where(np.isfinite(a), a, fill)
            return np.round(np.maximum(a, 0)).astype(np.int64) if fill >= 0 else \
                np.round(a).astype(np.int64)
        # static arcs: F->G, G->L, option, C->T, T->S (in this order after the nf S->F arcs)
        cat = np.concatenate
        tail = cat([F0 + fair_of_g, G0 + lock_g[lck],
                    np.where(has_l, L0 + l_of[np.maximum(l_row, 0)], G0 + g),
                    C0 + np.arange(nc), [T]])
        head = cat([G0 + np.arange(ng), L0 + np.arange(nl),
                    np.where(c_row >= 0, C0 + c_of[np.maximum(c_row, 0)], T),
                    np.full(nc, T), [S]])
        low = cat([whole(lo_r[dem], 0), whole(lo_r[lck], 0), whole(col_lo, 0),
                   whole(lo_r[cap], 0), whole(np.array([lo_total]), 0)])
        upp = cat([whole(up_r[dem], big), whole(up_r[lck], big), whole(col_up, big),
                   whole(up_r[cap], big), whole(np.array([up_total]), big)])
        upp = np.minimum(upp, big)
        if np.any(low > upp):
            return None
        self.opt_arc = nf + ng + nl + np.arange(n_x)      # arc index of each option
        self.opt_low = low[ng + nl:ng + nl + n_x]
        self.static_exc = np.bincount(head, weights=low, minlength=N).astype(np.int64) - \
            np.bincount(tail, weights=low, minlength=N).astype(np.int64)
        self.F0, self.N = F0, N
        # arcs: S->F (nf), static, SS->v (N), v->TT (N)
        self.tail = cat([np.zeros(nf, np.int64), tail, np.full(N, SS), np.arange(N)])
        self.head = cat([F0 + np.arange(nf), head, np.arange(N), np.full(N, TT)])
        self.static_cap = upp - low
        self.n_static = len(upp)
        self.mf = None
        self.cuts: list = []              # minimum cuts met so far (see test)
        return self

    # ---- one feasible-flow test -----------------------------------------------------------
    def _caps(self, lo: np.ndarray, up: np.ndarray):
        exc = self.static_exc.copy()
        exc[self.F0:self.F0 + self.nf] += lo
        exc[S] -= int(lo.sum())
        cap = np.concatenate([up - lo, self.static_cap, np.maximum(exc, 0), np.maximum(-exc, 0)])
        return cap, int(np.maximum(exc, 0).sum())

    def test(self, lo: np.ndarray, up: np.ndarray):
        """(reachable, flow per arc or None, cut or None) for the fair groups' learners
        between ``lo`` and ``up``. A minimum cut of an earlier test that rules ``lo`` out
        answers without a flow: any partition of the nodes bounds the flow, whatever the
        bounds (per-student region: 7 of the 11 flows of the largest part's rounds)."""
        import ortools.graph.python.max_flow as max_flow
        for cut in self.cuts:
            if not self.cut_allows(cut, lo[None, :], up)[0]:
                return False, None, cut
        cap, need = self._caps(lo, up)
        if self.mf is None:
            self.mf = max_flow.SimpleMaxFlow()
            self.mf.add_arcs_with_capacity(self.tail, self.head, cap)
            self.arcs = np.arange(len(cap), dtype=np.int32)
        else:
            self.mf.set_arcs_capacity(self.arcs, cap)
        if self.mf.solve(SS, TT) != self.mf.OPTIMAL:
            return False, None, None
        if self.mf.optimal_flow() == need:
            return True, self.mf.flows(self.arcs), None
        side = np.zeros(self.N, dtype=bool)
        side[np.asarray(self.mf.get_source_side_min_cut(), dtype=np.int64)] = True
        self.cuts.append(self._cut(side))
        return False, None, self.cuts[-1]

    def _cut(self, side: np.ndarray) -> tuple:
        """The partition ``side`` (source side, SS in it, TT not) as what its inequality
        needs: the capacity of its arcs that do not depend on the fair groups' bounds, the
        super source's supply outside S and the fair groups, S's side, the groups outside."""
        nf, F0 = self.nf, self.F0
        st = slice(nf, nf + self.n_static)
        crossing = side[self.tail[st]] & ~side[self.head[st]]
        exc0 = self.static_exc
        other = np.ones(self.N, dtype=bool)
        other[S] = False
        other[F0:F0 + nf] = False
        # other nodes' SS->v arcs cross when v is outside, their v->TT arcs when v is inside
        const = int(self.static_cap[crossing].sum()) + \
            int(np.maximum(exc0, 0)[other & ~side].sum()) + \
            int(np.maximum(-exc0, 0)[other & side].sum())
        return const, int(np.maximum(exc0[other], 0).sum()), bool(side[S]), ~side[F0:F0 + nf]

    def cut_allows(self, cut: tuple, los: np.ndarray, up: np.ndarray) -> np.ndarray:
        """Per row of ``los`` (one lower bound per fair group): whether the cut's inequality
        (capacity of the cut >= what the super source must send) holds. It holds for every
        reachable ``lo``, so a row where it fails is out of reach."""
        const, need0, s_in, f_out = cut
        exc0 = self.static_exc
        e_f = exc0[self.F0:self.F0 + self.nf][None, :] + los
        e_s = exc0[S] - los.sum(1)
        cap = const + np.where(s_in & f_out, up[None, :] - los, 0).sum(1) \
            + np.where(f_out, np.maximum(e_f, 0), 0).sum(1) \
            + np.where(~f_out, np.maximum(-e_f, 0), 0).sum(1) \
            + (np.maximum(-e_s, 0) if s_in else np.maximum(e_s, 0))
        need = need0 + np.maximum(e_f, 0).sum(1) + np.maximum(e_s, 0)
        return cap >= need

    def options(self, flow: np.ndarray) -> np.ndarray:
        return (self.opt_low + flow[self.opt_arc]).astype(float)

    # ---- one leximin round ----------------------------------------------------------------
    def best_round(self, placed: np.ndarray, bottom: np.ndarray, low: float, deadline: float):
        """Round k's optimum above ``low``, proven: ``(x,)`` with x the options of a plan
        whose groups outside ``bottom`` (held at ``placed`` learners) all reach the largest
        reachable fill, x None when no fill above ``low`` is reachable; None when stopped at
        ``deadline``."""
        req = self.req
        rest = ~bottom
        up = np.where(bottom, placed, req)
        # candidate fills: p / q_g of the groups outside the bottom, above the incumbent's
        cand = np.unique(np.concatenate([np.arange(q + 1) / q for q in np.unique(req[rest])]))
        cand = cand[cand > low + 1e-12]

        def lo_of(ts: np.ndarray) -> np.ndarray:
            need = np.ceil(ts[:, None] * req[None, :] - 1e-7).astype(np.int64)
            return np.where(bottom[None, :], placed[None, :], np.maximum(need, 0))
        best, best_i = None, -1
        hi = len(cand)                    # candidates from hi on are out of reach
        i = 0                             # first the next value above the incumbent's
        while i < hi:
            if time.perf_counter() >= deadline:
                return None
            ok, flow, cut = self.test(lo_of(cand[i:i + 1])[0], up)
            if ok:
                best, best_i = self.options(flow), i
                if i == hi - 1:
                    break
                i = hi - 1                # then the largest left, and down by cuts
                continue
            if cut is None:
                return None
            hi = i                        # reachability is monotone in t
            if hi <= best_i + 1:
                break
            allows = np.flatnonzero(self.cut_allows(cut, lo_of(cand[best_i + 1:hi]), up))
            if not len(allows):
                break
            i = best_i + 1 + int(allows[-1])
        return (best,)


def _total_rows(hp) -> tuple[float, float]:
    """Bounds on the total placed from rows added after the model's: a row over every option
    with one coefficient c (tier 1 kept with equal weights) bounds sum x by its bounds / c."""
    n_r, n_x = hp.model.rows.n, hp.n_x
    lo, up = 0.0, np.inf
    if hp.n_rows == n_r:
        return lo, up
    # the rows added since (HighsPart keeps them as blocks of triplets)
    blocks = [b for b in hp._rows[1:] if len(b[0])]
    if not blocks:
        return lo, up
    row, col, val = (np.concatenate(p) for p in zip(*blocks))
    a = csr_matrix((val, (row - n_r, col)), shape=(hp.n_rows - n_r, hp.n_cols))
    for i in np.flatnonzero(np.diff(a.indptr) == n_x):
        cols = a.indices[a.indptr[i]:a.indptr[i + 1]]
        vals = a.data[a.indptr[i]:a.indptr[i + 1]]
        if cols.max() >= n_x or vals.min() <= 0 or vals.max() - vals.min() > 1e-12 * vals.max():
            continue
        c = float(vals[0])
        rl, ru = hp.row_lo[n_r + i], hp.row_up[n_r + i]
        if np.isfinite(rl):
            lo = max(lo, float(np.ceil(rl / c - 1e-7)))
        if np.isfinite(ru):
            up = min(up, float(np.floor(ru / c + 1e-7)))
    return lo, up
