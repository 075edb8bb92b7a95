"""Trade facts that feed the scenarios: the 2024 US goods-trade figures, the 2 April 2025
"reciprocal tariff" formula and its what-ifs, and the tariff stack (layers by legal basis, read
from a dated events file) that gives the tariff on a good for a date.

Pure functions over small frozen dataclasses; reading files (with located errors) lives in
`_partners` and `_events`.
"""

from grandbargain.trade._events import (
    FAMILIES,
    Change,
    Event,
    IssueLink,
    Layer,
    ProductGroup,
    TariffEvents,
    parse_events,
    read_events,
    shipped_events,
)
from grandbargain.trade._formula import (
    CRITICS_PHI,
    PUBLISHED_EPSILON,
    PUBLISHED_FLOOR,
    PUBLISHED_PHI,
    FormulaParams,
    FormulaResult,
    Partner,
    PartnerResult,
    Rates,
    apply_formula,
    formula_tariff,
    partner_rates,
    rates,
)
from grandbargain.trade._partners import parse_partners, read_partners, shipped_partners
from grandbargain.trade._stack import (
    LayerRate,
    Stack,
    change_dates,
    issue_status_quos,
    layer_rate,
    stack,
    stack_series,
    with_stack_status_quos,
)

__all__ = [
    "CRITICS_PHI",
    "FAMILIES",
    "PUBLISHED_EPSILON",
    "PUBLISHED_FLOOR",
    "PUBLISHED_PHI",
    "Change",
    "Event",
    "FormulaParams",
    "FormulaResult",
    "IssueLink",
    "Layer",
    "LayerRate",
    "Partner",
    "PartnerResult",
    "ProductGroup",
    "Rates",
    "Stack",
    "TariffEvents",
    "apply_formula",
    "change_dates",
    "formula_tariff",
    "issue_status_quos",
    "layer_rate",
    "parse_events",
    "parse_partners",
    "partner_rates",
    "rates",
    "read_events",
    "read_partners",
    "shipped_events",
    "shipped_partners",
    "stack",
    "stack_series",
    "with_stack_status_quos",
]
