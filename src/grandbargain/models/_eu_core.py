"""The expected-utility ("challenge") model's arithmetic: pure numpy functions, one round at a time.

Notation (docs/spec models.md section 4), one issue, n actors in a fixed order:
  x (n,) positions; s (n,) saliences in [0, 1]; c (n,) capabilities; w = c * s;
  width R > 0 (the distance that counts as "the whole scale"); r (n,) risk exponents.
Every (n, n) matrix M is indexed M[i, j] with i the row actor and j the column actor:
  N[i, j]   weighted votes for x_i over x_j (`vote_margins`);
  P[i, j]   probability that i wins a challenge against j;
  E[i, j]   expected utility of i challenging j, from i's side (`expected_challenge`).
Offers are described from the receiving actor's side: row i receives, column j proposes.
Nothing here loops over dyads; the only Python loops are over rounds (in expected_utility.py).
"""

from __future__ import annotations

import numpy as np

# Offer kinds, in the order an actor prefers them (docs/decisions.md EU-07).
NONE, CONFRONTATION, COMPROMISE, CAPITULATION = 0, 1, 2, 3
KIND_NAMES = {CONFRONTATION: "confrontation", COMPROMISE: "compromise",
              CAPITULATION: "capitulation"}


def vote_margins(x: np.ndarray, w: np.ndarray, r: np.ndarray, width: float) -> np.ndarray:
    """N[i, j] = sum_k w_k max(0, (|x_k - x_j| / R)^r_k - (|x_k - x_i| / R)^r_k).

    The voters who prefer x_i to x_j are exactly those on x_i's side of the midpoint, so with
    the voters sorted by position each entry is a difference of two prefix (or suffix) sums:
    O(n^2 log n) time and O(n^2) memory instead of the O(n^3) triple sum.
    """
    n = x.size
    order = np.argsort(x, kind="stable")
    xs = x[order]
    weighted = w[order, None] * (np.abs(xs[:, None] - x[None, :]) / width) ** r[order, None]
    zero = np.zeros((1, n))
    prefix = np.concatenate([zero, np.cumsum(weighted, axis=0)])  # sum over the first m voters
    suffix = np.concatenate([np.cumsum(weighted[::-1], axis=0)[::-1], zero])  # from voter m on
    mid = (x[:, None] + x[None, :]) / 2.0
    rows, cols = np.indices((n, n))
    below = np.searchsorted(xs, mid, side="left")   # voters strictly left of the midpoint
    above = np.searchsorted(xs, mid, side="right")  # first voter strictly right of it
    left_wins = prefix[below, cols] - prefix[below, rows]
    right_wins = suffix[above, cols] - suffix[above, rows]
    lower = x[:, None] < x[None, :]
    higher = x[:, None] > x[None, :]
    out = np.where(lower, left_wins, np.where(higher, right_wins, 0.0))
    return np.maximum(out, 0.0)  # rounding in the differences must not make a margin negative


def probabilities_textbook(margins: np.ndarray) -> np.ndarray:
    """P[i, j] = N[i, j] / (N[i, j] + N[j, i]); 1/2 where nobody prefers either (EU-04)."""
    total = margins + margins.T
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, margins / total, 0.5)


def probabilities_scholz(margins: np.ndarray) -> np.ndarray:
    """P[i, j] = N[i, j] / sum over every voter and ordered pair of |vote| (= 2 sum N)."""
    total = 2.0 * margins.sum()
    return margins / total if total > 0 else np.zeros_like(margins)


def _utility(base: np.ndarray, r_rows: np.ndarray) -> np.ndarray:
    # Scaled distances are in [0, 1] by construction; rounding can push one an ulp past 1 when
    # the width is the positions' own range, and a negative base to a fractional power is NaN.
    return 2.0 - 4.0 * np.maximum(base, 0.0) ** r_rows


