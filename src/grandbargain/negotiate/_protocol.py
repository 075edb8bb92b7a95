"""The stacked alternating-offers protocol (Aydogan et al. 2017; NegMAS's SAO).

Parties move in a fixed cycle, the first mover first. A round is one move of every party; in
round k (1-based) of a negotiation with a deadline of T rounds, relative time is
t = k / (T + 1), as in NegMAS (decision NEG-002), so the last round is at T / (T + 1). A move
is: accept the offer on the table, or reject it and make an offer (the opening move is an
offer). Making an offer counts as accepting it; the offer is agreed when every other party has
accepted it in turn. After the last move of round T without agreement, there is none, and
every party gets its reservation value.

Discounting (optional, as in Genius): a utility u realised at relative time t is worth
u * discount^t; without agreement, the reservation value is discounted at t = 1. The
strategies concede on undiscounted utility (decision NEG-005).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from grandbargain.negotiate._arena import Arena
from grandbargain.negotiate._deadline import Deadline
from grandbargain.negotiate._strategies import Strategy


@dataclass(frozen=True, eq=False)
class Negotiation:
    """The result of one negotiation: the offers made, and the agreement (or none)."""

    strategies: tuple[str, ...]  # per party, its strategy's spec
    deadline: Deadline
    first: int  # the party that opened
    offers: np.ndarray  # (K,) package ids, in the order made
    proposers: np.ndarray  # (K,) party of each offer
    offer_rounds: np.ndarray  # (K,) round (1-based) of each offer
    offer_utilities: np.ndarray  # (K, P) every party's utility of each offer
    agreement: int | None  # package id, or None
    round: int | None  # round (1-based) of the acceptance that closed the deal
    accepted_by: int | None  # the party whose acceptance closed the deal
    utilities: np.ndarray  # (P,) undiscounted: agreement, or reservation values
    discounted: np.ndarray  # (P,) with the discount factor applied
    discount: float | None = None
    moves: int = 0  # moves made (offers and acceptances)
    notes: dict = field(default_factory=dict)

    @property
    def agreed(self) -> bool:
        return self.agreement is not None

    @property
    def time(self) -> float:
        """Relative time at which the negotiation ended."""
        rounds = self.deadline.rounds
        return (self.round if self.round is not None else rounds + 1) / (rounds + 1)


def negotiate(arena: Arena, strategies: Sequence[Strategy], deadline: Deadline | int, *,
              first: int = 0, discount: float | None = None) -> Negotiation:
    """Run the protocol between the arena's parties, strategies[p] playing party p."""
    if isinstance(deadline, int):
        deadline = Deadline(deadline)
    P = arena.n_parties
    if len(strategies) != P:
        raise ValueError(f"{P} parties need {P} strategies, got {len(strategies)}")
    if not 0 <= first < P:
        raise ValueError(f"first mover {first} is not a party (0..{P - 1})")
    if discount is not None and not 0 < discount <= 1:
        raise ValueError(f"the discount factor must lie in (0, 1], got {discount}")
    T = deadline.rounds
    U = arena.utilities
    reserve = arena.reserve
    # Preallocated: strategies read views of the offers so far, no list is copied per move.
    offers_made = np.zeros(T * P, dtype=np.int64)
    proposed_by = np.zeros(T * P, dtype=np.int64)
    rounds_of = np.zeros(T * P, dtype=np.int64)
    count = 0
    made = [0] * P
    current = -1
    accepts = 0
    moves = 0
    agreement = closer = agreed_round = None
    cycle = [(first + j) % P for j in range(P)]
    for k in range(1, T + 1):
        t = k / (T + 1)
        for p in cycle:
            moves += 1
            strategy = strategies[p]
            mine = strategy.offer(arena, p, t, made[p], offers_made[:count],
                                  proposed_by[:count])
            if current >= 0 and strategy.acceptance.accepts(
                    float(U[current, p]), float(U[mine, p]), t, float(reserve[p])):
                accepts += 1
                if accepts == P - 1:
                    agreement, closer, agreed_round = current, p, k
                    break
                continue
            current = mine
            accepts = 0
            made[p] += 1
            offers_made[count], proposed_by[count], rounds_of[count] = mine, p, k
            count += 1
        if agreement is not None:
            break
    if agreement is not None:
        utilities = U[agreement].copy()
        t_end = agreed_round / (T + 1)
    else:
        utilities = reserve.copy()
        t_end = 1.0
    discounted = utilities * (discount ** t_end) if discount is not None else utilities.copy()
    ids = offers_made[:count].copy()
    return Negotiation(
        strategies=tuple(s.spec for s in strategies), deadline=deadline, first=first,
        offers=ids, proposers=proposed_by[:count].copy(), offer_rounds=rounds_of[:count].copy(),
        offer_utilities=U[ids] if len(ids) else np.zeros((0, P)),
        agreement=agreement, round=agreed_round, accepted_by=closer, utilities=utilities,
        discounted=discounted, discount=discount, moves=moves,
        notes={"band": max((float(getattr(s, "band", 0.0)) for s in strategies), default=0.0)})
