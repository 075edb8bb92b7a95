"""The expected-utility ("challenge") model's arithmetic: pure numpy functions, one round at a time.

Notation (docs/spec models.md section 4), one issue, n actors in a fixed order:
  x (n,) positions; s (n,) saliences in [0, 1]; c (n,) capabilities; w = c * s;
  width R > 0 (the distance that counts as "the whole scale"); r (n,) risk exponents.
Every (n, n) matrix M is indexed M[i, j] with i the row actor and j the column actor:
  N[i, j]   weighted votes for x_i over x_j (`Votes.margins`);
  P[i, j]   probability that i wins a challenge against j;
  E[i, j]   expected utility of i challenging j, from i's side.
Offers are described from the receiving actor's side: row i receives, column j proposes.

Every function takes leading batch axes (the Monte Carlo draws of grandbargain.uncertainty):
vectors are (..., n), matrices (..., n, n) and the width is a scalar or (...,). The one-draw
model and the batched path run this same code, so each draw's numbers are the same bits.
The n x n matrices are never held whole: `play_round` works in blocks of rows (offers) and
columns (security) of at most BLOCK_ELEMENTS entries, so memory grows with n, not n^2, apart
from the voters' prefix sums (2 n^2 numbers per risk vector). Nothing loops over dyads.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Offer kinds, in the order an actor prefers them on ties of the move (docs/decisions.md EU-07).
NONE, CONFRONTATION, COMPROMISE, CAPITULATION = 0, 1, 2, 3
KIND_NAMES = {CONFRONTATION: "confrontation", COMPROMISE: "compromise",
              CAPITULATION: "capitulation"}

# Entries per (rows x columns) block of a temporary matrix (8 MB of float64).
BLOCK_ELEMENTS = 1 << 20
# The textbook variant counts expected utilities (which lie in [-4, 4]) closer than EU_TOL as
# equal, and moves closer than MOVE_TOL x R as equally long (EU-16): ties that exist in exact
# arithmetic stay ties whichever way rounding goes, so the rule cannot lean one way.
EU_TOL = 1e-12
MOVE_TOL = 1e-9


def _i(v):  # (..., n) -> (..., n, 1): the row actor i
    return v[..., :, None]


def _j(v):  # (..., n) -> (..., 1, n): the column actor j
    return v[..., None, :]


def _m(v):  # scalar or (...,) -> broadcastable against (..., n, n)
    return np.asarray(v, dtype=float)[..., None, None]


def _t(m):  # transpose the last two axes
    return np.swapaxes(m, -1, -2)


def _utility(base: np.ndarray, r_rows: np.ndarray | None) -> np.ndarray:
    # Scaled distances are in [0, 1] by construction; rounding can push one an ulp past 1 when
    # the width is the positions' own range, and a negative base to a fractional power is NaN.
    # r None: every exponent is 1, and d ** 1.0 == d exactly, so the power is skipped.
    base = np.maximum(base, 0.0)
    return 2.0 - 4.0 * (base if r_rows is None else base ** r_rows)


def status_quo_utility(r: np.ndarray | None) -> np.ndarray | float:
    return 0.0 if r is None else 2.0 - 4.0 * 0.5 ** r


def expected_challenge(p, target_salience, u_success, u_failure, u_status_quo, q: float):
    """s_target [P U_s + (1 - P) U_f] + (1 - s_target) U_s - Q U_sq (arrays broadcast)."""
    resist = target_salience * (p * u_success + (1.0 - p) * u_failure)
    return resist + (1.0 - target_salience) * u_success - q * u_status_quo


class Votes:
    """The pairwise votes of one round: N[i, j] = sum_k w_k max(0, d_kj - d_ki),
    d_km = (|x_k - x_m| / R)^r_k.

    The voters who prefer x_i to x_j are exactly those on x_i's side of the midpoint, so with
    the voters sorted by position each entry is a difference of two prefix (or suffix) sums:
    O(n^2 log n) time instead of the O(n^3) triple sum. The sorting and the midpoints' places
    depend on the positions only and are shared by every risk vector of the round.
    """

    def __init__(self, x: np.ndarray, w: np.ndarray, width) -> None:
        self.x, self.w, self.width = x, w, width
        self.n = x.shape[-1]
        self.order = np.argsort(x, axis=-1, kind="stable")
        self.xs = np.take_along_axis(x, self.order, -1)
        self.ws = np.take_along_axis(w, self.order, -1)
        self.batch = x.shape[:-1]
        self._rows: dict = {}
        self._tables: list = []

    def _table(self, r) -> np.ndarray:
        """(..., n, 2 (n + 1)): per column j, entries 0..n the prefix sums over the sorted
        voters (entry m: the first m), entries n+1..2n+1 the suffix sums (entry n+1+m: voters
        m..n-1). Voters run along the last axis, where numpy's cumsum is fastest."""
        for key, table in self._tables:
            if key is r:
                return table
        n = self.n
        table = np.empty((*self.batch, n, 2 * (n + 1)))
        table[..., 0] = 0.0
        table[..., 2 * n + 1] = 0.0
        rs = None if r is None else _j(np.take_along_axis(r, self.order, -1))
        step = max(1, BLOCK_ELEMENTS // max(1, n * int(np.prod(self.batch, dtype=int))))
        for start in range(0, n, step):
            cols = slice(start, min(n, start + step))
            weighted = np.abs(_j(self.xs) - _i(self.x[..., cols]))
            weighted /= _m(self.width)
            if rs is not None:
                np.power(weighted, rs, out=weighted)
            weighted *= _j(self.ws)
            np.cumsum(weighted, axis=-1, out=table[..., cols, 1:n + 1])
            np.cumsum(weighted[..., ::-1], axis=-1, out=table[..., cols, 2 * n:n:-1])
        self._tables.append((r, table))
        return table

    def _table_rows(self, rows: slice, cols: slice) -> np.ndarray:
        """Which row of the table holds the votes of block (rows, cols): the prefix up to the
        midpoint where x_i < x_j, else the suffix from it (equal positions: either gives 0)."""
        key = (rows.start, rows.stop, cols.start, cols.stop)
        if key in self._rows:
            return self._rows[key]
        xi, xj = _i(self.x[..., rows]), _j(self.x[..., cols])
        mid = (xi + xj) / 2.0
        lower = xi < xj
        if not self.batch:
            below = np.searchsorted(self.xs, mid, side="left")   # voters strictly left of mid
            above = np.searchsorted(self.xs, mid, side="right")  # first voter right of it
        elif self.n <= 64:  # per draw: how many sorted voters lie below / not above the mid
            below = np.zeros(mid.shape, dtype=np.int8)  # counts up to 64: int8 is enough
            above = np.zeros(mid.shape, dtype=np.int8)
            for k in range(self.n):
                voter = self.xs[..., k, None, None]
                below += voter < mid
                above += voter <= mid
            below, above = below.astype(np.intp), above.astype(np.intp)
        else:
            below = np.empty(mid.shape, dtype=np.intp)
            above = np.empty(mid.shape, dtype=np.intp)
            for b in np.ndindex(*self.batch):
                below[b] = np.searchsorted(self.xs[b], mid[b], side="left")
                above[b] = np.searchsorted(self.xs[b], mid[b], side="right")
        index = np.where(lower, below, self.n + 1 + above)
        if self.batch:
            index += (np.arange(int(np.prod(self.batch, dtype=int))).reshape(self.batch)
                      * (2 * (self.n + 1) * self.n))[..., None, None]
        if self.n <= 512:  # small: keep for the other risk vector and the transposed block
            self._rows[key] = index
        return index

    def margins(self, r, rows: slice, cols: slice) -> np.ndarray:
        """N[rows, cols] for risk exponents r (None: all 1)."""
        flat = self._table(r).reshape(-1)
        index = self._table_rows(rows, cols)
        stride = 2 * (self.n + 1)
        n_rows = _i(np.arange(self.n)[rows] * stride)
        n_cols = _j(np.arange(self.n)[cols] * stride)
        out = flat.take(index + n_cols) - flat.take(index + n_rows)
        return np.maximum(out, 0.0, out=out)  # rounding must not make a margin negative

    def total(self, r) -> np.ndarray:
        """Sum of every ordered pair's margin, per draw; row by row, so blocks change nothing."""
        rows = np.zeros((*self.batch, self.n))
        for block in _blocks(self.n, self.n, self.batch):
            rows[..., block] = self.margins(r, block, slice(0, self.n)).sum(axis=-1)
        return rows.sum(axis=-1)


def _blocks(n: int, other: int, batch) -> list[slice]:
    step = max(1, BLOCK_ELEMENTS // max(1, other * int(np.prod(batch, dtype=int))))
    return [slice(k, min(n, k + step)) for k in range(0, n, step)]


@dataclass(frozen=True)
class Settings:
    """The switches of a run (EU-01 .. EU-11)."""

    variant: str  # "textbook" or "scholz-2011"
    q: float
    t: float | None
    rule: str     # "least-move", "type-first" or "scholz-2011"
    risk: str     # "every-round", "first-round" or "neutral"
    ties: str = "balanced"  # or "first-listed" (EU-16)

    @property
    def scholz(self) -> bool:
        return self.variant == "scholz-2011"


class _Round:
    """Expected utilities of one round, block by block. Risk vectors are passed as None when
    every exponent is 1 (the power is skipped: d ** 1.0 == d exactly). When the whole matrix
    fits in one block, the pieces shared by several uses (P, utilities, E) are kept."""

    def __init__(self, x, s, w, width, settings: Settings, median) -> None:
        self.x, self.s, self.w, self.width = x, s, w, width
        self.settings, self.median = settings, median
        self.votes = Votes(x, w, width)
        self.n = x.shape[-1]
        self.single = self.n * self.n * int(np.prod(x.shape[:-1], dtype=int)) <= BLOCK_ELEMENTS
        self._cache: dict = {}
        self._totals: dict = {}

    def _kept(self, key, compute):
        if not self.single:
            return compute()
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def _p(self, r, rows: slice, cols: slice) -> np.ndarray:
        """P[rows, cols] (EU-04)."""
        scholz = self.settings.scholz
        key = ("p", r is None or not scholz, rows.start, rows.stop, cols.start, cols.stop)
        return self._kept(key, lambda: self._p_now(r if scholz else None, rows, cols))

    def _margins(self, r, rows: slice, cols: slice) -> np.ndarray:
        return self._kept(("n", r is None, rows.start, rows.stop, cols.start, cols.stop),
                          lambda: self.votes.margins(r, rows, cols))

    def _p_now(self, r, rows: slice, cols: slice) -> np.ndarray:
        if self.settings.scholz:
            total = self._total(r)
            margins = self._margins(r, rows, cols)
            with np.errstate(invalid="ignore", divide="ignore"):
                return np.where(_m(total) > 0, margins / _m(total), 0.0)
        mine = self._margins(None, rows, cols)
        theirs = _t(self._margins(None, cols, rows))
        both = mine + theirs
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(both > 0, mine / both, 0.5)

    def _total(self, r):
        key = r is None
        if key not in self._totals:
            if self.single:  # the one block is the margins P needs: sum it row by row
                every = slice(0, self.n)
                rows = self._margins(r, every, every).sum(axis=-1)
                self._totals[key] = 2.0 * rows.sum(axis=-1)
            else:
                self._totals[key] = 2.0 * self.votes.total(r)
        return self._totals[key]

    def _utilities(self, r, rows: slice, cols: slice):
        """(gap, U_s, U_f, U_sq, r of the rows) for block (rows, cols), the rows' exponents."""
        def compute():
            r_rows = None if r is None else _i(r[..., rows])
            gap = np.abs(_i(self.x[..., rows]) - _j(self.x[..., cols])) / _m(self.width)
            return (gap, _utility(0.5 - 0.5 * gap, r_rows), _utility(0.5 + 0.5 * gap, r_rows),
                    status_quo_utility(r_rows), r_rows)
        return self._kept(("u", r is None, rows.start, rows.stop, cols.start, cols.stop),
                          compute)

    def challenges(self, r, rows: slice, cols: slice) -> np.ndarray:
        """E[rows, cols]: the row actor challenging the column actor, with the row's exponent
        (textbook: E_i(ij), r_i; scholz-2011: evaluated by i, P from votes with r)."""
        return self._kept(("e", r is None, rows.start, rows.stop, cols.start, cols.stop),
                          lambda: self._challenges_now(r, rows, cols))

    def _challenges_now(self, r, rows: slice, cols: slice) -> np.ndarray:
        st = self.settings
        gap, u_s, u_f, u_sq, r_rows = self._utilities(r, rows, cols)
        p = self._p(r, rows, cols)
        out = expected_challenge(p, _j(self.s[..., cols]), u_s, u_f, u_sq, st.q)
        if not st.scholz and st.q != 1.0:
            to_median = _i(np.abs(self.x[..., rows] - self.median[..., None]))
            drift = (to_median / _m(self.width) + gap) / 4.0
            u_better = _utility(0.5 - drift, r_rows)
            u_worse = _utility(0.5 + drift, r_rows)
            better = ((to_median < np.abs(_i(self.x[..., rows]) - _j(self.x[..., cols])))
                      .astype(float) if st.t is None else st.t)
            out = out - (1.0 - st.q) * (better * u_better + (1.0 - better) * u_worse)
        return out

    def scholz_other(self, r, rows: slice) -> np.ndarray:
        """E(j challenges i) from receiver i's side with r_i, for rows i (all columns j)."""
        every = slice(0, self.n)
        _, u_s, u_f, u_sq, _ = self._utilities(r, rows, every)
        p_t = _t(self._p(r, every, rows))
        return expected_challenge(p_t, _i(self.s[..., rows]), u_s, u_f, u_sq, self.settings.q)

    def security(self) -> np.ndarray:
        """Sec_j = sum_{i != j} E[i, j] with every r = 1, column block by column block."""
        every = slice(0, self.n)
        sec = np.empty(self.x.shape)
        for cols in _blocks(self.n, self.n, self.x.shape[:-1]):
            block = self.challenges(None, every, cols)
            diagonal = np.diagonal(block[..., cols, :], axis1=-2, axis2=-1)
            sec[..., cols] = block.sum(axis=-2) - diagonal
        return sec

    def offers(self, r, rank: np.ndarray):
        """Per actor (..., n): chosen proposer (-1: none), kind, new position, both EUs."""
        n = self.n
        chosen = np.full(self.x.shape, -1, dtype=np.intp)
        kinds = np.zeros(self.x.shape, dtype=np.int64)
        target = self.x.copy()
        own_eu = np.zeros(self.x.shape)
        other_eu = np.zeros(self.x.shape)
        for rows in _blocks(n, n, self.x.shape[:-1]):
            receiver = self.challenges(r, rows, slice(0, n))
            if self.settings.scholz:
                proposer = self.scholz_other(r, rows)
            else:
                proposer = _t(self.challenges(r, slice(0, n), rows))
            block = choose(self.x, rows, receiver, proposer, self.settings, self.width, rank)
            chosen[..., rows], kinds[..., rows], target[..., rows] = block[:3]
            own_eu[..., rows], other_eu[..., rows] = block[3:]
        return chosen, kinds, target, own_eu, other_eu


def risk_exponents(sec: np.ndarray) -> np.ndarray:
    """r_i = (1 - R_i / 3) / (1 + R_i / 3), R_i = (2 Sec_i - max - min) / (max - min).

    When every actor is equally secure (to rounding), R_i = 0 and r_i = 1 (EU-05).
    """
    high, low = sec.max(axis=-1, keepdims=True), sec.min(axis=-1, keepdims=True)
    spread = high - low
    equal = spread <= EU_TOL * np.maximum(1.0, np.maximum(np.abs(high), np.abs(low)))
    with np.errstate(invalid="ignore", divide="ignore"):
        risk = (2.0 * sec - high - low) / spread
        out = (1.0 - risk / 3.0) / (1.0 + risk / 3.0)
    return np.where(equal, 1.0, out)


def offer_kinds(x, rows: slice, receiver_eu, proposer_eu, settings: Settings):
    """Kinds and target positions of the offer column j makes to row i (EU-06).

    a = proposer_eu (j challenging i), b = receiver_eu (i challenging j): a > b > 0:
    confrontation, i moves to x_j; a > 0 > b, a > |b|: compromise, i moves |b / a| of the way
    to x_j; a > 0 > b, |b| >= a: capitulation (textbook only), i moves to x_j. The textbook
    compares with a tolerance of EU_TOL (EU-16); scholz-2011 exactly, as the replication.
    """
    a, b = proposer_eu, receiver_eu
    xi, xj = _i(x[..., rows]), _j(x)
    diff = xj - xi
    differ = diff != 0.0
    if settings.scholz:  # exact comparisons
        gains, loses = differ & (a > 0.0), b < 0.0
        confront = differ & (a > b) & (b > 0.0)
        compromise = gains & loses & (a > -b)
    else:
        gains, loses = differ & (a > EU_TOL), b < -EU_TOL
        confront = differ & (a > b + EU_TOL) & (b > EU_TOL)
        compromise = gains & loses & (a > EU_TOL - b)
    kinds = np.where(confront, np.int8(CONFRONTATION), np.int8(NONE))
    kinds[compromise] = COMPROMISE
    if not settings.scholz:
        kinds[gains & loses & ~compromise] = CAPITULATION
    with np.errstate(invalid="ignore", divide="ignore"):
        targets = np.where(compromise, xi + diff * np.abs(b / a), xj)
    return kinds, targets


def choose(x, rows: slice, receiver_eu, proposer_eu, settings: Settings, width, rank):
    """The offer each row actor accepts (EU-07, EU-16); returns (proposer or -1, kind, new
    position, receiver's EU, proposer's EU) for the rows.

    - "least-move" (textbook default): the smallest move, then confrontation > compromise >
      capitulation; "type-first": the kind first, then the smallest move. Ties within
      MOVE_TOL x R, `ties="balanced"`: offers pulling both ways cancel (the actor stays); on
      one side they are the same move, reported as the first proposer in the input file.
      `ties="first-listed"`: the first proposer in the input file (the readings' rule).
    - "scholz-2011": the confrontation with the smallest move, else the compromise whose
      |EU|-weighted average (|b| x_i + |a| x_j) / (|a| + |b|) is smallest, exact comparisons;
      ties to the first proposer in the input file, as the replication.
    """
    kinds, targets = offer_kinds(x, rows, receiver_eu, proposer_eu, settings)
    xi = _i(x[..., rows])
    offered = kinds != NONE
    big = np.int8(127)  # above every kind
    if settings.rule == "scholz-2011":
        a, b = np.abs(proposer_eu), np.abs(receiver_eu)
        with np.errstate(invalid="ignore", divide="ignore"):
            average = (b * xi + a * _j(x)) / (a + b)
        second = np.where(kinds == COMPROMISE, average, np.abs(targets - xi))
        kind_rank = np.where(offered, kinds, big)
        candidates = kind_rank == kind_rank.min(axis=-1, keepdims=True)
        key = np.where(candidates & offered, second, np.inf)
        candidates = offered & (key == key.min(axis=-1, keepdims=True))
        stay = ~offered.any(axis=-1)
    else:
        tol = MOVE_TOL * _m(width)
        move_key = np.where(offered, np.abs(targets - xi), np.inf)
        if settings.rule == "least-move":
            least = move_key.min(axis=-1, keepdims=True)
            candidates = offered & (move_key <= least + tol)
            kind_key = np.where(candidates, kinds, big)
            candidates &= kind_key == kind_key.min(axis=-1, keepdims=True)
            stay = np.isinf(least[..., 0])  # nothing offered
        else:  # type-first
            kind_rank = np.where(offered, kinds, big)
            candidates = offered & (kind_rank == kind_rank.min(axis=-1, keepdims=True))
            move_key = np.where(candidates, move_key, np.inf)
            least = move_key.min(axis=-1, keepdims=True)
            candidates &= move_key <= least + tol
            stay = np.isinf(least[..., 0])
        if settings.ties == "balanced":  # 2: a tied offer pulls up, 1: down; 3: both ways
            pulls = np.where(candidates & (targets != xi), np.where(targets > xi, 2, 1),
                             0).astype(np.int8)
            stay |= np.bitwise_or.reduce(pulls, axis=-1) == 3
    chosen = np.where(candidates, _j(rank), np.iinfo(np.int64).max).argmin(axis=-1)
    n = kinds.shape[-1]
    flat = (np.arange(chosen.size).reshape(chosen.shape) * n + chosen).reshape(-1)
    kind = kinds.reshape(-1)[flat].reshape(chosen.shape)
    end = targets.reshape(-1)[flat].reshape(chosen.shape)
    own = np.ascontiguousarray(receiver_eu).reshape(-1)[flat].reshape(chosen.shape)
    other = np.ascontiguousarray(proposer_eu).reshape(-1)[flat].reshape(chosen.shape)
    return (np.where(stay, -1, chosen), np.where(stay, NONE, kind),
            np.where(stay, x[..., rows], end), own, other)


def play_round(x, s, w, width, settings: Settings, median, risk, rank):
    """One round: (risk exponents used, chosen proposer per actor or -1, kinds, new positions,
    the receiver's and the proposer's EU of the accepted offer). `risk` None: compute them
    from security (EU-03); otherwise use the given ones."""
    rnd = _Round(x, s, w, width, settings, median)
    if risk is None:
        risk = (np.ones_like(x) if settings.risk == "neutral"
                else risk_exponents(rnd.security()))
    if settings.scholz and not rnd.single:  # the votes with r = 1 are done with: free them
        rnd.votes._tables.clear()
        rnd._cache.clear()
    chosen, kinds, new_x, own, other = rnd.offers(None if np.all(risk == 1.0) else risk, rank)
    return risk, chosen, kinds, new_x, own, other


def _distance_costs(x, w, candidates, width):
    """sum_k w_k |x_k - u| / R for every candidate u (..., m), in blocks of candidates."""
    out = np.empty(candidates.shape)
    batch = x.shape[:-1]
    for cols in _blocks(candidates.shape[-1], x.shape[-1], batch):
        d = np.abs(_i(x) - _j(candidates[..., cols])) / _m(width)
        out[..., cols] = (_i(w) * d).sum(axis=-2)
    return out


def walk_median(x: np.ndarray, w: np.ndarray, width, rank: np.ndarray) -> np.ndarray:
    """The replication's median (EU-09): walk the distinct positions in the order their first
    actor appears in the input file, replacing the candidate whenever the summed votes
    (exponent 1) prefer the next one. That ends at a position with the least weighted distance
    sum_k w_k |x_k - u|; which one, where several tie, is settled by the walk itself with the
    replication's arithmetic (votes summed one by one in file order)."""
    batch = x.shape[:-1]
    cost = _distance_costs(x, w, x, width)
    best = cost.min(axis=-1, keepdims=True)
    near = cost <= best + 1e-9 * np.maximum(np.abs(best), 1e-300)
    first = np.where(near & (cost == best), rank, np.iinfo(np.int64).max).argmin(axis=-1)
    out = np.take_along_axis(x, first[..., None], -1)[..., 0].copy()
    tied = (near & (x != out[..., None])).any(axis=-1)
    for b in zip(*np.nonzero(tied), strict=True) if batch else ([()] if tied else []):
        out[b] = _walk(x[b], w[b], float(np.asarray(width)[b] if np.ndim(width) else width),
                       rank[b], near[b])
    return out if batch else float(out)


def _walk(x, w, width, rank, near) -> float:
    file_order = np.argsort(rank)
    xf, wf = x[file_order], w[file_order]
    seen = dict.fromkeys(float(v) for v in x[file_order][near[file_order]])
    candidates = list(seen)
    m = candidates[0]
    for p in candidates[1:]:
        votes = wf * (np.abs(xf - m) / width - np.abs(xf - p) / width)
        if np.cumsum(votes)[-1] > 0:  # the replication's left-to-right sum
            m = p
    return m


SETTLE_ROUNDS = 3  # the forecast has settled when it is the same over the last three values


def settle(history: np.ndarray, stopped: np.ndarray, span):
    """Whether a run settled, and what it forecasts (EU-17).

    history (..., T + 1): the forecast value at the start (0) and after rounds 1..T; stopped
    (...,): the run ended at a fixed point or within its tolerance. Settled: stopped, no
    rounds, or the last SETTLE_ROUNDS values equal within 1e-9 of the scale `span`. Otherwise
    the window is the last max(3, ceil(T / 2)) values, the forecast the middle of their range.
    Returns (value, settled, from_round, low, high) with the window's range (..., each).
    """
    last = history.shape[-1] - 1
    tail = history[..., max(0, last + 1 - SETTLE_ROUNDS):]
    flat = tail.max(axis=-1) - tail.min(axis=-1) <= 1e-9 * np.asarray(span, dtype=float)
    settled = np.asarray(stopped) | flat | (last == 0)
    first = max(0, last + 1 - max(SETTLE_ROUNDS, -(-last // 2)))
    window = history[..., first:]
    low, high = window.min(axis=-1), window.max(axis=-1)
    value = np.where(settled, history[..., -1], (low + high) / 2.0)
    return value, settled, first, low, high