def success_failure(distance: np.ndarray, r_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """U_s and U_f for scaled distances |x_i - x_j| / R, risk exponent per row."""
    return _utility(0.5 - 0.5 * distance, r_rows), _utility(0.5 + 0.5 * distance, r_rows)


def status_quo_utility(r: np.ndarray) -> np.ndarray:
    return 2.0 - 4.0 * 0.5 ** r


def expected_challenge(p: np.ndarray, target_salience: np.ndarray, u_success: np.ndarray,
                       u_failure: np.ndarray, u_status_quo: np.ndarray, q: float) -> np.ndarray:
    """s_target [P U_s + (1 - P) U_f] + (1 - s_target) U_s - Q U_sq (arrays broadcast)."""
    resist = target_salience * (p * u_success + (1.0 - p) * u_failure)
    return resist + (1.0 - target_salience) * u_success - q * u_status_quo


def textbook_challenges(x: np.ndarray, s: np.ndarray, p: np.ndarray, r: np.ndarray, q: float,
                        t: float | None, median: float, width: float) -> np.ndarray:
    """E[i, j] = E_i(ij): i challenging j, every utility with i's own risk exponent r_i."""
    r_rows = r[:, None]
    gap = np.abs(x[:, None] - x[None, :]) / width
    u_s, u_f = success_failure(gap, r_rows)
    u_sq = status_quo_utility(r)[:, None]
    out = expected_challenge(p, s[None, :], u_s, u_f, u_sq, q)
    if q != 1.0:
        drift = (np.abs(x - median)[:, None] / width + gap) / 4.0
        u_better = _utility(0.5 - drift, r_rows)
        u_worse = _utility(0.5 + drift, r_rows)
        better = (np.abs(x - median)[:, None] < np.abs(x[:, None] - x[None, :])
                  ).astype(float) if t is None else t
        out = out - (1.0 - q) * (better * u_better + (1.0 - better) * u_worse)
    return out


def scholz_challenges(x: np.ndarray, s: np.ndarray, p: np.ndarray, r: np.ndarray, q: float,
                      width: float) -> tuple[np.ndarray, np.ndarray]:
    """From receiver i's side, both with r_i: (E(i challenges j), E(j challenges i))."""
    r_rows = r[:, None]
    gap = np.abs(x[:, None] - x[None, :]) / width
    u_s, u_f = success_failure(gap, r_rows)
    u_sq = status_quo_utility(r)[:, None]
    own = expected_challenge(p, s[None, :], u_s, u_f, u_sq, q)
    other = expected_challenge(p.T, s[:, None], u_s, u_f, u_sq, q)
    return own, other


def security(challenges: np.ndarray) -> np.ndarray:
    """Sec_j = sum_{i != j} E[i, j]: what the others expect from challenging j."""
    return challenges.sum(axis=0) - np.diag(challenges)


def risk_exponents(sec: np.ndarray) -> np.ndarray:
    """r_i = (1 - R_i / 3) / (1 + R_i / 3), R_i = (2 Sec_i - max - min) / (max - min).

    When every actor is equally secure, R_i = 0 and r_i = 1 (EU-05).
    """
    high, low = sec.max(), sec.min()
    if not high > low:
        return np.ones_like(sec)
    risk = (2.0 * sec - high - low) / (high - low)
    return (1.0 - risk / 3.0) / (1.0 + risk / 3.0)


def offer_matrices(x: np.ndarray, receiver_eu: np.ndarray, proposer_eu: np.ndarray,
                   capitulation: bool) -> tuple[np.ndarray, np.ndarray]:
    """Kinds and target positions of the offer that column j makes to row i.

    receiver_eu[i, j] = b (i challenging j), proposer_eu[i, j] = a (j challenging i):
    a > b > 0: confrontation, i moves to x_j; a > 0 > b, a > |b|: compromise, i moves
    |b / a| of the way to x_j; a > 0 > b, |b| >= a: capitulation (if allowed), i moves to x_j.
    """
    a, b = proposer_eu, receiver_eu
    differ = x[:, None] != x[None, :]
    confront = differ & (a > b) & (b > 0)
    compromise = differ & (a > 0) & (b < 0) & (a > -b)
    kinds = np.where(confront, CONFRONTATION, np.where(compromise, COMPROMISE, NONE))
    if capitulation:
        kinds = np.where(differ & (a > 0) & (b < 0) & (-b >= a), CAPITULATION, kinds)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(kinds == COMPROMISE, np.abs(b / a), 1.0)
    targets = x[:, None] + (x[None, :] - x[:, None]) * share
    return kinds, targets


def choose_offers(x: np.ndarray, kinds: np.ndarray, targets: np.ndarray, rule: str,
                  receiver_eu: np.ndarray, proposer_eu: np.ndarray) -> np.ndarray:
    """The proposer whose offer each actor accepts (-1: none), by `rule` (EU-07):

    - "type-first": the lowest kind (confrontation, compromise, capitulation), then the
      smallest move;
    - "least-move": the smallest move, then the lowest kind;
    - "scholz-2011": confrontation with the smallest move, else the compromise whose
      |EU|-weighted average (|b| x_i + |a| x_j) / (|a| + |b|) is smallest.
    Remaining ties go to the lowest column index.
    """
    offered = kinds != NONE
    move = np.abs(targets - x[:, None])
    kind_rank = np.where(offered, kinds, np.iinfo(np.int64).max)
    if rule == "least-move":
        first = np.where(offered, move, np.inf)
        second = kind_rank
    else:
        first = kind_rank
        second = move
        if rule == "scholz-2011":
            a, b = np.abs(proposer_eu), np.abs(receiver_eu)
            with np.errstate(invalid="ignore", divide="ignore"):
                average = (b * x[:, None] + a * x[None, :]) / (a + b)
            second = np.where(kinds == COMPROMISE, average, move)
    best_first = first.min(axis=1, keepdims=True)
    candidates = offered & (first == best_first)
    chosen = np.where(candidates, second, np.inf).argmin(axis=1)
    return np.where(offered.any(axis=1), chosen, -1)


def walk_median(x: np.ndarray, w: np.ndarray, width: float) -> float:
    """The distinct position that wins the sequential pairwise vote (votes with exponent 1).

    Walking the distinct positions in ascending order and keeping a candidate until one
    beats it ends at the first position with the least weighted distance sum_k w_k |x_k - u|,
    so that is what this computes (EU-09).
    """
    candidates = np.unique(x)
    cost = (w[:, None] * (np.abs(x[:, None] - candidates[None, :]) / width)).sum(axis=0)
    return float(candidates[int(np.argmin(cost))])
