"""The numpy engine of the equal-gain exchange model (models.md section 5; Decide's EqualGainModel).

Notation for one round: actors a = 0..n-1, issues d = 0..m-1. Positions x[a, d] are on a 0-100
scale (each issue's own scale mapped onto 0-100, as Decide does, so the scale bounds and the 1e-10
and 100 limits on moves mean the same on every issue; EX-03); NaN = takes no part. Saliences
s[a, d] in [0, 1], powers c[a, d], weights w = c s, W[d] = sum_a w[a, d], expected outcome
O[d] = sum_a w x / W[d].

A candidate exchange k is between actor i = ai[k], who demands issue p = pi[k] and supplies issue
q = qi[k], and actor j = aj[k], who demands q and supplies p: i moves on q toward j's position
x[j, q], j moves on p toward i's position x[i, p]. i is the one with the relatively higher
salience on p (s_ip / s_iq >= s_jp / s_jq). `dO` is the shift of an expected outcome.

Each candidate sees the expected outcome of its two issues as Decide does (EX-05): the round's
starting O, moved by its own supplier's current position and by the realised moves recorded for
it (the moves made for one of its two actors as demander on that issue), not by every move of the
round. Decisions cited as EX-xx are in docs/decisions.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GAIN_FLOOR = 1e-10  # an exchange whose gain (or a move) is this small or smaller is dropped
TIE_RTOL = 1e-12  # gains within this relative distance of the best are a tie (EX-02)
SCALE_TOL = 1e-9  # a voting position may touch the scale end up to rounding (EX-02)
OUTCOME_TOL = 1e-9  # an outcome this close to a demander's position is at it (EX-04)
FIXED_WEIGHT = 0.1  # start-position update: x + (0.1 + 0.4 (1 - s)) (y - x)
SALIENCE_WEIGHT = 0.4

# Sign of an actor's earlier moves in one candidate: none yet, all positive, all negative, mixed.
_NONE, _POS, _NEG, _MIXED = 0, 1, -1, 2


@dataclass
class Candidates:
    """The candidate exchanges of one round (mutable working state, one row per candidate)."""

    ai: np.ndarray  # actor demanding p, supplying q
    aj: np.ndarray  # actor demanding q, supplying p
    pi: np.ndarray
    qi: np.ndarray
    s_ip: np.ndarray
    s_iq: np.ndarray
    s_jp: np.ndarray
    s_jq: np.ndarray
    w_iq: np.ndarray
    w_jp: np.ndarray
    W_p: np.ndarray
    W_q: np.ndarray
    O_p: np.ndarray  # the round's starting expected outcomes
    O_q: np.ndarray
    x_ip: np.ndarray  # demand positions (fixed during the round, EX-06)
    x_jq: np.ndarray
    x0_iq: np.ndarray  # round-start supply positions
    x0_jp: np.ndarray
    xs_i: np.ndarray  # current supply positions (moved by realised exchanges)
    xs_j: np.ndarray
    off_q: np.ndarray  # sum w (u - x0) of the recorded moves on q by actors other than i
    off_p: np.ndarray  # same on p, actors other than j
    own_q: np.ndarray  # recorded move of i itself on q (NaN: none)
    own_p: np.ndarray
    hist_sum_i: np.ndarray  # i's earlier moves in this candidate: their sum and common sign
    hist_sign_i: np.ndarray
    hist_sum_j: np.ndarray
    hist_sign_j: np.ndarray
    move_i: np.ndarray
    move_j: np.ndarray
    y_i: np.ndarray  # voting positions after the exchange
    y_j: np.ndarray
    gain: np.ndarray
    valid: np.ndarray
    tie_key: np.ndarray  # creation order: issue pair, then group pair, then actors
    stop_at_demander: bool = True  # an outcome already at the demander's position blocks

    @property
    def size(self) -> int:
        return int(self.ai.size)


def expected_outcomes(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """O per issue over the actors taking part (NaN where the weights sum to zero)."""
    total = w.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(np.isfinite(x), x * w, 0.0).sum(axis=0) / total


def build_candidates(x: np.ndarray, s: np.ndarray, w: np.ndarray,
                     stop_at_demander: bool = True) -> Candidates:
    """Every eligible (actor pair, issue pair) of a round, in Decide's creation order (EX-07):
    issue pairs (p < q) in scenario order; for each, the actors on the high side of O on both
    issues paired with those on the low side of both, then high-on-p/low-on-q with
    low-on-p/high-on-q. An actor exactly at O counts as low (EX-08)."""
    n, m = x.shape
    W = w.sum(axis=0)
    O = expected_outcomes(x, w)
    active = np.isfinite(x) & (w > 0)  # zero weight: no part in any exchange (EX-09)
    low = np.where(active, x <= O, False)
    code = low.astype(np.int8)
    first, second, ps, qs = [], [], [], []
    for p in range(m - 1):
        for q in range(p + 1, m):
            both = active[:, p] & active[:, q]
            group = code[:, p] + 2 * code[:, q]
            for g1, g2 in ((0, 3), (1, 2)):
                a = np.flatnonzero(both & (group == g1))
                b = np.flatnonzero(both & (group == g2))
                if a.size and b.size:
                    first.append(np.repeat(a, b.size))
                    second.append(np.tile(b, a.size))
                    ps.append(np.full(a.size * b.size, p))
                    qs.append(np.full(a.size * b.size, q))
    if not first:
        empty = np.zeros(0, dtype=np.intp)
        first, second, ps, qs = [empty], [empty], [empty], [empty]
    a1, a2 = np.concatenate(first), np.concatenate(second)
    p, q = np.concatenate(ps), np.concatenate(qs)
    # The actor with the relatively higher salience on p demands p (Decide keeps the first
    # actor as demander when the ratios are equal; the gain is then zero anyway).
    swap = s[a1, p] / s[a1, q] < s[a2, p] / s[a2, q]
    ai, aj = np.where(swap, a2, a1), np.where(swap, a1, a2)
    k = ai.size
    cand = Candidates(
        ai=ai, aj=aj, pi=p, qi=q,
        s_ip=s[ai, p], s_iq=s[ai, q], s_jp=s[aj, p], s_jq=s[aj, q],
        w_iq=w[ai, q], w_jp=w[aj, p], W_p=W[p], W_q=W[q], O_p=O[p], O_q=O[q],
        x_ip=x[ai, p], x_jq=x[aj, q], x0_iq=x[ai, q], x0_jp=x[aj, p],
        xs_i=x[ai, q].copy(), xs_j=x[aj, p].copy(),
        off_q=np.zeros(k), off_p=np.zeros(k), own_q=np.full(k, np.nan), own_p=np.full(k, np.nan),
        hist_sum_i=np.zeros(k), hist_sign_i=np.zeros(k, dtype=np.int8),
        hist_sum_j=np.zeros(k), hist_sign_j=np.zeros(k, dtype=np.int8),
        move_i=np.zeros(k), move_j=np.zeros(k), y_i=np.zeros(k), y_j=np.zeros(k),
        gain=np.zeros(k), valid=np.zeros(k, dtype=bool), tie_key=np.arange(k),
        stop_at_demander=stop_at_demander,
    )
    calculate(cand, np.arange(k))
    return cand


def _move_ok(move, start, hist_sum, hist_sign):
    """Decide's is_move_valid: a real move, inside the scale, at most 100 in all, and in the same
    direction as the actor's earlier moves in this candidate (EX-10)."""
    size = np.abs(move)
    end = start + move
    same_direction = ((hist_sign == _NONE) | ((hist_sign == _POS) & (move > 0))
                      | ((hist_sign == _NEG) & (move < 0)))
    return ((size > GAIN_FLOOR) & (size <= 100.0) & (end >= -SCALE_TOL)
            & (end <= 100.0 + SCALE_TOL) & (hist_sum + move <= 100.0) & same_direction)


