"""The numpy engine of the equal-gain exchange model (models.md section 5; Decide's EqualGainModel).

Notation for one round: actors a = 0..n-1, issues d = 0..m-1. Positions x[a, d] are on a 0-100
scale (each issue's own scale mapped onto 0-100, as Decide does, so the scale bounds and the
limits on moves mean the same on every issue; EX-03); NaN = takes no part. Saliences s[a, d] in
[0, 1], powers c[a, d], weights w = c s, W[d] = sum_a w[a, d], expected outcome
O[d] = sum_a w x / W[d]. `vote[a, d]` is a's voting position so far in the round.

A candidate exchange k is between actor i = ai[k], who demands issue p = pi[k] and supplies issue
q = qi[k], and actor j = aj[k], who demands q and supplies p: i moves on q toward j's position
x[j, q], j moves on p toward i's position x[i, p]. i is the one with the relatively higher
salience on p (s_ip / s_iq >= s_jp / s_jq). `dO` is the shift of an expected outcome.

Which outcome a candidate sees (EX-05): the round's starting O, moved by its supplier's current
vote and by the moves made so far this round *for its demander on that issue* (`record[D, d, M]`:
where actor M now votes on d after moving for demander D), not by every move of the round. That
is Decide's per-exchange `updates`; since every live candidate with demander D on d has seen the
same moves, they are kept once per (D, d) here. Decisions EX-xx are in docs/decisions.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

FLOOR = 1e-10  # a gain or move this small or smaller does not count (models.md)
TIE_RTOL = 1e-12  # gains within this relative distance of the best tie (EX-02)
SCALE_TOL = 1e-9  # a voting position may touch a scale end up to rounding (EX-02)
OUTCOME_TOL = 1e-9  # an outcome this close to a demander's position is at it (EX-04)
MAX_CANDIDATES = 300_000  # a few hundred MB of working arrays at most (EX-14)
MAX_RECORD = 25_000_000  # actors^2 x issues move records per round: 200 MB of float64 (EX-14)
FIXED_WEIGHT = 0.1  # start-position update: x + (0.1 + 0.4 (1 - s)) (y - x)
SALIENCE_WEIGHT = 0.4

# Common sign of an actor's earlier moves within one candidate (EX-10): none yet (0), all
# positive (1), all negative (-1), mixed (NaN, so that no comparison with it holds).
_NONE, _POS, _NEG, _MIXED = 0.0, 1.0, -1.0, np.nan
FACTS = ("s_ip", "s_iq", "s_jp", "s_jq", "w_iq", "w_jp", "W_p", "W_q", "x_ip", "x_jq", "x0_iq",
         "x0_jp", "to_p")


@dataclass
class Board:
    """The round-wide state: starting positions, weights, outcomes, votes and move records."""

    x0: np.ndarray  # (n, m) round-start positions
    w: np.ndarray  # (n, m) weights c s (0 where no part)
    W: np.ndarray  # (m,)
    O: np.ndarray  # (m,) round-start expected outcomes  # noqa: E741 - the paper's name
    vote: np.ndarray  # (n, m) current voting positions
    record: np.ndarray  # (n, m, n) record[D, d, M]; NaN = no move of M recorded for D on d
    shift: np.ndarray  # (n, m) sum over M of w[M, d] (record - x0[M, d]) / W[d]


@dataclass
class Candidates:
    """The candidate exchanges of one round: fixed facts plus their current computation."""

    ai: np.ndarray
    aj: np.ndarray
    pi: np.ndarray
    qi: np.ndarray
    facts: np.ndarray  # (k, 13): the columns of FACTS, fixed during the round
    canon: np.ndarray  # order for the seeded tie choice: actor ranks, then issues (EX-01)
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
    decide: bool  # reproduce Decide's arithmetic where it departs from models.md (EX-04)

    @property
    def size(self) -> int:
        return int(self.ai.size)


def expected_outcomes(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """O per issue over the actors taking part (NaN where the weights sum to zero)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(np.isfinite(x), x * w, 0.0).sum(axis=0) / w.sum(axis=0)


