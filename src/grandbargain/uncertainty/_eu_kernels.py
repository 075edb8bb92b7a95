"""Compiled (numba) kernels for the expected-utility model over a block of draws (U-13).

One draw at a time, every (n, n) quantity of `grandbargain.models._eu_core` computed in the
core's own order of operations: numpy's pairwise summation for sums along the last axis
(`_psum`), sequential sums where numpy reduces along another axis or takes a cumulative sum,
the same comparisons and tie rules. The one thing not done here is raising to the risk
exponent: numpy's `power` may use a vectorised library (SVML) whose last bit differs from the
C library's `pow`, so the caller computes every power with numpy, exactly as the core does,
and hands the results in (`slot` says which rows have them). Results then equal the core's
bit for bit (tests/test_uncertainty_eu.py).
Importing this module fails without numba; `_eu_batched` then uses its numpy path.
"""

from __future__ import annotations

import numpy as np
from numba import njit

NONE, CONFRONTATION, COMPROMISE, CAPITULATION = 0, 1, 2, 3
EU_TOL = 1e-12
MOVE_TOL = 1e-9
INT_MAX = np.iinfo(np.int64).max
RULES = {"least-move": 0, "type-first": 1, "scholz-2011": 2}
RISKS = {"every-round": 0, "first-round": 1, "neutral": 2}

_jit = njit(cache=True, error_model="numpy", nogil=True)


