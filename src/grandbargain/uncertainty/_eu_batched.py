"""The expected-utility model batched over Monte Carlo draws (decision U-06).

Each function mirrors one of `grandbargain.models._eu_core` with a leading draw axis b:
vectors are (B, n), matrices (B, n, n) indexed [b, i, j] as in the core's notation, and the
scale width is (B,). Every reduction runs over the same elements in the same order as the
one-draw code, so each draw's forecast equals `ExpectedUtilityModel.forecast` bit for bit
(tests/test_uncertainty_eu.py checks it for both variants and every option).
"""

from __future__ import annotations

import numpy as np

from grandbargain.models import _eu_core as core
from grandbargain.models.compromise import weighted_mean
from grandbargain.models.median import weighted_median_draws


def _col(v: np.ndarray) -> np.ndarray:  # (B, n) -> (B, n, 1): the row actor i
    return v[:, :, None]


def _row(v: np.ndarray) -> np.ndarray:  # (B, n) -> (B, 1, n): the column actor j
    return v[:, None, :]


def _per_draw(v: np.ndarray) -> np.ndarray:  # (B,) -> (B, 1, 1)
    return v[:, None, None]


def _transpose(m: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(m.swapaxes(-1, -2))


def vote_margins(x, w, r, width):
    """core.vote_margins per draw: prefix and suffix sums over the voters sorted by position."""
    size, n = x.shape
    order = np.argsort(x, axis=-1, kind="stable")
    xs = np.take_along_axis(x, order, -1)
    distance = np.abs(_col(xs) - _row(x)) / _per_draw(width)
    if not np.all(r == 1.0):  # d ** 1.0 is d exactly: skip the costly power
        distance = distance ** _col(np.take_along_axis(r, order, -1))
    weighted = _col(np.take_along_axis(w, order, -1)) * distance
    zero = np.zeros((size, 1, n))
    prefix = np.concatenate([zero, np.cumsum(weighted, axis=1)], axis=1)
    suffix = np.concatenate([np.cumsum(weighted[:, ::-1], axis=1)[:, ::-1], zero], axis=1)
    mid = (_col(x) + _row(x)) / 2.0
    # searchsorted left/right on each draw's sorted positions = how many lie below / not above
    voters = np.ascontiguousarray(xs.T)[:, :, None, None]  # (n, B, 1, 1): sum over voters
    below = (voters < mid).sum(axis=0, dtype=np.intp)
    above = (voters <= mid).sum(axis=0, dtype=np.intp)
    b = np.arange(size)[:, None, None]
    rows, cols = np.indices((n, n))
    left_wins = prefix[b, below, cols] - prefix[b, below, rows]
    right_wins = suffix[b, above, cols] - suffix[b, above, rows]
    lower = _col(x) < _row(x)
    higher = _col(x) > _row(x)
    out = np.where(lower, left_wins, np.where(higher, right_wins, 0.0))
    return np.maximum(out, 0.0)


def probabilities_textbook(margins):
    total = margins + _transpose(margins)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, margins / total, 0.5)


def probabilities_scholz(margins):
    size = margins.shape[0]
    total = 2.0 * np.ascontiguousarray(margins).reshape(size, -1).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(_per_draw(total) > 0, margins / _per_draw(total), 0.0)


def textbook_challenges(x, s, p, r, q, t, median, width):
    r_rows = _col(r)
    gap = np.abs(_col(x) - _row(x)) / _per_draw(width)
    u_s, u_f = core.success_failure(gap, r_rows)
    u_sq = _col(core.status_quo_utility(r))
    out = core.expected_challenge(p, _row(s), u_s, u_f, u_sq, q)
    if q != 1.0:
        drift = (_col(np.abs(x - median[:, None])) / _per_draw(width) + gap) / 4.0
        u_better = 2.0 - 4.0 * (0.5 - drift) ** r_rows
        u_worse = 2.0 - 4.0 * (0.5 + drift) ** r_rows
        better = (_col(np.abs(x - median[:, None])) < np.abs(_col(x) - _row(x))
                  ).astype(float) if t is None else t
        out = out - (1.0 - q) * (better * u_better + (1.0 - better) * u_worse)
    return out


def scholz_challenges(x, s, p, r, q, width):
    r_rows = _col(r)
    gap = np.abs(_col(x) - _row(x)) / _per_draw(width)
    u_s, u_f = core.success_failure(gap, r_rows)
    u_sq = _col(core.status_quo_utility(r))
    own = core.expected_challenge(p, _row(s), u_s, u_f, u_sq, q)
    other = core.expected_challenge(_transpose(p), _col(s), u_s, u_f, u_sq, q)
    return own, other


def security(challenges):
    return challenges.sum(axis=1) - np.diagonal(challenges, axis1=1, axis2=2)