def new_board(x: np.ndarray, w: np.ndarray) -> Board:
    n, m = x.shape
    return Board(x0=x, w=w, W=w.sum(axis=0), O=expected_outcomes(x, w), vote=x.copy(),
                 record=np.full((n, m, n), np.nan), shift=np.zeros((n, m)))


class TooManyExchanges(ValueError):
    """A round would need more candidate exchanges (or move records) than the set limits."""

    def __init__(self, problem: str) -> None:
        self.problem = problem
        super().__init__(f"{problem}: run it on the issues that are bargained together (EX-14)")


def size_problem(x: np.ndarray, w: np.ndarray, max_candidates: int = MAX_CANDIDATES,
                 decide: bool = False) -> str | None:
    """Why a round from positions x is too large to run (None: it is not). Cheap: counts, no
    candidates built."""
    n, m = x.shape
    size = count_candidates(x, w, decide)
    if size > max_candidates:
        return (f"the exchange model would weigh {size:,} candidate exchanges in a round "
                f"({m} issues, {n} actors; at most {max_candidates:,})")
    if n * n * m > MAX_RECORD:
        return (f"the exchange model would keep {n * n * m:,} move records in a round ({n} "
                f"actors squared x {m} issues; at most {MAX_RECORD:,}, 200 MB)")
    return None


def sides(x: np.ndarray, outcome: np.ndarray, active: np.ndarray, decide: bool
          ) -> tuple[np.ndarray, np.ndarray]:
    """(below, above): which actors may trade as lying below / above O on each issue. An actor
    within 1e-9 of O lies on both sides (EX-16): it is on neither, and as a supplier any move
    away from O costs it alike (two actors both at O are not paired on that issue).
    `decide`: at O counts as below only, as in the reference (EX-08)."""
    below = active & (x <= outcome + OUTCOME_TOL)
    if decide:
        return below, active & ~below
    return below, active & (x >= outcome - OUTCOME_TOL)


def count_candidates(x: np.ndarray, w: np.ndarray, decide: bool = False) -> int:
    """How many candidate exchanges a round from positions x has (cheap: no candidates built).
    A pair of actors is a candidate on issues p < q when on each of them the two lie neither on
    the same side of O nor both at it: all pairs, less those together on p or on q."""
    active = np.isfinite(x) & (w > 0)
    below, above = sides(x, expected_outcomes(x, w), active, decide)
    places = [(below & ~above).astype(float), (above & ~below).astype(float),
              (below & above).astype(float)]
    act = active.astype(float)

    def pairs(k: np.ndarray) -> np.ndarray:
        return k * (k - 1) / 2

    same_p = sum(pairs(side.T @ act) for side in places)  # [p, q]: together on p
    same_both = sum(pairs(a.T @ b) for a in places for b in places)
    eligible = pairs(act.T @ act) - same_p - same_p.T + same_both
    return round(float(np.triu(eligible, k=1).sum()))


