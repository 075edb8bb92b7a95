"""The package solutions of `deals` as forecasters: per issue, the option value of the package."""

from __future__ import annotations

from grandbargain.deals import DealAnalysis
from grandbargain.models import IssueForecast, ModelResult

#: deals solution name -> forecast column name
PACKAGE_COLUMNS = {
    "nash": "deal-nash",
    "kalai_smorodinsky": "deal-ks",
    "egalitarian": "deal-egalitarian",
    "utilitarian": "deal-utilitarian",
}

_LABELS = {
    "nash": "Package deal of the principals, Nash solution (max product of gains over no deal)",
    "kalai_smorodinsky": "Package deal of the principals, Kalai-Smorodinsky solution (equal "
    "shares of each side's best gain)",
    "egalitarian": "Package deal of the principals, egalitarian solution (max smallest gain)",
    "utilitarian": "Package deal of the principals, utilitarian solution (max sum of "
    "utilities)",
}


def package_forecasts(analysis: DealAnalysis) -> list[ModelResult]:
    """One ModelResult per bargaining solution: the option value of its package on each issue.

    Where the ZOPA is empty there is no deal and the disagreement point stands: the forecast is
    the no-deal value, with `detail["no_deal"] = True` (decision BL-03).
    """
    space = analysis.space
    out = []
    for name, column in PACKAGE_COLUMNS.items():
        terms = analysis.solutions.get(name)
        forecasts = []
        for d, issue in enumerate(space.issues):
            if terms is None:
                option = None if space.reference is None else issue.options[space.reference[d]]
                detail = {"no_deal": True}
            else:
                option = issue.options[terms.solution.package[d]]
                detail = {"option": option.label}
            forecasts.append(IssueForecast(issue.id, None if option is None else option.value,
                                           detail))
        out.append(ModelResult(column, _LABELS[name], {"solution": name}, tuple(forecasts),
                               {"deal": True, "no_deal": terms is None}))
    return out
