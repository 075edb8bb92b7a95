"""One negotiation as a plain, JSON-ready document, shared by the command and the Python
API."""

from __future__ import annotations


def negotiation_document(arena, result, found, marks, lang: str, origins,
                         band: float = 0.0) -> dict:
    """The document `grandbargain negotiate --format json` prints (and `gb.negotiate`
    returns): the bottom line, the agreement, utilities, distances, strategies, the offers."""
    from grandbargain.negotiate._text import bottom_line, package_lines

    parties = [p.id for p in arena.space.parties]

    def package(pid: int) -> list[dict]:
        options = arena.options(pid)
        return [{"issue": issue.id, "option": issue.options[int(o)].text(lang),
                 "value": issue.options[int(o)].value}
                for issue, o in zip(arena.space.issues, options, strict=True)]

    deadline = result.deadline
    return {
        "bottom_line": bottom_line(arena, result, found, lang),
        "agreement": None if not result.agreed else {
            "round": result.round, "accepted_by": parties[result.accepted_by],
            "proposer": parties[int(result.proposers[-1])],
            "date": None if deadline.round_date(result.round) is None
            else deadline.round_date(result.round).isoformat(),
            "package": package(result.agreement)},
        "utilities": dict(zip(parties, map(float, result.utilities), strict=True)),
        "discounted_utilities": dict(zip(parties, map(float, result.discounted), strict=True)),
        "reservation": dict(zip(parties, map(float, arena.reserve), strict=True)),
        "nash_distance": found.nash_distance, "frontier_distance": found.frontier_distance,
        "nash_utilities": None if marks.nash is None
        else dict(zip(parties, map(float, marks.nash), strict=True)),
        "strategies": [{"party": p, "strategy": s, "from": o}
                       for p, s, o in zip(parties, result.strategies, origins, strict=True)],
        "deadline": {"rounds": deadline.rounds,
                     "date": deadline.date.isoformat() if deadline.date else None,
                     "start": deadline.start.isoformat() if deadline.start else None,
                     "pace_per_week": deadline.pace},
        "discount": result.discount, "first": parties[result.first], "band": band,
        "packages": arena.n_packages,
        "offers": [{"round": int(r), "proposer": parties[int(p)],
                    "utilities": dict(zip(parties, map(float, u), strict=True)),
                    "package": package(int(o))}
                   for o, p, r, u in zip(result.offers, result.proposers, result.offer_rounds,
                                         result.offer_utilities, strict=True)],
        "package_text": None if not result.agreed else package_lines(arena, result.agreement,
                                                                      lang),
    }