def build_candidates(b: Board, s: np.ndarray, decide: bool = False,
                     actor_rank: np.ndarray | None = None) -> Candidates:
    """Every eligible (actor pair, issue pair) of a round, in Decide's creation order (EX-07):
    issue pairs (p < q) in scenario order; for each, the actors above O on both issues paired
    with those at or below O on both, then above-on-p/below-on-q with below-on-p/above-on-q.
    An actor at O (within 1e-9) counts on both sides (EX-16; as below in the decide variant,
    EX-08); zero weight takes no part (EX-09).
    `actor_rank` orders the actors for the seeded choice between ties (EX-01)."""
    x = b.x0
    m = x.shape[1]
    active = np.isfinite(x) & (b.w > 0)
    below, above = sides(x, b.O, active, decide)
    at_outcome = below & above
    first, second, ps, qs = [], [], [], []
    for p in range(m - 1):
        for q in range(p + 1, m):
            both = active[:, p] & active[:, q]
            pair_first, pair_second = [], []
            for side_1, side_2 in (((above, above), (below, below)),
                                   ((above, below), (below, above))):
                a1 = np.flatnonzero(both & side_1[0][:, p] & side_1[1][:, q])
                a2 = np.flatnonzero(both & side_2[0][:, p] & side_2[1][:, q])
                if a1.size and a2.size:
                    pair_first.append(np.repeat(a1, a2.size))
                    pair_second.append(np.tile(a2, a1.size))
            if not pair_first:
                continue
            a1, a2 = np.concatenate(pair_first), np.concatenate(pair_second)
            if at_outcome[:, p].any() or at_outcome[:, q].any():
                # Two actors at O on one issue stand together there: nothing to trade (EX-16).
                apart = ~((at_outcome[a1, p] & at_outcome[a2, p])
                          | (at_outcome[a1, q] & at_outcome[a2, q]))
                a1, a2 = a1[apart], a2[apart]
            first.append(a1)
            second.append(a2)
            ps.append(np.full(a1.size, p))
            qs.append(np.full(a1.size, q))
    empty = [np.zeros(0, dtype=np.intp)]
    a1, a2 = np.concatenate(first or empty), np.concatenate(second or empty)
    p, q = np.concatenate(ps or empty), np.concatenate(qs or empty)
    # The one with the relatively higher salience on p demands p; on equal ratios the first
    # (the gain is then zero anyway).
    swap = s[a1, p] / s[a1, q] < s[a2, p] / s[a2, q]
    ai, aj = np.where(swap, a2, a1), np.where(swap, a1, a2)
    k = ai.size
    s_ip, s_iq, s_jp, s_jq = s[ai, p], s[ai, q], s[aj, p], s[aj, q]
    # x_ip, x_jq: the demand positions stay put during a round (EX-06).
    facts = np.column_stack([
        s_ip, s_iq, s_jp, s_jq, b.w[ai, q], b.w[aj, p], b.W[p], b.W[q], x[ai, p], x[aj, q],
        x[ai, q], x[aj, p], (s_ip + s_jp) / (s_iq + s_jq)]) if k else np.zeros((0, len(FACTS)))
    rank = np.arange(x.shape[0]) if actor_rank is None else actor_rank
    canon = ((rank[ai].astype(np.int64) * x.shape[0] + rank[aj]) * m + p) * m + q
    c = Candidates(ai=ai, aj=aj, pi=p, qi=q, facts=facts, canon=canon,
                   hist_sum_i=np.zeros(k), hist_sign_i=np.zeros(k),
                   hist_sum_j=np.zeros(k), hist_sign_j=np.zeros(k),
                   move_i=np.zeros(k), move_j=np.zeros(k), y_i=np.zeros(k), y_j=np.zeros(k),
                   gain=np.zeros(k), valid=np.zeros(k, dtype=bool),
                   decide=decide)
    calculate(c, b, np.arange(k))
    return c


def _move_ok(move, start, hist_sum, hist_sign, decide: bool):
    """Decide's is_move_valid: a real move, inside the scale, at most 100 in all, and in the same
    direction as the actor's earlier moves in this candidate (EX-10). "At most 100 in all" is on
    the size of the summed moves; the reference checks the signed sum, which downward moves
    never reach: kept in the decide variant only (EX-17)."""
    size = np.abs(move)
    end = start + move
    same_direction = (hist_sign == _NONE) | (hist_sign * move > 0)
    total = hist_sum + move if decide else np.abs(hist_sum + move)
    return ((size > FLOOR) & (size <= 100.0) & (end >= -SCALE_TOL) & (end <= 100.0 + SCALE_TOL)
            & (total <= 100.0) & same_direction)


def _crosses(target, before, after, stop_at_target: bool):
    """True where the outcome would pass target: it moves from one side to the other, or (with
    stop_at_target) it starts at target, up to rounding, and moves away (EX-04)."""
    a, z = target - before, target - after
    passes = ((a > OUTCOME_TOL) & (z < 0)) | ((a < -OUTCOME_TOL) & (z > 0))
    if stop_at_target:
        passes |= (np.abs(a) <= OUTCOME_TOL) & (np.abs(z) > OUTCOME_TOL)
    return passes