def _toward(start, target):
    return np.where(start > target, -1.0, 1.0)


def calculate(c: Candidates, k: np.ndarray) -> None:
    """(Re)compute the equal-gain exchange of candidates k in place: the moves, voting positions,
    gain and validity (models.md section 5; Decide's EqualGainExchange.calculate)."""
    if k.size == 0:
        return
    s_ip, s_iq, s_jp, s_jq = c.s_ip[k], c.s_iq[k], c.s_jp[k], c.s_jq[k]
    w_iq, w_jp, W_p, W_q = c.w_iq[k], c.w_jp[k], c.W_p[k], c.W_q[k]
    x_ip, x_jq, xs_i, xs_j = c.x_ip[k], c.x_jq[k], c.xs_i[k], c.xs_j[k]
    to_p = (s_ip + s_jp) / (s_iq + s_jq)  # dO_q = dO_p (s_ip + s_jp) / (s_iq + s_jq)
    full_j = np.abs(x_ip - xs_j)
    full_i = np.abs(x_jq - xs_i)
    # First j moves fully to x_ip on p; if i's equal-gain move on q would pass x_jq, i moves
    # fully to x_jq instead and j's move follows from the equal gain.
    dO_p = full_j * w_jp / W_p
    dO_q = dO_p * to_p
    move_i = dO_q * W_q / w_iq
    move_j = full_j.copy()
    over = move_i > full_i
    dO_q = np.where(over, full_i * w_iq / W_q, dO_q)
    dO_p = np.where(over, dO_q / to_p, dO_p)
    move_i = np.where(over, full_i, move_i)
    move_j = np.where(over, dO_p * W_p / w_jp, move_j)
    sign_i, sign_j = _toward(xs_i, x_jq), _toward(xs_j, x_ip)
    move_i, move_j = move_i * sign_i, move_j * sign_j
    gain = np.abs(dO_q * s_iq - dO_p * s_ip)
    hist = (c.hist_sum_i[k], c.hist_sign_i[k], c.hist_sum_j[k], c.hist_sign_j[k])
    valid = (_move_ok(move_i, xs_i, hist[0], hist[1]) & _move_ok(move_j, xs_j, hist[2], hist[3])
             & (gain > GAIN_FLOOR))

    # The outcome must not pass the demander's position: first i's move on q against x_jq,
    # then j's on p against x_ip (Decide's check_nbs, in that order; EX-04).
    view_q = c.O_q[k] + c.off_q[k] / W_q
    view_p = c.O_p[k] + c.off_p[k] / W_p
    x0_iq, x0_jp = c.x0_iq[k], c.x0_jp[k]
    base_i = np.where(np.isnan(c.own_q[k]), xs_i, c.own_q[k])
    base_j = np.where(np.isnan(c.own_p[k]), xs_j, c.own_p[k])

    before = view_q + w_iq * (xs_i - x0_iq) / W_q
    after = view_q + w_iq * (xs_i + move_i - x0_iq) / W_q
    cross = valid & _crosses(x_jq, before, after, c.stop_at_demander)
    if cross.any():
        shift_q = _room(x_jq, view_q + w_iq * (base_i - x0_iq) / W_q)
        shift_p = shift_q / to_p
        move_i = np.where(cross, shift_q * W_q / w_iq * sign_i, move_i)
        move_j = np.where(cross, shift_p * W_p / w_jp * sign_j, move_j)
        gain = np.where(cross, np.abs(shift_p * s_jp - shift_q * s_jq), gain)

    before = view_p + w_jp * (xs_j - x0_jp) / W_p
    after = view_p + w_jp * (xs_j + move_j - x0_jp) / W_p
    cross = valid & _crosses(x_ip, before, after, c.stop_at_demander)
    if cross.any():
        shift_p = _room(x_ip, view_p + w_jp * (base_j - x0_jp) / W_p)
        shift_q = shift_p * to_p
        move_j = np.where(cross, shift_p * W_p / w_jp * sign_j, move_j)
        move_i = np.where(cross, shift_q * W_q / w_iq * sign_i, move_i)
        gain = np.where(cross, np.abs(shift_q * s_iq - shift_p * s_ip), gain)

    valid &= _move_ok(move_i, xs_i, hist[0], hist[1]) & _move_ok(move_j, xs_j, hist[2], hist[3])
    # A full move lands exactly on the partner's position (as in Decide's exact decimals).
    y_i = np.where(over & (np.abs(move_i) == full_i), x_jq, xs_i + move_i)
    y_j = np.where(~over & (np.abs(move_j) == full_j), x_ip, xs_j + move_j)
    c.move_i[k], c.move_j[k], c.y_i[k], c.y_j[k] = move_i, move_j, y_i, y_j
    c.gain[k], c.valid[k] = gain, valid


