"""Package deals under input uncertainty (decision U-10).

The principals' issue weights and ideal points come from their actors' stances (unless the
scenario states them), so each draw of the stances is a different deal space. Per draw: the
exact Pareto frontier, the Nash package (None when the ZOPA is empty). Over the draws: how
often the ZOPA is non-empty, how often each package is the Nash solution, and per issue how often
each option is in it. The options of an issue do not depend on the stances, so option indices
mean the same in every draw.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from grandbargain.scenario import RedLine, Scenario
from grandbargain.uncertainty._noise import Draws
from grandbargain.uncertainty._protocol import draw_stances

NO_DEAL = -1


@dataclass(frozen=True)
class DealOptions:
    """How to build the deal space, as `deals.deal_space` takes it (picklable for workers)."""

    disagreement: tuple[tuple[str, float], ...] | None = None
    red_lines: tuple[tuple[str, RedLine], ...] = ()
    keep_red_lines: bool = True

    def space(self, scenario: Scenario):
        from grandbargain.deals import deal_space

        return deal_space(scenario, disagreement=None if self.disagreement is None
                          else dict(self.disagreement), red_lines=self.red_lines,
                          keep_red_lines=self.keep_red_lines)

    def frame(self, scenario: Scenario):
        """The parts of `space(scenario)` that the stances' numbers do not change."""
        from grandbargain.deals._principals import space_frame

        return space_frame(scenario, disagreement=None if self.disagreement is None
                           else dict(self.disagreement), red_lines=self.red_lines,
                           keep_red_lines=self.keep_red_lines)


def nash_package(options: DealOptions, scenario: Scenario) -> tuple[int, ...] | None:
    """The Nash package (option index per issue) of a scenario's deal space; None: no ZOPA."""
    return _nash_of(options.space(scenario))


def _nash_of(space) -> tuple[int, ...] | None:
    from grandbargain.deals import pareto_frontier, solve

    solution = solve(pareto_frontier(space), names=("nash",))["nash"]
    return None if solution is None else tuple(int(o) for o in solution.package)


def nash_packages(scenario: Scenario, draws: Draws, options: DealOptions) -> np.ndarray:
    """(draws, issues) option indices of each draw's Nash package; NO_DEAL rows: empty ZOPA.

    Each draw's deal space is `options.space(scenario_for_draw(...))`, built from the parts
    that do not change between draws (options, labels, red lines: `DealOptions.frame`, once)
    and the draw's stance arrays (`draw_stances`); tests check it against the full build."""
    out = np.full((draws.size, len(scenario.issues)), NO_DEAL, dtype=np.int64)
    if not draws.size:
        return out
    frame = options.frame(scenario)
    for k in range(draws.size):
        package = _nash_of(frame.space(draw_stances(
            scenario, draws.positions[k], draws.saliences[k], draws.capabilities[k])))
        if package is not None:
            out[k] = package
    return out


def deals_document(scenario: Scenario, options: DealOptions, packages: np.ndarray,
                   lang: str = "en", top: int = 5) -> dict[str, Any]:
    """ZOPA and Nash-package probabilities over the draws, JSON-ready."""
    space = options.space(scenario)
    point = nash_package(options, scenario)
    draws = len(packages)
    deal = packages[:, 0] != NO_DEAL if packages.size else np.zeros(draws, dtype=bool)
    counts = Counter(tuple(int(o) for o in row) for row in packages[deal])
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    def describe(package: tuple[int, ...]) -> list[dict[str, Any]]:
        return [{"issue": issue.id, "value": issue.options[o].value,
                 "option": issue.options[o].text(lang)}
                for issue, o in zip(space.issues, package, strict=True)]

    marginals = []
    for d, issue in enumerate(space.issues):
        chosen = np.bincount(packages[deal, d], minlength=len(issue.options)) if deal.any() \
            else np.zeros(len(issue.options), dtype=int)
        marginals.append({"issue": issue.id, "options": [
            {"value": option.value, "option": option.text(lang), "p": float(n) / draws}
            for option, n in zip(issue.options, chosen, strict=True)]})
    return {
        "draws": draws,
        "zopa_nonempty": float(deal.sum()) / draws,
        "distinct_nash_packages": len(counts),
        "point_nash": None if point is None else {
            "p": counts.get(point, 0) / draws, "package": describe(point)},
        "nash_packages": [{"p": n / draws, "is_point_nash": package == point,
                           "package": describe(package)} for package, n in ranked[:top]],
        "nash_option_by_issue": marginals,
    }


def deal_options(disagreement: Mapping[str, float] | None = None,
                 red_lines=(), keep_red_lines: bool = True) -> DealOptions:
    return DealOptions(None if disagreement is None else tuple(sorted(disagreement.items())),
                       tuple(red_lines), keep_red_lines)