def _room(target, outcome):
    """How far the outcome may still move before it reaches target (0 when it is there)."""
    room = np.abs(target - outcome)
    return np.where(room <= OUTCOME_TOL, 0.0, room)


def _view(b: Board, demander, issue, supplier, w_s, x0_s, W):
    """The outcome a candidate sees on `issue` with its supplier at its round-start position,
    and the supplier's recorded vote there (NaN: none; used by the "decide" variant), EX-05."""
    own = b.record[demander, issue, supplier]
    own_shift = np.where(np.isnan(own), 0.0, w_s * (own - x0_s) / W)
    return b.O[issue] + b.shift[demander, issue] - own_shift, own


def calculate(c: Candidates, b: Board, k: np.ndarray) -> None:
    """(Re)compute the equal-gain exchange of candidates k in place: the moves, voting positions,
    gain and validity (models.md section 5; Decide's EqualGainExchange.calculate)."""
    if k.size == 0:
        return
    ai, aj, p, q = c.ai[k], c.aj[k], c.pi[k], c.qi[k]
    (s_ip, s_iq, s_jp, s_jq, w_iq, w_jp, W_p, W_q, x_ip, x_jq, x0_iq, x0_jp,
     to_p) = c.facts[k].T  # to_p: equal gain means dO_q = dO_p (s_ip + s_jp) / (s_iq + s_jq)
    xs_i, xs_j = b.vote[ai, q], b.vote[aj, p]
    full_i, full_j = np.abs(x_jq - xs_i), np.abs(x_ip - xs_j)
    # j moves fully to x_ip on p; if i's equal-gain move on q would pass x_jq, i moves fully to
    # x_jq instead and j's move follows from the equal gain.
    dO_p = full_j * w_jp / W_p
    dO_q = dO_p * to_p
    move_i = dO_q * W_q / w_iq
    over = move_i > full_i
    if over.any():
        dO_q = np.where(over, full_i * w_iq / W_q, dO_q)
        dO_p = np.where(over, dO_q / to_p, dO_p)
        move_i = np.where(over, full_i, move_i)
        move_j = np.where(over, dO_p * W_p / w_jp, full_j)
    else:
        move_j = full_j
    sign_i = np.where(xs_i > x_jq, -1.0, 1.0)
    sign_j = np.where(xs_j > x_ip, -1.0, 1.0)
    move_i, move_j = move_i * sign_i, move_j * sign_j
    gain = np.abs(dO_q * s_iq - dO_p * s_ip)
    hist_i = (c.hist_sum_i[k], c.hist_sign_i[k])
    hist_j = (c.hist_sum_j[k], c.hist_sign_j[k])
    valid = (_move_ok(move_i, xs_i, *hist_i, c.decide) & _move_ok(move_j, xs_j, *hist_j, c.decide)
             & (gain > FLOOR))

    # The outcome must not pass the demander's position: first i's move on q against x_jq,
    # then j's on p against x_ip (Decide's check_nbs, in that order; EX-04).
    view_q, own_i = _view(b, aj, q, ai, w_iq, x0_iq, W_q)
    start_q = view_q + w_iq * (xs_i - x0_iq) / W_q
    cross = valid & _crosses(x_jq, start_q, start_q + w_iq * move_i / W_q, not c.decide)
    clipped = bool(cross.any())
    if clipped:
        base_i = np.where(np.isnan(own_i), xs_i, own_i) if c.decide else xs_i
        shift_q = _room(x_jq, view_q + w_iq * (base_i - x0_iq) / W_q)
        shift_p = shift_q / to_p
        move_i = np.where(cross, shift_q * W_q / w_iq * sign_i, move_i)
        move_j = np.where(cross, shift_p * W_p / w_jp * sign_j, move_j)
        gain = np.where(cross, np.abs(shift_p * s_jp - shift_q * s_jq), gain)
    view_p, own_j = _view(b, ai, p, aj, w_jp, x0_jp, W_p)
    start_p = view_p + w_jp * (xs_j - x0_jp) / W_p
    cross = valid & _crosses(x_ip, start_p, start_p + w_jp * move_j / W_p, not c.decide)
    if cross.any():
        clipped = True
        base_j = np.where(np.isnan(own_j), xs_j, own_j) if c.decide else xs_j
        shift_p = _room(x_ip, view_p + w_jp * (base_j - x0_jp) / W_p)
        shift_q = shift_p * to_p
        move_j = np.where(cross, shift_p * W_p / w_jp * sign_j, move_j)
        move_i = np.where(cross, shift_q * W_q / w_iq * sign_i, move_i)
        gain = np.where(cross, np.abs(shift_q * s_iq - shift_p * s_ip), gain)

    if clipped:  # unclipped moves were checked above already
        valid &= (_move_ok(move_i, xs_i, *hist_i, c.decide)
                  & _move_ok(move_j, xs_j, *hist_j, c.decide))
    # A full move lands exactly on the partner's position (as in Decide's exact decimals).
    c.y_i[k] = np.where(over & (np.abs(move_i) == full_i), x_jq, xs_i + move_i)
    c.y_j[k] = np.where(~over & (np.abs(move_j) == full_j), x_ip, xs_j + move_j)
    c.move_i[k], c.move_j[k], c.gain[k], c.valid[k] = move_i, move_j, gain, valid