def _crosses(target, before, after, stop_at_target: bool):
    """True where the outcome would pass target: it moves from one side to the other, or (with
    stop_at_target) it starts at target, up to rounding, and moves away (EX-04)."""
    a, b = target - before, target - after
    passes = ((a > OUTCOME_TOL) & (b < 0)) | ((a < -OUTCOME_TOL) & (b > 0))
    if stop_at_target:
        passes |= (np.abs(a) <= OUTCOME_TOL) & (np.abs(b) > OUTCOME_TOL)
    return passes


def _room(target, outcome):
    """How far the outcome may still move before it reaches target (0 when it is there)."""
    room = np.abs(target - outcome)
    return np.where(room <= OUTCOME_TOL, 0.0, room)


def _push_history(hist_sum, hist_sign, k, move):
    """An actor's current move in candidates k becomes part of its earlier moves (EX-10)."""
    new_sign = np.where(move > 0, _POS, _NEG).astype(np.int8)
    old = hist_sign[k]
    hist_sign[k] = np.where(old == _NONE, new_sign, np.where(old == new_sign, old, _MIXED))
    hist_sum[k] += move


def _record_move(c: Candidates, k: np.ndarray, on_p: bool, mover: int, y: float, x0: float,
                 w_mover: np.ndarray, store: dict) -> None:
    """Record that `mover` now votes y on the candidates' p (or q) issue, as Decide's `updates`
    do: a first record is y; a later one keeps the earlier position (EX-05)."""
    if k.size == 0:
        return
    side = 0 if on_p else 1
    keys = ((k * 2 + side) * 1_000_003 + mover).tolist()
    old = np.array([store.get(key, np.nan) for key in keys])
    rightward = np.where(np.isnan(old), True, x0 <= old)
    new = np.where(np.isnan(old), y, np.where(rightward, np.where(old < y, old, y),
                                               np.where(old > y, old, y)))
    store.update(zip(keys, new.tolist(), strict=True))
    supplier = (c.aj if on_p else c.ai)[k] == mover
    own, off = (c.own_p, c.off_p) if on_p else (c.own_q, c.off_q)
    delta = w_mover * (new - np.where(np.isnan(old), x0, old))
    own[k[supplier]] = new[supplier]
    off[k[~supplier]] += delta[~supplier]


