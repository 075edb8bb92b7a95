"""Capabilities of the European Commission and Parliament on DEU issues (docs/decisions.md V-01).

The DEU table has no capabilities; the member states take their Council voting weights from a
file. The Commission (`com`) and the Parliament (`ep`) have no such weight, so a rule sets
them per issue, from the issue's procedure (`proc`: COD = co-decision, CNS = consultation) and
the weights of the member states taking part in it:

  average-member  (default) the Commission weighs as much as the average member state taking
                  part; so does the Parliament under co-decision; under any other procedure
                  the Parliament is only consulted and takes no part
  parity          the Commission weighs as much as the whole Council taking part (the sum of
                  the member states' weights); so does the Parliament under co-decision, none
                  otherwise
  council-only    the Commission and the Parliament take no part
  file            their capabilities come from the capabilities file like everyone else's
"""

from __future__ import annotations

from dataclasses import replace

from grandbargain.scenario import Scenario, Stance

INSTITUTIONS = ("average-member", "parity", "council-only", "file")
DEFAULT_INSTITUTIONS = "average-member"
COMMISSION, PARLIAMENT = "com", "ep"
CODECISION = {"COD", "OLP"}


def is_codecision(procedure: str) -> bool:
    return procedure.strip().upper() in CODECISION


def institution_weights(rule: str, procedure: str, member_weights: list[float]
                        ) -> dict[str, float | None]:
    """Capability of the Commission and the Parliament on one issue; None = takes no part."""
    if rule not in INSTITUTIONS:
        raise ValueError(f"unknown institutions rule '{rule}' (known: {', '.join(INSTITUTIONS)})")
    if rule == "council-only":
        return {COMMISSION: None, PARLIAMENT: None}
    total = float(sum(member_weights))
    if total <= 0:  # no member state takes part: the institutions weigh the same
        total, count = 1.0, 1
    else:
        count = len(member_weights)
    weight = total / count if rule == "average-member" else total
    return {COMMISSION: weight, PARLIAMENT: weight if is_codecision(procedure) else None}


def apply_institutions(scenario: Scenario, rule: str = DEFAULT_INSTITUTIONS) -> Scenario:
    """The scenario with the Commission's and the Parliament's stances weighted (or dropped)
    by `rule`, issue by issue; member states are left as they are."""
    if rule == "file":
        return scenario
    institutions = {COMMISSION, PARLIAMENT}
    members: dict[str, list[float]] = {}
    for s in scenario.stances:
        if s.actor not in institutions:
            capability = s.capability if s.capability is not None else \
                scenario.actor(s.actor).capability
            members.setdefault(s.issue, []).append(capability)
    stances: list[Stance] = []
    for s in scenario.stances:
        if s.actor not in institutions:
            stances.append(s)
            continue
        issue = scenario.issue(s.issue)
        weight = institution_weights(rule, issue.attributes.get("proc", ""),
                                     members.get(s.issue, []))[s.actor]
        if weight is not None:
            stances.append(replace(s, capability=weight))
    return replace(scenario, stances=tuple(stances))