class Index:
    """Candidates by (actor, issue) key, for the four roles an (actor, issue) can play."""

    def __init__(self, c: Candidates, n_keys: int, m: int) -> None:
        self._tables = [self._table(key, n_keys) for key in (
            c.ai * m + c.qi, c.aj * m + c.pi,  # supplies
            c.ai * m + c.pi, c.aj * m + c.qi)]  # demands

    @staticmethod
    def _table(keys: np.ndarray, n_keys: int) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(keys, kind="stable")
        return order, np.searchsorted(keys[order], np.arange(n_keys + 1))

    def get(self, role: int, key: int) -> np.ndarray:
        order, starts = self._tables[role]
        return order[starts[key]:starts[key + 1]]


def _push_history(hist_sum, hist_sign, k, move):
    """An actor's current move in candidates k joins its earlier moves (EX-10)."""
    new_sign = np.where(move > 0, _POS, _NEG)
    old = hist_sign[k]
    hist_sign[k] = np.where(old == _NONE, new_sign, np.where(old == new_sign, old, _MIXED))
    hist_sum[k] += move


def _record(b: Board, demander: int, issue: int, mover: int, y: float) -> None:
    """Record that mover now votes y on issue, moved for demander: a first record is y; a later
    one keeps the position nearer the mover's start (Decide's update_updates), EX-05."""
    old = float(b.record[demander, issue, mover])
    x0 = float(b.x0[mover, issue])
    if math.isnan(old):
        new, before = y, x0
    else:
        new = min(old, y) if x0 <= old else max(old, y)
        before = old
    b.record[demander, issue, mover] = new
    b.shift[demander, issue] += float(b.w[mover, issue]) * (new - before) / float(b.W[issue])


def _distinct(values: np.ndarray) -> np.ndarray:
    """np.unique of a 1-d integer array (sorted, each value once), without the numpy.ma import
    np.unique triggers (about 10-20 ms of a fresh process)."""
    ordered = np.sort(values)
    if ordered.size > 1:
        ordered = ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]
    return ordered


