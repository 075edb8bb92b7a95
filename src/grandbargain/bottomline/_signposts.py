"""Signposts: the stances whose change would flip an option of the headline (Nash) package.

One stance at a time (decision BL-05): the position of actor i on issue d moves from its stated
value toward either end of the scale; the principal speaking for i has its ideal on d move with
it (its ideal is the capability x salience weighted mean of its actors' positions; weights do
not depend on positions), so only that principal's value column of issue d changes. With
additive utilities every Pareto-optimal package is a Pareto-optimal package of the other issues
plus one option of d, so the frontier of the other issues, computed once per issue by
`pareto_frontier`, and the k options of d give every candidate: a scan of 32 positions per
direction and a bisection (to 1e-9 of the scale) find the first position where the Nash
package changes. The position stated to the user is that threshold rounded away from the
stated position to the display precision, and both sides are checked with the full deals
machinery (`deal_space`, `pareto_frontier`, `solve`): at the stated position the package
differs, just short of the threshold it does not; a signpost that fails the check is dropped.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from grandbargain.deals import DealSpace, pareto_frontier, solve
from grandbargain.deals._principals import issue_value
from grandbargain.deals._solutions import tolerance
from grandbargain.scenario import Scenario

SCAN = 32
BISECTION_STEPS = 30
PER_FLIP = 2


@dataclass(frozen=True)
class Signpost:
    """Moving `actor`'s position on `issue` from `position` to `to_position` flips the options
    in `flips` ((issue id, headline option index, new option index or -1 for no deal))."""

    actor: str
    issue: str
    party: str
    position: float
    threshold: float
    to_position: float
    flips: tuple[tuple[str, int, int], ...]

    @property
    def change(self) -> float:
        return self.to_position - self.position


def with_position(scenario: Scenario, actor: str, issue: str, value: float) -> Scenario:
    """The scenario with one stance's position replaced."""
    stances = tuple(dataclasses.replace(st, position=float(value))
                    if st.actor == actor and st.issue == issue else st
                    for st in scenario.stances)
    return dataclasses.replace(scenario, stances=stances)


def nash_package_for(scenario: Scenario, options, frame=None) -> tuple[int, ...] | None:
    """The Nash package of a scenario's deal space by the full machinery (None: no ZOPA);
    `frame`: `options.frame(...)` of a scenario that differs from this one only in stances'
    numbers (the same deal space, without rebuilding its options' labels)."""
    space = options.space(scenario) if frame is None else frame.space(scenario)
    found = solve(pareto_frontier(space), names=("nash",))["nash"]
    return None if found is None else tuple(int(o) for o in found.package)


