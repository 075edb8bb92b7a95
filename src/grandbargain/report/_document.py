"""The report document: everything the HTML report, the PNG figures and the text brief show,
as one JSON-ready dict per language.

Its `forecast` part is exactly `forecast_document` (what `grandbargain forecast --format json`
prints), and every chart and table of the report is built from this document alone, so no number
can differ between the JSON, the page and the figures. Optional capabilities (the expected-utility
trajectories, exchanges, package deals, uncertainty intervals) are sections with a `status`:
"ok", "unavailable" (the module is not in this build) or "not_run" (the module is there, but the
run did not include it), plus a `note` saying which.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from grandbargain import __version__
from grandbargain.models import ModelResult
from grandbargain.report._forecast_table import forecast_document
from grandbargain.report._sections import optional_sections
from grandbargain.report._smp_section import smp_section
from grandbargain.scenario import Scenario


def _num(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def scenario_part(scenario: Scenario, lang: str) -> dict[str, Any]:
    """Actors, issues with anchors, and every stance with its weight and rationale."""
    actors = [{"id": a.id, "name": a.text(lang), "group": a.group, "capability": a.capability}
              for a in scenario.actors]
    issues = []
    capability = scenario.capability_matrix
    for d, issue in enumerate(scenario.issues):
        stances = []
        for i, actor in enumerate(scenario.actors):
            st = scenario.stance(actor.id, issue.id)
            if st is None:
                continue
            c = float(capability[i, d])
            stances.append({
                "actor": actor.id, "position": st.position, "salience": st.salience,
                "capability": c, "weight": c * st.salience / 100.0,
                "low": st.low, "high": st.high, "rationale": st.rationale_text(lang),
            })
        issues.append({
            "id": issue.id, "name": issue.text(lang), "unit": issue.unit_text(lang),
            "scale": [issue.low, issue.high], "status_quo": _num(issue.status_quo),
            "status_quo_note": issue.note_text(lang), "outcome": _num(issue.outcome),
            "anchors": [{"value": a.value, "label": a.text(lang)} for a in issue.anchors],
            "stances": stances,
        })
    return {"description": scenario.description_text(lang),
            "sources": list(scenario.sources_text(lang)),
            "actors": actors, "issues": issues}


def report_document(scenario: Scenario, results: Sequence[ModelResult], lang: str = "en",
                    extras: Mapping[str, Any] | None = None,
                    forecast: dict[str, Any] | None = None) -> dict[str, Any]:
    """The whole report for one language.

    `forecast` is the forecast document to embed when the edge has extended it (for example
    with the intervals of `forecast --draws`); by default `forecast_document(...)`. `extras`
    holds inputs of the optional sections computed at the edge; each section reads its own.
    """
    return {
        "grandbargain_version": __version__,
        "lang": lang,
        "forecast": forecast if forecast is not None else forecast_document(scenario, results,
                                                                               lang),
        "scenario": scenario_part(scenario, lang),
        "sections": {**optional_sections(scenario, results, lang, extras or {}),
                     "smp": smp_section(scenario, results, lang)},  # KTAB SMP turns
    }