def apply_realised(c: Candidates, b: Board, index: Index, r: int,
                   alive: np.ndarray) -> np.ndarray:
    """After candidate r is carried out: update the votes and move records, and recompute the
    live candidates that share an (actor, supply issue) or an (actor, demand issue) with it
    (Decide's recalculate). Returns the recomputed candidates."""
    m = b.x0.shape[1]
    ai, aj, p, q = int(c.ai[r]), int(c.aj[r]), int(c.pi[r]), int(c.qi[r])
    b.vote[ai, q], b.vote[aj, p] = c.y_i[r], c.y_j[r]
    supply_keys = (ai * m + q, aj * m + p)
    sup_i = np.concatenate([index.get(0, key) for key in supply_keys])
    sup_j = np.concatenate([index.get(1, key) for key in supply_keys])
    sup_i, sup_j = sup_i[alive[sup_i]], sup_j[alive[sup_j]]
    _push_history(c.hist_sum_i, c.hist_sign_i, sup_i, c.move_i[sup_i])
    _push_history(c.hist_sum_j, c.hist_sign_j, sup_j, c.move_j[sup_j])
    # j of r demanded q and i moved there; i of r demanded p and j moved there.
    _record(b, aj, q, ai, float(c.y_i[r]))
    _record(b, ai, p, aj, float(c.y_j[r]))
    demand_keys = (aj * m + q, ai * m + p)
    dem = [index.get(role, key) for role in (2, 3) for key in demand_keys]
    changed = _distinct(np.concatenate([sup_i, sup_j, *dem]))
    changed = changed[alive[changed]]
    calculate(c, b, changed)
    return changed


def pick_best(c: Candidates, score: np.ndarray, rng: np.random.Generator | None
              ) -> tuple[int, int]:
    """The live candidate with the highest gain (score = gain, -inf when not live), and how many
    tied with it. Ties go to the earliest-created candidate when rng is None, else to a seeded
    random choice among them in the canonical order, which does not depend on how the actors
    are listed (EX-01)."""
    best = int(np.argmax(score))
    top = score[best]
    tied = np.flatnonzero(score >= top - TIE_RTOL * abs(top))
    if tied.size == 1:
        return best, 1
    if rng is None:
        return int(tied[0]), int(tied.size)
    tied = tied[np.argsort(c.canon[tied], kind="stable")]
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
              decide: bool = False, actor_rank: np.ndarray | None = None) -> RoundRows:
    """One round: candidates, highest gain first with recomputation, the round's outcome over
    the voting positions, and the next starting positions x + (0.1 + 0.4 (1 - s)) (y - x)."""
    b = new_board(x, w)
    c = build_candidates(b, s, decide, actor_rank)
    index = Index(c, x.size, x.shape[1])
    alive = c.valid.copy()
    score = np.where(alive, c.gain, -np.inf)
    rows = []
    moved = np.zeros(x.shape, dtype=bool)
    while alive.any():
        r, tied = pick_best(c, score, rng)
        alive[r] = False
        score[r] = -np.inf
        ai, aj, p, q = int(c.ai[r]), int(c.aj[r]), int(c.pi[r]), int(c.qi[r])
        rows.append(RealisedRow(ai, aj, p, q, float(b.vote[ai, q]), float(c.y_i[r]),
                                float(b.vote[aj, p]), float(c.y_j[r]), float(c.gain[r]), tied))
        moved[ai, q] = moved[aj, p] = True
        changed = apply_realised(c, b, index, r, alive)
        alive[changed] = c.valid[changed]
        score[changed] = np.where(c.valid[changed], c.gain[changed], -np.inf)
    share = FIXED_WEIGHT + SALIENCE_WEIGHT * (1.0 - s)
    following = np.where(moved, x + share * (b.vote - x), x)
    return RoundRows(b.O, expected_outcomes(b.vote, w), tuple(rows), following, c.size)


def run_rounds(x: np.ndarray, s: np.ndarray, c: np.ndarray, rounds: int,
               rng: np.random.Generator | None, decide: bool = False,
               max_candidates: int = MAX_CANDIDATES, actor_rank: np.ndarray | None = None
               ) -> list[RoundRows]:
    """`rounds` rounds from starting positions x (0-100 scale), saliences s and powers c.
    `actor_rank`: the actors' places in a canonical order (default: as listed)."""
    w = np.where(np.isfinite(x), c * s, 0.0)
    s = np.where(np.isfinite(x), s, 0.0)
    out = []
    for _ in range(rounds):
        problem = size_problem(x, w, max_candidates, decide)
        if problem is not None:
            raise TooManyExchanges(problem)
        result = run_round(x, s, w, rng, decide, actor_rank)
        out.append(result)
        x = result.next_positions
    return out