class _IssueProbe:
    """Nash packages of a deal space where one party's value column of issue d varies."""

    def __init__(self, space: DealSpace, d: int, tol: np.ndarray) -> None:
        others = [e for e in range(len(space.issues)) if e != d]
        self.space, self.d, self.others = space, d, others
        if others:
            rest = DealSpace(parties=space.parties,
                             issues=tuple(space.issues[e] for e in others),
                             values=tuple(space.values[e] for e in others),
                             rejected=tuple(space.rejected[e] for e in others),
                             disagreement=np.zeros(space.n_parties))
            frontier = pareto_frontier(rest)
            self.u_rest, self.pk_rest = frontier.utilities, frontier.packages
        else:
            self.u_rest = np.zeros((1, space.n_parties))
            self.pk_rest = np.zeros((1, 0), dtype=np.int64)
        ref = space.reference
        self.dis_rest = sum((space.values[e][ref[e]] for e in others),
                            np.zeros(space.n_parties))
        self.allowed = space.allowed[d]
        self.tol = tol
        self._others: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def _other_parties(self, party: int) -> tuple[np.ndarray, np.ndarray]:
        """Where the other parties gain (R, k) and the product of their gains (R, k): they do
        not depend on `party`'s column, so they are computed once per party."""
        if party not in self._others:
            space, d = self.space, self.d
            base = space.values[d]
            ref = space.reference[d]
            others = [q for q in range(space.n_parties) if q != party]
            other_gains = (self.u_rest[:, None, others] + base[None, :, others]
                           - (self.dis_rest[others] + base[ref, others])[None, None, :])
            other_ok = np.all(other_gains > self.tol[others], axis=-1) & self.allowed[None, :]
            other_prod = np.prod(np.clip(other_gains, 0.0, None), axis=-1)
            self._others[party] = (other_ok, other_prod)
        return self._others[party]

    def packages(self, columns: np.ndarray, party: int) -> np.ndarray:
        """(G, m) Nash packages (option indices; all -1 where no deal) for G value columns
        (G, k) of `party` on issue d. The other parties' gains do not depend on the column."""
        space, d = self.space, self.d
        base = space.values[d]
        ref = space.reference[d]
        other_ok, other_prod = self._other_parties(party)
        dis = self.dis_rest[party] + columns[:, ref]                                # (G,)
        gains = (self.u_rest[None, :, None, party] + columns[:, None, :]
                 - dis[:, None, None])                                             # (G, R, k)
        valid = (gains > self.tol[party]) & other_ok[None]
        score = np.where(valid, gains * other_prod[None], -np.inf)
        flat = score.reshape(len(columns), -1)
        best = flat.argmax(axis=1)
        k = base.shape[0]
        out = np.full((len(columns), len(space.issues)), -1, dtype=np.int64)
        for g, b in enumerate(best):
            if np.isfinite(flat[g, b]):
                out[g, self.others] = self.pk_rest[b // k]
                out[g, d] = b % k
        return out


def _digits(width: float) -> int:
    return 2 if width <= 20 else 1


def signposts(scenario: Scenario, options, headline: tuple[int, ...], top: int = 5
              ) -> list[Signpost]:
    """The `top` stances whose smallest position change (as a share of the scale) flips an
    option of the headline Nash package, closest first (see the module docstring)."""
    frame = options.frame(scenario)
    space = frame.space(scenario)
    if not space.additive or space.reference is None:
        return []
    headline_arr = np.asarray(headline, dtype=np.int64)
    scans = []
    probes: dict[int, _IssueProbe] = {}
    tol = tolerance(pareto_frontier(space))
    for principal in scenario.principals:
        if principal.id not in {party.id for party in space.parties}:
            continue
        party = space.party_index(principal.id)
        for d, issue in enumerate(scenario.issues):
            if issue.id in principal.ideal:
                continue
            members = [scenario.actor_index[a] for a in principal.actors
                       if scenario.takes_part[scenario.actor_index[a], d]]
            w = {i: float(scenario.capability_matrix[i, d] * scenario.saliences[i, d])
                 for i in members}
            total = sum(w.values())
            if not total > 0:
                continue
            weight = _principal_weight(scenario, principal, d)
            if not weight > 0:
                continue
            ideal0 = sum(w[i] * scenario.positions[i, d] for i in members) / total
            points = np.array([o.value for o in space.issues[d].options], dtype=float)
            vf = principal.value_functions.get(issue.id)
            for i in members:
                if not w[i] > 0:
                    continue
                x0 = float(scenario.positions[i, d])
                share = w[i] / total

                def columns(xs: np.ndarray, share=share, x0=x0, ideal0=ideal0, vf=vf,
                            issue=issue, weight=weight, points=points) -> np.ndarray:
                    ideals = ideal0 + share * (xs - x0)
                    return weight * issue_value(points[None, :], ideals[:, None], issue, vf)

                if d not in probes:
                    probes[d] = _IssueProbe(space, d, tol)
                probe = probes[d]
                for end in (issue.low, issue.high):
                    if end == x0:
                        continue
                    xs = x0 + (end - x0) * np.arange(1, SCAN + 1) / SCAN
                    packs = probe.packages(columns(xs), party)
                    differ = np.flatnonzero(np.any(packs != headline_arr, axis=1))
                    if not differ.size:
                        continue
                    j = int(differ[0])
                    bracket = ((x0 if j == 0 else float(xs[j - 1])), float(xs[j]))
                    flipped = tuple(np.flatnonzero(packs[j] != headline_arr))
                    scans.append((abs(bracket[1] - x0) / issue.width, i, d, x0, end,
                                  principal.id, bracket, probe, party, columns, flipped))
    # Bisect the closest scans, at most PER_FLIP for one set of flipped issues, so that the
    # signposts name different ways the package can change (decision BL-05).
    scans.sort(key=lambda f: (f[0], f[1], f[2]))
    chosen, per_flip = [], {}
    for scan in scans:
        if len(chosen) >= top + 3:
            break
        if per_flip.get(scan[-1], 0) < PER_FLIP:
            per_flip[scan[-1]] = per_flip.get(scan[-1], 0) + 1
            chosen.append(scan)
    found = []
    for _, i, d, x0, end, party_id, (same, other), probe, party, columns, _ in chosen:
        for _ in range(BISECTION_STEPS):
            mid = 0.5 * (same + other)
            if np.any(probe.packages(columns(np.array([mid])), party)[0] != headline_arr):
                other = mid
            else:
                same = mid
        found.append((abs(other - x0) / scenario.issues[d].width, i, d, x0, other, end,
                      party_id))
    found.sort(key=lambda f: (f[0], f[1], f[2]))
    out: list[Signpost] = []
    for _, i, d, x0, threshold, end, party in found:
        if len(out) >= top:
            break
        post = _checked(scenario, options, headline, i, d, x0, threshold, end, party, frame)
        if post is not None:
            out.append(post)
    return out


def _principal_weight(scenario: Scenario, principal, d: int) -> float:
    from grandbargain.deals import principal_weights

    return float(principal_weights(scenario, principal)[d])


def _checked(scenario: Scenario, options, headline, i: int, d: int, x0: float,
             threshold: float, end: float, party: str, frame=None) -> Signpost | None:
    """The signpost with its stated position, if the full machinery confirms both sides."""
    issue = scenario.issues[d]
    actor = scenario.actors[i].id
    scale = 10 ** _digits(issue.width)
    rounded = (math.ceil if end > x0 else math.floor)(threshold * scale - 1e-9) / scale
    if (end > x0 and rounded < threshold) or (end < x0 and rounded > threshold):
        rounded = threshold
    rounded = min(max(rounded, issue.low), issue.high)
    short = threshold - (threshold - x0) * 1e-6 - math.copysign(1e-9 * issue.width, end - x0)
    after = nash_package_for(with_position(scenario, actor, issue.id, rounded), options, frame)
    before = nash_package_for(with_position(scenario, actor, issue.id, short), options, frame)
    if after == tuple(headline) or before != tuple(headline):
        return None
    flips = tuple((scenario.issues[e].id, int(headline[e]), -1 if after is None else after[e])
                  for e in range(len(headline)) if after is None or after[e] != headline[e])
    return Signpost(actor, issue.id, party, x0, threshold, rounded, flips)
