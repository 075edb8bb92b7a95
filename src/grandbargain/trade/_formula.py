"""The 2 April 2025 "reciprocal tariff" formula as pure functions over partner figures.

USTR's published method: delta_tau = (x - m) / (epsilon * phi * m), with x the US exports to a
partner, m the US imports from it, epsilon = 4 the price elasticity of import demand (a
magnitude: the published formula's sign convention makes the result a tariff for a deficit) and
phi = 0.25 the pass-through of tariffs to import prices. With the defaults epsilon * phi = 1, so
the "tariff charged to the USA" is the deficit over imports, (m - x) / m, and the "discounted
reciprocal tariff" is half of it, at least the floor (10%).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

PUBLISHED_EPSILON = 4.0
PUBLISHED_PHI = 0.25
PUBLISHED_FLOOR = 10.0
CRITICS_PHI = 0.945  # the near-full pass-through estimate critics of the formula proposed
DISCOUNT = 0.5  # "discounted": the reciprocal rate is half the tariff charged


@dataclass(frozen=True)
class FormulaParams:
    """The formula's parameters; `services` adds services trade where a partner has it."""

    epsilon: float = PUBLISHED_EPSILON
    phi: float = PUBLISHED_PHI
    floor: float = PUBLISHED_FLOOR
    services: bool = False

    @property
    def is_published(self) -> bool:
        return (self.epsilon, self.phi, self.floor, self.services) == (
            PUBLISHED_EPSILON, PUBLISHED_PHI, PUBLISHED_FLOOR, False)

    def label(self) -> str:
        parts = [f"epsilon={_num(self.epsilon)}", f"phi={_num(self.phi)}",
                 f"floor={_num(self.floor)}%" if self.floor else "no floor"]
        if self.services:
            parts.append("goods+services")
        return ", ".join(parts)


@dataclass(frozen=True)
class Partner:
    """One trading partner's US trade figures (billions of US dollars) and the chart's rates."""

    name: str
    imports: float
    exports: float
    services_imports: float | None = None
    services_exports: float | None = None
    published_charged: float | None = None
    published_reciprocal: float | None = None
    note: str = ""
    source: str = ""
    line: int | None = field(default=None, compare=False)

    @property
    def has_services(self) -> bool:
        return self.services_imports is not None and self.services_exports is not None


@dataclass(frozen=True)
class Rates:
    """The formula's result for one partner, exact and rounded as the chart rounded."""

    charged_exact: float  # percent; negative for a partner with which the US has a surplus
    reciprocal_exact: float  # half the charged rate, at least the floor (never below 0)
    charged: int  # ordinary rounding (half up), at least the floor
    reciprocal: int  # the unrounded half rounded upward, at least the floor
    floored: bool  # the floor set the reciprocal rate

    def as_dict(self) -> dict:
        return {"charged": self.charged, "reciprocal": self.reciprocal,
                "charged_exact": round(self.charged_exact, 4),
                "reciprocal_exact": round(self.reciprocal_exact, 4), "floored": self.floored}


def formula_tariff(imports: float, exports: float, epsilon: float = PUBLISHED_EPSILON,
                   phi: float = PUBLISHED_PHI) -> float:
    """The formula's tariff, in percent: 100 (m - x) / (epsilon phi m)."""
    if imports <= 0:
        raise ValueError("imports must be above 0: the formula divides by them")
    if epsilon <= 0 or phi <= 0:
        raise ValueError("epsilon and phi must be above 0")
    return 100.0 * (imports - exports) / (epsilon * phi * imports)


def round_half_up(value: float) -> int:
    return math.floor(round(value, 9) + 0.5)


def round_up(value: float) -> int:
    return math.ceil(round(value, 9))


def rates(imports: float, exports: float, params: FormulaParams = FormulaParams()) -> Rates:
    """Tariff charged and reciprocal rate for one partner's imports and exports."""
    charged = formula_tariff(imports, exports, params.epsilon, params.phi)
    floor = max(params.floor, 0.0)
    half = charged * DISCOUNT
    reciprocal_exact = max(half, floor)
    return Rates(
        charged_exact=charged,
        reciprocal_exact=reciprocal_exact,
        charged=max(round_half_up(charged), round_half_up(floor)),
        reciprocal=max(round_up(half), round_up(floor)),
        floored=half < floor or (floor == 0 and half < 0),
    )


def partner_rates(partner: Partner, params: FormulaParams = FormulaParams()) -> Rates | None:
    """The formula for a partner; with `params.services`, None when it has no services figures."""
    imports, exports = partner.imports, partner.exports
    if params.services:
        if not partner.has_services:
            return None
        imports += partner.services_imports  # type: ignore[operator]
        exports += partner.services_exports  # type: ignore[operator]
    return rates(imports, exports, params)


@dataclass(frozen=True)
class PartnerResult:
    partner: Partner
    published_method: Rates  # goods only, epsilon 4, phi 0.25, floor 10
    what_if: Rates | None  # the asked parameters (None: no services figures for this partner)

    @property
    def charged_matches(self) -> bool | None:
        if self.partner.published_charged is None:
            return None
        return self.published_method.charged == self.partner.published_charged

    @property
    def reciprocal_gap(self) -> float | None:
        if self.partner.published_reciprocal is None:
            return None
        return self.published_method.reciprocal - self.partner.published_reciprocal


@dataclass(frozen=True)
class FormulaResult:
    params: FormulaParams
    rows: tuple[PartnerResult, ...]
    source: str  # the partner file, or "shipped" for the package's 2024 figures

    def exceptions(self) -> dict[str, str]:
        """Partners whose chart figure the formula does not reproduce exactly, and why."""
        out: dict[str, str] = {}
        for row in self.rows:
            p = row.partner
            reasons = []
            if p.published_charged is None:
                reasons.append("no 'tariffs charged' figure on the chart")
            elif not row.charged_matches:
                reasons.append(f"charged {row.published_method.charged} vs chart "
                               f"{_num(p.published_charged)}")
            if p.published_reciprocal is None:
                reasons.append("no reciprocal rate on the chart")
            elif row.reciprocal_gap:
                reasons.append(f"reciprocal {row.published_method.reciprocal} vs chart "
                               f"{_num(p.published_reciprocal)}")
            if reasons:
                out[p.name] = "; ".join(reasons)
        return out


def apply_formula(partners: tuple[Partner, ...] | list[Partner],
                  params: FormulaParams = FormulaParams(), source: str = "shipped"
                  ) -> FormulaResult:
    """The published method and the asked what-if for every partner."""
    published = FormulaParams()
    rows = tuple(PartnerResult(p, partner_rates(p, published) or rates(p.imports, p.exports),
                               partner_rates(p, params)) for p in partners)
    return FormulaResult(params, rows, source)


def _num(value: float) -> str:
    return f"{value:g}"
