"""The deal space's overrides in the command line's words: added red lines
(PRINCIPAL:ISSUE>=VALUE, PRINCIPAL:ISSUE<=VALUE, none) and the disagreement point ('status-quo',
a scenario id or file, or ISSUE=VALUE,...). Shared by `grandbargain deals` and
`grandbargain.api.deals`; malformed text raises ScenarioError naming the option."""

from __future__ import annotations

import re

from grandbargain.scenario import RedLine, Scenario, ScenarioError

_RED_LINE = re.compile(r"^\s*([^:\s]+)\s*:\s*([^<>=\s]+)\s*(>=|<=)\s*(-?[0-9.]+(?:e-?\d+)?)\s*$")


def parse_red_lines(specs: list[str] | None) -> tuple[list[tuple[str, RedLine]], bool]:
    """(principal, RedLine) pairs from --red-line options, and whether to keep the scenario's."""
    lines, keep = [], True
    for spec in specs or []:
        if spec.strip().lower() == "none":
            keep = False
            continue
        match = _RED_LINE.match(spec)
        if not match:
            raise ScenarioError.single("--red-line", f"expected PRINCIPAL:ISSUE>=VALUE or "
                                       f"PRINCIPAL:ISSUE<=VALUE or none, got {spec!r}")
        party, issue, op, value = match.groups()
        bound = float(value)
        line = RedLine(issue, reject_below=bound, note="--red-line") if op == ">=" else \
            RedLine(issue, reject_above=bound, note="--red-line")
        lines.append((party, line))
    return lines, keep


def parse_disagreement(spec: str | None, scenario: Scenario) -> dict[str, float] | None:
    """The disagreement override for deal_space (None: the scenario's own)."""
    if spec is None:
        return None
    text = spec.strip()
    if text.lower() in ("status-quo", "status_quo", "statusquo"):
        return {i.id: i.status_quo for i in scenario.issues if i.status_quo is not None}
    if "=" in text:
        out = {}
        for part in text.split(","):
            issue, _, value = part.partition("=")
            try:
                out[issue.strip()] = float(value)
            except ValueError:
                raise ScenarioError.single("--disagreement", f"expected ISSUE=VALUE, got "
                                           f"{part.strip()!r}") from None
        return out
    from grandbargain.scenario import load_scenario

    other = load_scenario(text)
    if not other.disagreement:
        raise ScenarioError.single("--disagreement", f"scenario '{text}' sets no disagreement "
                                   "point")
    return dict(other.disagreement)
