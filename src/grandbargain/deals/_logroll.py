"""Who concedes what in a package, and the trades (logrolls) that make it worth accepting.

Two views (decision PD-010):
- Concessions relative to each party's ideal: on issue d a party concedes when the package's
  option is worth less to it than its best option still on the table (allowed by every red
  line); the loss is in weighted utility, so losses add up across issues.
- Logrolls relative to the no-deal package (`DealSpace.reference`): party p gives way on issue d
  (the move from the no-deal option costs p) while party q gives way on issue e, each gaining
  on the other's concession, and both come out ahead on the pair. Ranked by the smaller of the
  two net gains. Spaces without a no-deal package (benchmark domains with a reservation value)
  have concessions only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from grandbargain.deals._space import DealSpace


@dataclass(frozen=True)
class Concession:
    """Party `party` gets option `option` on `issue` where its best was `ideal_option`."""

    party: int
    issue: int
    option: int
    ideal_option: int
    loss: float


@dataclass(frozen=True)
class Move:
    """The package moves `issue` from the no-deal option to `option`; `change[p]` is what that
    is worth to party p (negative: p gives way)."""

    issue: int
    reference: int
    option: int
    change: tuple[float, ...]


@dataclass(frozen=True)
class Logroll:
    """`giver` gives way on `issue` (moved to `option`) while `taker` gives way on
    `other_issue` (moved to `other_option`); `net[p]` is each party's gain from both moves."""

    giver: int
    issue: int
    option: int
    taker: int
    other_issue: int
    other_option: int
    net: tuple[float, ...]


def _tolerance(space: DealSpace) -> np.ndarray:
    spread = sum((t.max(axis=0) - t.min(axis=0) for t in space.values if len(t)),
                 np.zeros(space.n_parties))
    return np.maximum(spread * 1e-9, 1e-12)


def concessions(space: DealSpace, package) -> list[list[Concession]]:
    """Per issue, the parties that concede relative to their ideal, largest loss first."""
    tol = _tolerance(space)
    out = []
    for d, (table, allowed) in enumerate(zip(space.values, space.allowed, strict=True)):
        option = int(package[d])
        rows = np.flatnonzero(allowed) if allowed.any() else np.arange(len(table))
        row = []
        for p in range(space.n_parties):
            ideal = int(rows[np.argmax(table[rows, p])])
            loss = float(table[ideal, p] - table[option, p])
            if loss > tol[p]:
                row.append(Concession(p, d, option, ideal, loss))
        out.append(sorted(row, key=lambda c: (-c.loss, c.party)))
    return out


def moves(space: DealSpace, package) -> list[Move]:
    """The issues on which the package differs from the no-deal package."""
    if space.reference is None:
        return []
    out = []
    for d, (table, ref) in enumerate(zip(space.values, space.reference, strict=True)):
        option = int(package[d])
        if option != ref:
            out.append(Move(d, ref, option, tuple(float(v) for v in table[option] - table[ref])))
    return out


def logrolls(space: DealSpace, package, top: int | None = 5) -> list[Logroll]:
    """The mutually profitable pairs of concessions in a package, best first."""
    tol = _tolerance(space)
    steps = moves(space, package)
    found = []
    for a in steps:
        for b in steps:
            if a.issue == b.issue:
                continue
            for p in range(space.n_parties):
                for q in range(space.n_parties):
                    if p == q:
                        continue
                    gives = a.change[p] < -tol[p] and b.change[q] < -tol[q]
                    paid = a.change[q] > tol[q] and b.change[p] > tol[p]
                    net = tuple(x + y for x, y in zip(a.change, b.change, strict=True))
                    if gives and paid and net[p] > tol[p] and net[q] > tol[q]:
                        found.append(Logroll(p, a.issue, a.option, q, b.issue, b.option, net))
    # Each pair appears twice (p/q swapped); keep the one whose giver comes first.
    unique = {}
    for roll in found:
        key = frozenset({(roll.giver, roll.issue), (roll.taker, roll.other_issue)})
        if key not in unique or roll.giver < unique[key].giver:
            unique[key] = roll
    ranked = sorted(unique.values(), key=lambda r: (-min(r.net[r.giver], r.net[r.taker]),
                                                    -sum(r.net), r.issue, r.other_issue))
    return ranked if top is None else ranked[:top]


def _option(space: DealSpace, issue: int, option: int, lang: str) -> str:
    return space.issues[issue].options[option].text(lang)


def concession_text(space: DealSpace, c: Concession, lang: str = "en") -> str:
    party = space.parties[c.party].text(lang)
    issue = space.issues[c.issue].text(lang)
    got, wanted = _option(space, c.issue, c.option, lang), _option(space, c.issue,
                                                                    c.ideal_option, lang)
    if lang == "zh":
        return f"{party}在「{issue}」上讓步：接受「{got}」，而非其理想的「{wanted}」"
    return f"{party} concedes on {issue}: accepts '{got}' instead of its ideal '{wanted}'"


def move_text(space: DealSpace, m: Move, lang: str = "en") -> str:
    """One move in plain words, naming who gives way ("US accepts ...")."""
    issue = space.issues[m.issue].text(lang)
    new = _option(space, m.issue, m.option, lang)
    old = _option(space, m.issue, m.reference, lang)
    givers = [space.parties[p].text(lang) for p in range(space.n_parties)
              if m.change[p] < -_tolerance(space)[p]]
    if lang == "zh":
        who = "、".join(givers) + "讓步" if givers else "各方皆得益"
        return f"{who}：「{issue}」由「{old}」改為「{new}」"
    who = " and ".join(givers) + " gives way" if givers else "everyone gains"
    return f"{who}: {issue} from '{old}' to '{new}'"


def logroll_text(space: DealSpace, r: Logroll, lang: str = "en") -> str:
    p, q = space.parties[r.giver].text(lang), space.parties[r.taker].text(lang)
    d, e = space.issues[r.issue].text(lang), space.issues[r.other_issue].text(lang)
    ref = space.reference or ()
    pkg_d = _option(space, r.issue, r.option, lang)
    pkg_e = _option(space, r.other_issue, r.other_option, lang)
    old_d = _option(space, r.issue, ref[r.issue], lang) if ref else ""
    old_e = _option(space, r.other_issue, ref[r.other_issue], lang) if ref else ""
    gains = ", ".join(f"{space.parties[k].text(lang)} {v:+.3f}" for k, v in enumerate(r.net))
    if lang == "zh":
        return (f"{p}在「{d}」上讓步（{old_d} → {pkg_d}）；作為交換，{q}在「{e}」上讓步"
                f"（{old_e} → {pkg_e}）。淨得益：{gains.replace(', ', '，')}")
    return (f"{p} gives way on {d} ('{old_d}' -> '{pkg_d}'); in return {q} gives way on {e} "
            f"('{old_e}' -> '{pkg_e}'). Net gain: {gains}")