def apply_realised(c: Candidates, r: int, alive: np.ndarray, w: np.ndarray,
                   store: dict) -> np.ndarray:
    """After candidate r is carried out: move the supply positions of the alive candidates that
    share an (actor, supply issue) with it, record its moves for those that share an (actor,
    demand issue), recompute all of them, and return their indices (Decide's recalculate)."""
    ai, aj, p, q = c.ai[r], c.aj[r], c.pi[r], c.qi[r]
    yi, yj = c.y_i[r], c.y_j[r]
    # Same actor and supply issue: i of r supplied q, j of r supplied p.
    sup_i_a = alive & (c.ai == ai) & (c.qi == q)
    sup_i_b = alive & (c.ai == aj) & (c.qi == p)
    sup_j_a = alive & (c.aj == ai) & (c.pi == q)
    sup_j_b = alive & (c.aj == aj) & (c.pi == p)
    sup_i, sup_j = sup_i_a | sup_i_b, sup_j_a | sup_j_b
    k_i, k_j = np.flatnonzero(sup_i), np.flatnonzero(sup_j)
    _push_history(c.hist_sum_i, c.hist_sign_i, k_i, c.move_i[k_i])
    _push_history(c.hist_sum_j, c.hist_sign_j, k_j, c.move_j[k_j])
    c.xs_i[k_i] = np.where(sup_i_a[k_i], yi, yj)
    c.xs_j[k_j] = np.where(sup_j_a[k_j], yi, yj)
    # Same actor and demand issue: j of r demanded q (i moved there), i of r demanded p.
    dem_q_on_q = alive & (c.aj == aj) & (c.qi == q)
    dem_q_on_p = alive & (c.ai == aj) & (c.pi == q)
    dem_p_on_q = alive & (c.aj == ai) & (c.qi == p)
    dem_p_on_p = alive & (c.ai == ai) & (c.pi == p)
    x0i, x0j = c.x0_iq[r], c.x0_jp[r]
    for mask, on_p, mover, y, x0, issue in (
            (dem_q_on_q, False, ai, yi, x0i, q), (dem_q_on_p, True, ai, yi, x0i, q),
            (dem_p_on_q, False, aj, yj, x0j, p), (dem_p_on_p, True, aj, yj, x0j, p)):
        _record_move(c, np.flatnonzero(mask), on_p, int(mover), float(y), float(x0),
                     w[mover, issue], store)
    changed = np.flatnonzero(sup_i | sup_j | dem_q_on_q | dem_q_on_p | dem_p_on_q | dem_p_on_p)
    calculate(c, changed)
    return changed


