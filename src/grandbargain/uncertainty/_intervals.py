"""A point forecast document with each model's spread over the draws added per issue: what
`forecast --draws`, `report --draws`, `ledger record --draws` and `grandbargain.api.forecast`
share."""

from __future__ import annotations

from grandbargain.uncertainty._montecarlo import Samples
from grandbargain.uncertainty._run import uncertainty_document

INTERVAL_KEYS = ("mean", "sd", "q05", "q25", "median", "q75", "q95", "defined", "point_outside")


def interval_summary(document: dict, sim, samples: Samples, lang: str) -> dict:
    """A forecast document with each model's spread over the draws added per issue."""
    spread = uncertainty_document(sim, samples, None, lang)
    for issue, drawn in zip(document["issues"], spread["issues"], strict=True):
        issue["intervals"] = {name: {k: summary[k] for k in INTERVAL_KEYS}
                              for name, summary in drawn["forecasts"].items()
                              if name in sim.model_names}
    return {**document, "simulation": spread["simulation"]}
