"""The forecast with its package columns and bottom line: the one recipe that `forecast`,
`report`, `ledger record` and the Python API (`grandbargain.api`) share, so their numbers
cannot differ."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from grandbargain.bottomline._judgments import (
    DEFAULT_DRAWS,
    DEFAULT_NOISE,
    Begun,
    begin,
    bottom_line_document,
    judge,
    package_analysis,
)
from grandbargain.bottomline._packages import package_forecasts
from grandbargain.models import ModelResult
from grandbargain.scenario import Scenario
from grandbargain.uncertainty import Noise


def with_packages(scenario: Scenario, results: Sequence[ModelResult], langs: Iterable[str],
                  *, bottom_line: bool = True, draws: int | None = None, seed: int = 0,
                  noise: Noise | None = None, begun: Begun | None = None
                  ) -> tuple[list[ModelResult], dict | None]:
    """The results with the package solutions added as forecasters (where the scenario has
    principals), and the bottom line document per language (None when `bottom_line` is off).

    `draws` and `noise` are the bottom line's own draws (default `DEFAULT_DRAWS`,
    `DEFAULT_NOISE`); `begun`, what `begin_bottom_line` started for the same scenario."""
    if begun is not None and begun.scenario is scenario:
        analysis, note = begun.analysis, begun.note
    else:
        analysis, note = package_analysis(scenario)
    packages = package_forecasts(analysis) if analysis is not None else []
    if not bottom_line:
        return [*results, *packages], None
    judgments = judge(scenario, list(results), analysis=analysis, note=note,
                      draws=DEFAULT_DRAWS if draws is None else draws, seed=seed,
                      noise=DEFAULT_NOISE if noise is None else noise, begun=begun)
    return [*results, *packages], {lg: bottom_line_document(judgments, lg)
                                   for lg in dict.fromkeys(langs)}


def begin_bottom_line(scenario: Scenario, *, draws: int | None = None, seed: int = 0,
                      noise: Noise | None = None) -> Begun:
    """The deal analysis `with_packages` needs, and the bottom line's draws and signposts
    begun in a forked process for the same arguments (decision BL-11): call it before the
    models run and pass the result to `with_packages` as `begun` (`.cancel()` it if it ends
    up unused)."""
    return begin(scenario, draws=DEFAULT_DRAWS if draws is None else draws, seed=seed,
                 noise=DEFAULT_NOISE if noise is None else noise)


def deals_bottom_line(scenario: Scenario, analysis, options, lang: str, *, draws: int,
                      seed: int = 0, noise: Noise | None = None) -> dict:
    """The bottom line of `deals` (and `grandbargain.api.deals`): for this deal space (its red
    lines and disagreement point, `options`), with the single-issue models' forecasts for where
    they disagree: the models `forecast` runs by default, less those that refuse the scenario
    (too large); none without stances."""
    from grandbargain.models import MODELS

    models = [cls() for cls in MODELS.values()] if scenario.stances else []
    results = [m.forecast(scenario) for m in models if m.refusal(scenario) is None]
    judgments = judge(scenario, results, analysis=analysis, options=options, draws=draws,
                      seed=seed, noise=DEFAULT_NOISE if noise is None else noise)
    return bottom_line_document(judgments, lang)