def pick_best(c: Candidates, alive: np.ndarray, rng: np.random.Generator | None
              ) -> tuple[int, int]:
    """The alive candidate with the highest gain, and how many tied with it. Ties go to a seeded
    random choice, or to the earliest-created candidate when rng is None (EX-01)."""
    gains = np.where(alive, c.gain, -np.inf)
    best = int(np.argmax(gains))
    top = gains[best]
    tied = np.flatnonzero(alive & (c.gain >= top - TIE_RTOL * abs(top)))
    if tied.size == 1:
        return best, 1
    if rng is None:
        return int(tied[0]), int(tied.size)
    return int(tied[rng.integers(tied.size)]), int(tied.size)


@dataclass(frozen=True)
class RealisedRow:
    """One carried-out exchange on the 0-100 scale (indices into the scenario's actors/issues)."""

    actor_i: int
    actor_j: int
    issue_p: int
    issue_q: int
    i_from: float
    i_to: float
    j_from: float
    j_to: float
    gain: float
    tied: int


@dataclass(frozen=True)
class RoundRows:
    """One round on the 0-100 scale: starting and final expected outcomes, the exchanges in the
    order they were carried out, and the next round's starting positions."""

    start: np.ndarray
    outcome: np.ndarray
    exchanges: tuple[RealisedRow, ...]
    next_positions: np.ndarray
    candidates: int


def run_round(x: np.ndarray, s: np.ndarray, w: np.ndarray, rng: np.random.Generator | None,
              stop_at_demander: bool = True) -> RoundRows:
    """One round: candidates, highest gain first with recomputation, the round's outcome over
    the voting positions, and the next starting positions x + (0.1 + 0.4 (1 - s)) (y - x)."""
    c = build_candidates(x, s, w, stop_at_demander)
    alive = c.valid.copy()
    store: dict = {}
    rows = []
    while alive.any():
        r, tied = pick_best(c, alive, rng)
        alive[r] = False
        rows.append(RealisedRow(int(c.ai[r]), int(c.aj[r]), int(c.pi[r]), int(c.qi[r]),
                                float(c.xs_i[r]), float(c.y_i[r]), float(c.xs_j[r]),
                                float(c.y_j[r]), float(c.gain[r]), tied))
        changed = apply_realised(c, r, alive, w, store)
        alive[changed] = c.valid[changed]
    voting = x.copy()
    following = x.copy()
    for row in rows:
        voting[row.actor_i, row.issue_q] = row.i_to
        voting[row.actor_j, row.issue_p] = row.j_to
    moved = np.zeros(x.shape, dtype=bool)
    for row in rows:
        moved[row.actor_i, row.issue_q] = moved[row.actor_j, row.issue_p] = True
    share = FIXED_WEIGHT + SALIENCE_WEIGHT * (1.0 - s)
    following[moved] = x[moved] + share[moved] * (voting[moved] - x[moved])
    return RoundRows(expected_outcomes(x, w), expected_outcomes(voting, w), tuple(rows),
                     following, c.size)


def run_rounds(x: np.ndarray, s: np.ndarray, c: np.ndarray, rounds: int,
               rng: np.random.Generator | None, stop_at_demander: bool = True
               ) -> list[RoundRows]:
    """`rounds` rounds from starting positions x (0-100 scale), saliences s and powers c."""
    w = np.where(np.isfinite(x), c * s, 0.0)
    out = []
    for _ in range(rounds):
        result = run_round(x, s, w, rng, stop_at_demander)
        out.append(result)
        x = result.next_positions
    return out
