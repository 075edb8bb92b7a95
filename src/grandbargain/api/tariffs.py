"""Tariffs as bargaining chips from Python (`grandbargain tariffs ...`): the 2 April 2025
formula and its what-ifs, and the tariff stack on a product group by date."""

from __future__ import annotations

import os
from datetime import date as Date

from grandbargain.api._result import Result
from grandbargain.scenario import ScenarioError

__all__ = ["Formula", "Stack", "formula", "stack"]


class Formula(Result):
    """The formula's rates per partner beside the published chart (`grandbargain tariffs
    formula --format json`); `to_frame()`: one row per partner (as `--format csv`)."""

    command = "grandbargain tariffs formula --format json"

    def __init__(self, document, rows, lang: str = "en"):
        super().__init__(document, lang)
        self._rows = rows

    def rows(self):
        return self._rows

    @property
    def bottom_line(self) -> list[str]:
        return [self._document["bottom_line"]]


def formula(csv: str | os.PathLike[str] | None = None, *, epsilon: float = 4.0,
            phi: float = 0.25, floor: float = 10.0, lang: str = "en") -> Formula:
    """The 2 April 2025 "reciprocal tariff" formula per partner (`grandbargain tariffs
    formula`): `csv` of partners (default: the shipped 2024 figures), and the what-if
    parameters `epsilon`, `phi`, `floor`.

    >>> import grandbargain as gb
    >>> f = gb.tariffs.formula()
    >>> f.to_frame().shape[0]
    18
    """
    from grandbargain.trade import FormulaParams, apply_formula, read_partners, shipped_partners
    from grandbargain.trade._documents import formula_document, formula_rows

    for name, value, ok, what in (("epsilon", epsilon, epsilon > 0, "must be above 0"),
                                  ("phi", phi, phi > 0, "must be above 0"),
                                  ("floor", floor, floor >= 0, "cannot be negative")):
        if not ok:
            raise ScenarioError.single(name, f"{what}, got {value:g}")
    partners = read_partners(csv) if csv else shipped_partners()
    params = FormulaParams(epsilon=epsilon, phi=phi, floor=floor,
                           services=any(p.has_services for p in partners))
    result = apply_formula(partners, params, str(csv) if csv else "shipped")
    return Formula(formula_document(result, lang), formula_rows(result, lang), lang)


class Stack(Result):
    """The additional tariffs on a product group on a date (`grandbargain tariffs stack
    --format json`); `to_frame()`: one row per side and layer (as `--format csv`)."""

    command = "grandbargain tariffs stack --format json"

    def rows(self):
        d = self._document
        header = ["date", "imposer", "target", "product", "layer", "family", "rate",
                  "legal_rate", "suspended", "until", "status", "since", "set_by", "basis"]
        return header, [[d["date"], s["imposer"], s["target"], s["product"], e["layer"],
                         e["family"], e["rate"], e["legal_rate"], e["suspended"], e["until"],
                         e["status"], e["since"], e["set_by"], e["basis"]]
                        for s in d["stacks"] for e in s["layers"]]

    def compact(self):
        return ["imposer", "target", "product", "total"], [
            [s["imposer"], s["target"], s["product"], s["total"]]
            for s in self._document["stacks"]]

    @property
    def bottom_line(self) -> list[str]:
        return [self._document["bottom_line"]]


def stack(*, date: str | Date | None = None, product: str = "general",
          events: str | os.PathLike[str] | None = None, lang: str = "en") -> Stack:
    """The tariff stack on a product group on a date (`grandbargain tariffs stack`): the
    total, then each layer by legal basis (default date: the events file's as_of).

    >>> import grandbargain as gb
    >>> s = gb.tariffs.stack(date="2025-05-01")
    >>> sorted(s.to_frame()["imposer"].unique())
    ['CN', 'US']
    """
    from grandbargain.trade import read_events, shipped_events
    from grandbargain.trade._documents import stack_document

    tariff_events = read_events(events) if events else shipped_events()
    day = date
    if isinstance(date, str):
        try:
            day = Date.fromisoformat(date.strip())
        except ValueError:
            raise ScenarioError.single("date", f"expected a date YYYY-MM-DD, got "
                                       f"{date!r}") from None
    day = day or tariff_events.as_of
    groups = sorted({p.id for p in tariff_events.products})
    if product not in groups:
        raise ScenarioError.single("product", f"unknown product group {product!r} (known: "
                                   f"{', '.join(groups)})")
    return Stack(stack_document(tariff_events, day, product, lang), lang)