def risk_exponents(sec):
    high, low = sec.max(axis=-1, keepdims=True), sec.min(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        risk = (2.0 * sec - high - low) / (high - low)
        out = (1.0 - risk / 3.0) / (1.0 + risk / 3.0)
    return np.where(high > low, out, 1.0)


def offer_matrices(x, receiver_eu, proposer_eu, capitulation: bool):
    a, b = proposer_eu, receiver_eu
    differ = _col(x) != _row(x)
    confront = differ & (a > b) & (b > 0)
    compromise = differ & (a > 0) & (b < 0) & (a > -b)
    kinds = np.where(confront, core.CONFRONTATION, np.where(compromise, core.COMPROMISE,
                                                            core.NONE))
    if capitulation:
        kinds = np.where(differ & (a > 0) & (b < 0) & (-b >= a), core.CAPITULATION, kinds)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(kinds == core.COMPROMISE, np.abs(b / a), 1.0)
    targets = _col(x) + (_row(x) - _col(x)) * share
    return kinds, targets


def choose_offers(x, kinds, targets, rule: str, receiver_eu, proposer_eu):
    offered = kinds != core.NONE
    move = np.abs(targets - _col(x))
    kind_rank = np.where(offered, kinds, np.iinfo(np.int64).max)
    if rule == "least-move":
        first, second = np.where(offered, move, np.inf), kind_rank
    else:
        first, second = kind_rank, move
        if rule == "scholz-2011":
            a, b = np.abs(proposer_eu), np.abs(receiver_eu)
            with np.errstate(invalid="ignore", divide="ignore"):
                average = (b * _col(x) + a * _row(x)) / (a + b)
            second = np.where(kinds == core.COMPROMISE, average, move)
    best_first = first.min(axis=-1, keepdims=True)
    candidates = offered & (first == best_first)
    chosen = np.where(candidates, second, np.inf).argmin(axis=-1)
    return np.where(offered.any(axis=-1), chosen, -1)


def walk_median(x, w, width):
    """core.walk_median per draw: every position is a candidate (repeats cost the same, and
    argmin keeps the first), so the first cheapest distinct position wins as in the core."""
    candidates = np.sort(x, axis=-1)
    cost = (_col(w) * (np.abs(_col(x) - _row(candidates)) / _per_draw(width))).sum(axis=1)
    return np.take_along_axis(candidates, cost.argmin(axis=-1)[:, None], -1)[:, 0]


def _median(x, w, width, variant):
    if variant == "scholz-2011":
        return walk_median(x, w, width)
    return weighted_median_draws(x, w)


def _textbook_probabilities(x, w, width):
    """The textbook's P[i, j]: votes with exponent 1, so the same for every r in a round."""
    return probabilities_textbook(vote_margins(x, w, np.ones_like(x), width))


def _challenges(x, s, w, r, width, settings, median, p_textbook=None):
    if settings.variant == "scholz-2011":
        p = probabilities_scholz(vote_margins(x, w, r, width))
        return scholz_challenges(x, s, p, r, settings.q, width)
    p = _textbook_probabilities(x, w, width) if p_textbook is None else p_textbook
    table = textbook_challenges(x, s, p, r, settings.q, settings.t, median, width)
    return table, _transpose(table)


def _risk(x, s, w, width, settings, median, p_textbook=None):
    ones = np.ones_like(x)
    if settings.risk == "neutral":
        return ones
    own, _ = _challenges(x, s, w, ones, width, settings, median, p_textbook)
    return risk_exponents(security(own))


def run_draws(x, s, c, width, rounds: int, settings, tolerance):
    """The rounds of `expected_utility.simulate` for every draw at once (canonical order).
    A draw stops when nobody moves or its median settles within `tolerance`; later rounds run
    on the draws still going. Returns the last (median, mean) per draw."""
    w = c * s
    median = _median(x, w, width, settings.variant)
    out_median, out_mean = median.copy(), np.full(x.shape[0], np.nan)
    going = np.arange(x.shape[0])
    risk = None
    for _ in range(rounds):
        textbook = settings.variant == "textbook"
        p = _textbook_probabilities(x, w, width) if textbook else None  # once per round
        if risk is None or settings.risk == "every-round":
            risk = _risk(x, s, w, width, settings, median, p)
        receiver_eu, proposer_eu = _challenges(x, s, w, risk, width, settings, median, p)
        kinds, targets = offer_matrices(x, receiver_eu, proposer_eu, capitulation=textbook)
        chosen = choose_offers(x, kinds, targets, settings.rule, receiver_eu, proposer_eu)
        moved_to = targets[np.arange(x.shape[0])[:, None], np.arange(x.shape[1])[None, :],
                           np.maximum(chosen, 0)]
        new_x = np.where(chosen >= 0, moved_to, x)
        new_median = _median(new_x, w, width, settings.variant)
        out_median[going] = new_median
        out_mean[going] = weighted_mean(new_x, w)
        keep = np.any(new_x != x, axis=-1)
        if tolerance is not None:
            keep &= ~(np.abs(new_median - median) < tolerance)
        if not keep.any():
            break
        going, x, s, w, width, median, risk = (going[keep], new_x[keep], s[keep], w[keep],
                                               width[keep], new_median[keep], risk[keep])
    return out_median, out_mean


def forecast_draws(model, positions, saliences, capabilities, low: float,
                   high: float) -> np.ndarray:
    """`ExpectedUtilityModel.forecast` on one issue for every draw (rows of the arrays);
    NaN where every participant has salience 0."""
    settings = model._settings()
    x, s, c = positions, saliences, capabilities
    w = c * s
    size = x.shape[0]
    # the same canonical actor order as ExpectedUtilityModel.run, draw by draw (EU-10)
    order = np.lexsort((c, s, x), axis=-1)
    xo, so, co = (np.take_along_axis(a, order, -1) for a in (x, s, c))
    kind = model.width or ("positions" if settings.variant == "scholz-2011" else "scale")
    width = x.max(axis=-1) - x.min(axis=-1) if kind == "positions" else \
        np.full(size, float(high - low))
    median = _median(xo, co * so, np.where(width != 0, width, 1.0), settings.variant)
    mean = weighted_mean(x, w)
    runs = (w.sum(axis=-1) > 0) & (width > 0) & ~np.all(x == x[:, :1], axis=-1)
    if model.rounds > 0 and runs.any():
        median[runs], mean[runs] = run_draws(xo[runs], so[runs], co[runs], width[runs],
                                             model.rounds, settings, model.tolerance)
    value = median if model.outcome == "median" else mean
    return np.where(w.sum(axis=-1) > 0, value, np.nan)