@_jit
def _psum_block(a, start, n):  # pragma: no cover - compiled
    """numpy's pairwise sum of a[start:start + n] for n <= 128 (one block)."""
    if n < 8:
        res = 0.0
        for i in range(start, start + n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[start], a[start + 1], a[start + 2], a[start + 3]
    r4, r5, r6, r7 = a[start + 4], a[start + 5], a[start + 6], a[start + 7]
    i = 8
    stop = n - (n % 8)
    while i < stop:
        k = start + i
        r0 += a[k]
        r1 += a[k + 1]
        r2 += a[k + 2]
        r3 += a[k + 3]
        r4 += a[k + 4]
        r5 += a[k + 5]
        r6 += a[k + 6]
        r7 += a[k + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[start + i]
        i += 1
    return res


@_jit
def _psum(a, start, n):  # pragma: no cover - compiled
    """numpy's pairwise sum of a[start:start + n] (np.add.reduce of a contiguous row): blocks
    of at most 128 summed with 8 accumulators, larger runs halved (at a multiple of 8) and the
    halves added. Written without recursion: numba's cache cannot reload a recursive
    function."""
    if n <= 128:
        return _psum_block(a, start, n)
    starts = np.empty(64, dtype=np.int64)
    sizes = np.empty(64, dtype=np.int64)
    stages = np.empty(64, dtype=np.int64)
    partial = np.empty(64)
    top = 1
    starts[0], sizes[0], stages[0] = start, n, 0
    result = 0.0
    while top > 0:
        f = top - 1
        m = sizes[f]
        if m <= 128:
            result = _psum_block(a, starts[f], m)
            top -= 1
            continue
        half = m // 2
        half -= half % 8
        if stages[f] == 0:
            stages[f] = 1
            starts[top], sizes[top], stages[top] = starts[f], half, 0
            top += 1
        elif stages[f] == 1:
            partial[f] = result
            stages[f] = 2
            starts[top], sizes[top], stages[top] = starts[f] + half, m - half, 0
            top += 1
        else:
            result = partial[f] + result
            top -= 1
    return result


@_jit
def _stable_order(x, order):  # pragma: no cover - compiled
    """np.argsort(x, kind="stable") into `order` (insertion sort: n is small)."""
    n = x.size
    for i in range(n):
        order[i] = i
    for i in range(1, n):
        k = order[i]
        v = x[k]
        j = i - 1
        while j >= 0 and x[order[j]] > v:
            order[j + 1] = order[j]
            j -= 1
        order[j + 1] = k


@_jit
def _margins(x, w, width, powered, out, table, order, xs):  # pragma: no cover - compiled
    """`Votes.margins` for every ordered pair: out[i, j] = N[i, j]. `powered` (n, n): the
    distances (|xs_k - x_j| / R) ** r_k per column j and sorted voter k, or an empty array for
    every exponent 1."""
    n = x.size
    _stable_order(x, order)
    for k in range(n):
        xs[k] = x[order[k]]
    use_power = powered.shape[0] > 0
    row = np.empty(n)
    for j in range(n):
        for k in range(n):
            d = powered[j, k] if use_power else abs(xs[k] - x[j]) / width
            row[k] = d * w[order[k]]
        table[j, 0] = 0.0
        table[j, 2 * n + 1] = 0.0
        total = row[0]
        table[j, 1] = total
        for k in range(1, n):
            total = total + row[k]
            table[j, 1 + k] = total
        total = row[n - 1]
        table[j, 2 * n] = total
        for m in range(1, n):
            total = total + row[n - 1 - m]
            table[j, 2 * n - m] = total
    for i in range(n):
        xi = x[i]
        for j in range(n):
            xj = x[j]
            mid = (xi + xj) / 2.0
            if n <= 64:  # count the sorted voters below / not above the midpoint (no branches)
                lo = 0
                if xi < xj:
                    for k in range(n):
                        lo += xs[k] < mid
                    col = lo
                else:
                    for k in range(n):
                        lo += xs[k] <= mid
                    col = n + 1 + lo
            elif xi < xj:  # voters strictly left of the midpoint
                lo, hi = 0, n
                while lo < hi:
                    h = (lo + hi) // 2
                    if xs[h] < mid:
                        lo = h + 1
                    else:
                        hi = h
                col = lo
            else:  # voters from the first one right of it
                lo, hi = 0, n
                while lo < hi:
                    h = (lo + hi) // 2
                    if xs[h] <= mid:
                        lo = h + 1
                    else:
                        hi = h
                col = n + 1 + lo
            value = table[j, col] - table[i, col]
            out[i, j] = value if (value >= 0.0 or value != value) else 0.0  # np.maximum


@_jit
def _probabilities(margins, scholz, p, rows):  # pragma: no cover - compiled
    """P (EU-04): textbook mine / (mine + theirs), else 0.5; scholz-2011 N / total."""
    n = margins.shape[0]
    if scholz:
        for i in range(n):
            rows[i] = _psum(margins[i], 0, n)
        total = 2.0 * _psum(rows, 0, n)
        for i in range(n):
            for j in range(n):
                p[i, j] = margins[i, j] / total if total > 0 else 0.0
        return
    for i in range(n):
        for j in range(n):
            both = margins[i, j] + margins[j, i]
            p[i, j] = margins[i, j] / both if both > 0 else 0.5


@_jit
def _expected(p, target_salience, u_s, u_f, u_sq, q):  # pragma: no cover - compiled
    resist = target_salience * (p * u_s + (1.0 - p) * u_f)
    return resist + (1.0 - target_salience) * u_s - q * u_sq


@_jit
def _plain_utility(base):  # pragma: no cover - compiled
    return 2.0 - 4.0 * (base if (base >= 0.0 or base != base) else 0.0)  # np.maximum


@_jit
def _challenges(x, s, width, median, p, q, extra, t_given, t, out,
                u_s_r, u_f_r, u_sq_r, u_b_r, u_w_r):  # pragma: no cover - compiled
    """E[i, j] (`_Round.challenges`); the *_r arrays hold the powered utilities of this draw's
    rows (empty: every exponent 1)."""
    n = x.size
    powered = u_s_r.shape[0] > 0
    for i in range(n):
        to_median = abs(x[i] - median)
        for j in range(n):
            gap = abs(x[i] - x[j]) / width
            if powered:
                us, uf, usq = 2.0 - 4.0 * u_s_r[i, j], 2.0 - 4.0 * u_f_r[i, j], u_sq_r[i]
            else:
                us, uf, usq = _plain_utility(0.5 - 0.5 * gap), _plain_utility(0.5 + 0.5 * gap), 0.0
            value = _expected(p[i, j], s[j], us, uf, usq, q)
            if extra:
                if powered:
                    ub, uw = 2.0 - 4.0 * u_b_r[i, j], 2.0 - 4.0 * u_w_r[i, j]
                else:
                    drift = (to_median / width + gap) / 4.0
                    ub, uw = _plain_utility(0.5 - drift), _plain_utility(0.5 + drift)
                better = t if t_given else (1.0 if to_median < abs(x[i] - x[j]) else 0.0)
                value = value - (1.0 - q) * (better * ub + (1.0 - better) * uw)
            out[i, j] = value


@_jit
def probabilities(x, w, width, scholz, p0):  # pragma: no cover - compiled
    """Per draw: P with every r = 1 (`_Round._p(None)`) into p0 (draws, n, n)."""
    size, n = x.shape
    margins = np.empty((n, n))
    table = np.empty((n, 2 * (n + 1)))
    order = np.empty(n, dtype=np.int64)
    xs = np.empty(n)
    rows = np.empty(n)
    empty2 = np.empty((0, 0))
    for b in range(size):
        _margins(x[b], w[b], width[b], empty2, margins, table, order, xs)
        _probabilities(margins, scholz, p0[b], rows)


@_jit
def security_risk(x, s, width, median, p0, q, extra, t_given, t,
                  risk):  # pragma: no cover - compiled
    """Per draw: Sec_j = sum_{i != j} E[i, j] with every r = 1 (P from p0), then the risk
    exponents (`risk_exponents`), into `risk`."""
    size, n = x.shape
    e = np.empty((n, n))
    sec = np.empty(n)
    empty2 = np.empty((0, 0))
    empty1 = np.empty(0)
    for b in range(size):
        _challenges(x[b], s[b], width[b], median[b], p0[b], q, extra, t_given, t, e,
                    empty2, empty2, empty1, empty2, empty2)
        for j in range(n):
            total = e[0, j]
            for i in range(1, n):
                total = total + e[i, j]
            sec[j] = total - e[j, j]
        high, low = sec[0], sec[0]
        for j in range(1, n):
            high = max(high, sec[j])
            low = min(low, sec[j])
        spread = high - low
        equal = spread <= EU_TOL * max(1.0, max(abs(high), abs(low)))
        for j in range(n):
            if equal:
                risk[b, j] = 1.0
            else:
                r = (2.0 * sec[j] - high - low) / spread
                risk[b, j] = (1.0 - r / 3.0) / (1.0 + r / 3.0)


@_jit
def offers(x, s, w, width, median, p0, slot, table_r, u_s_r, u_f_r, u_sq_r, u_b_r, u_w_r,
           scholz, q, extra, t_given, t, rule, balanced, rank, new_x):  # pragma: no cover
    """Per draw: every actor's accepted offer (`_Round.offers` and `choose`), its new position
    into `new_x`. slot[b] >= 0: the row of the powered arrays holding draw b's exponents;
    p0: P with every r = 1 (the textbook's P, and scholz-2011's where every r is 1)."""
    size, n = x.shape
    margins = np.empty((n, n))
    p_r = np.empty((n, n))
    receiver = np.empty((n, n))
    table = np.empty((n, 2 * (n + 1)))
    order = np.empty(n, dtype=np.int64)
    xs = np.empty(n)
    rows = np.empty(n)
    kinds = np.empty(n, dtype=np.int64)
    targets = np.empty(n)
    proposer_row = np.empty(n)
    key = np.empty(n)
    empty2 = np.empty((0, 0))
    empty1 = np.empty(0)
    for b in range(size):
        xb, sb, wb = x[b], s[b], w[b]
        r = slot[b]
        if r >= 0 and scholz:
            _margins(xb, wb, width[b], table_r[r], margins, table, order, xs)
            _probabilities(margins, scholz, p_r, rows)
            p = p_r
        else:
            p = p0[b]
        if r >= 0:
            _challenges(xb, sb, width[b], median[b], p, q, extra, t_given, t, receiver,
                        u_s_r[r], u_f_r[r], u_sq_r[r], u_b_r[r] if extra else empty2,
                        u_w_r[r] if extra else empty2)
        else:
            _challenges(xb, sb, width[b], median[b], p, q, extra, t_given, t, receiver,
                        empty2, empty2, empty1, empty2, empty2)
        tol = MOVE_TOL * width[b]
        for i in range(n):
            xi = xb[i]
            for j in range(n):
                if scholz:  # j challenging i, from i's side with r_i
                    gap = abs(xi - xb[j]) / width[b]
                    if r >= 0:
                        us = 2.0 - 4.0 * u_s_r[r, i, j]
                        uf = 2.0 - 4.0 * u_f_r[r, i, j]
                        usq = u_sq_r[r, i]
                    else:
                        us = _plain_utility(0.5 - 0.5 * gap)
                        uf = _plain_utility(0.5 + 0.5 * gap)
                        usq = 0.0
                    proposer_row[j] = _expected(p[j, i], sb[i], us, uf, usq, q)
                else:
                    proposer_row[j] = receiver[j, i]
            # offer kinds (EU-06)
            for j in range(n):
                a = proposer_row[j]
                bb = receiver[i, j]
                diff = xb[j] - xi
                differ = diff != 0.0
                if scholz:
                    gains = differ and a > 0.0
                    loses = bb < 0.0
                    confront = differ and a > bb and bb > 0.0
                    compromise = gains and loses and a > -bb
                else:
                    gains = differ and a > EU_TOL
                    loses = bb < -EU_TOL
                    confront = differ and a > bb + EU_TOL and bb > EU_TOL
                    compromise = gains and loses and a > EU_TOL - bb
                kind = CONFRONTATION if confront else NONE
                if compromise:
                    kind = COMPROMISE
                elif not scholz and gains and loses:
                    kind = CAPITULATION
                kinds[j] = kind
                targets[j] = xi + diff * abs(bb / a) if compromise else xb[j]
            # the choice (EU-07, EU-16)
            stay = True
            for j in range(n):
                if kinds[j] != NONE:
                    stay = False
            if rule == 2:  # scholz-2011
                best_kind = 127
                for j in range(n):
                    if kinds[j] != NONE and kinds[j] < best_kind:
                        best_kind = kinds[j]
                least = np.inf
                nan = False
                for j in range(n):
                    if kinds[j] != NONE and kinds[j] == best_kind:
                        if kinds[j] == COMPROMISE:
                            aa = abs(proposer_row[j])
                            ab = abs(receiver[i, j])
                            value = (ab * xi + aa * xb[j]) / (aa + ab)
                        else:
                            value = abs(targets[j] - xi)
                    else:
                        value = np.inf
                    key[j] = value
                    if value != value:
                        nan = True
                    elif value < least:
                        least = value
                for j in range(n):
                    key[j] = 1.0 if (kinds[j] != NONE and not nan and key[j] == least) else 0.0
            else:
                least = np.inf
                if rule == 0:  # least-move
                    for j in range(n):
                        if kinds[j] != NONE:
                            least = min(least, abs(targets[j] - xi))
                    best_kind = 127
                    for j in range(n):
                        if kinds[j] != NONE and abs(targets[j] - xi) <= least + tol:
                            best_kind = min(best_kind, kinds[j])
                    for j in range(n):
                        key[j] = 1.0 if (kinds[j] != NONE
                                         and abs(targets[j] - xi) <= least + tol
                                         and kinds[j] == best_kind) else 0.0
                else:  # type-first
                    best_kind = 127
                    for j in range(n):
                        if kinds[j] != NONE:
                            best_kind = min(best_kind, kinds[j])
                    for j in range(n):
                        if kinds[j] != NONE and kinds[j] == best_kind:
                            least = min(least, abs(targets[j] - xi))
                    for j in range(n):
                        key[j] = 1.0 if (kinds[j] != NONE and kinds[j] == best_kind
                                         and abs(targets[j] - xi) <= least + tol) else 0.0
                stay = least == np.inf
                if balanced:
                    up, down = False, False
                    for j in range(n):
                        if key[j] > 0.0 and targets[j] != xi:
                            if targets[j] > xi:
                                up = True
                            else:
                                down = True
                    if up and down:
                        stay = True
            chosen = 0
            best_rank = INT_MAX
            for j in range(n):
                if key[j] > 0.0 and rank[b, j] < best_rank:
                    best_rank = rank[b, j]
                    chosen = j
            new_x[b, i] = xi if stay else targets[chosen]


@_jit
def _weighted_median(x, w, order, xs, cum):  # pragma: no cover - compiled
    """`weighted_median`: positions sorted by (position, weight), zero weights dropped."""
    n = x.size
    for i in range(n):
        order[i] = i
    for i in range(1, n):
        k = order[i]
        j = i - 1
        while j >= 0 and (x[order[j]] > x[k] or (x[order[j]] == x[k] and w[order[j]] > w[k])):
            order[j + 1] = order[j]
            j -= 1
        order[j + 1] = k
    m = 0
    total = 0.0
    for i in range(n):
        k = order[i]
        if w[k] > 0:
            total = w[k] if m == 0 else total + w[k]
            xs[m] = x[k]
            cum[m] = total
            m += 1
    if m == 0:
        return np.nan
    half = cum[m - 1] / 2.0
    tol = 1e-12 * cum[m - 1]
    target = half - tol
    k = 0
    while k < m and cum[k] < target:
        k += 1
    if k >= m:  # searchsorted past the end: numpy would index out of range; never reached
        k = m - 1
    if cum[k] <= half + tol and k + 1 < m:
        return (xs[k] + xs[k + 1]) / 2.0
    return xs[k]


@_jit
def _walk_median(x, w, width, rank, cost, near, seen):  # pragma: no cover - compiled
    """`walk_median` (EU-09) of one draw."""
    n = x.size
    for u in range(n):
        total = 0.0
        for k in range(n):
            value = w[k] * (abs(x[k] - x[u]) / width)
            total = value if k == 0 else total + value
        cost[u] = total
    best = cost[0]
    for u in range(1, n):
        best = min(best, cost[u])
    bound = best + 1e-9 * max(abs(best), 1e-300)
    first = 0
    first_rank = INT_MAX
    for u in range(n):
        near[u] = cost[u] <= bound
        if near[u] and cost[u] == best and rank[u] < first_rank:
            first_rank = rank[u]
            first = u
    out = x[first]
    tied = False
    for u in range(n):
        if near[u] and x[u] != out:
            tied = True
    if not tied:
        return out
    # the replication's walk over the distinct near positions in file order
    by_file = np.empty(n, dtype=np.int64)
    for u in range(n):
        by_file[rank[u]] = u
    count = 0
    for f in range(n):
        u = by_file[f]
        if near[u]:
            fresh = True
            for c in range(count):
                if seen[c] == x[u]:
                    fresh = False
            if fresh:
                seen[count] = x[u]
                count += 1
    m = seen[0]
    for c in range(1, count):
        candidate = seen[c]
        total = 0.0
        for f in range(n):
            u = by_file[f]
            vote = w[u] * (abs(x[u] - m) / width - abs(x[u] - candidate) / width)
            total = vote if f == 0 else total + vote
        if total > 0:
            m = candidate
    return m


@_jit
def medians(x, w, width, scholz, rank, out):  # pragma: no cover - compiled
    """The round's median per draw: the walk (scholz-2011) or the weighted median."""
    size, n = x.shape
    order = np.empty(n, dtype=np.int64)
    xs = np.empty(n)
    cum = np.empty(n)
    near = np.empty(n, dtype=np.bool_)
    for b in range(size):
        if scholz:
            out[b] = _walk_median(x[b], w[b], width[b], rank[b], cum, near, xs)
        else:
            out[b] = _weighted_median(x[b], w[b], order, xs, cum)


@_jit
def bases(x, width, median, risk, rows, scholz, extra, u_s, u_f, u_b, u_w, table,
          voter_risk):  # pragma: no cover - compiled
    """What each round raises to a risk exponent, for the draws `rows` (row k of each output
    for draw rows[k]): the utilities' bases max(0.5 -+ 0.5 gap, 0) (and the textbook's
    better/worse ones when q != 1), and for scholz-2011 the distances |xs_m - x_j| / R per
    column j and sorted voter m with the sorted voters' exponents. The caller raises them with
    numpy (see the module's docstring)."""
    n = x.shape[1]
    order = np.empty(n, dtype=np.int64)
    for k in range(rows.size):
        b = rows[k]
        xb = x[b]
        wd = width[b]
        for i in range(n):
            to_median = abs(xb[i] - median[b])
            for j in range(n):
                gap = abs(xb[i] - xb[j]) / wd
                base = 0.5 - 0.5 * gap
                u_s[k, i, j] = base if (base >= 0.0 or base != base) else 0.0
                base = 0.5 + 0.5 * gap
                u_f[k, i, j] = base if (base >= 0.0 or base != base) else 0.0
                if extra:
                    drift = (to_median / wd + gap) / 4.0
                    base = 0.5 - drift
                    u_b[k, i, j] = base if (base >= 0.0 or base != base) else 0.0
                    base = 0.5 + drift
                    u_w[k, i, j] = base if (base >= 0.0 or base != base) else 0.0
        if scholz:
            _stable_order(xb, order)
            for m in range(n):
                voter_risk[k, 0, m] = risk[b, order[m]]
            for j in range(n):
                for m in range(n):
                    table[k, j, m] = abs(xb[order[m]] - xb[j]) / wd
