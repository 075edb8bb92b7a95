"""The tariff stack on a date: each layer's rate for a product group, and their sum.

Stacking rules (docs/decisions.md, T-03): every layer is an ad valorem duty on the customs value,
so layers add in percentage points (no compounding); a layer's rate is the last `rate` change in
force on the date (changes ordered by effective date, then announcement date, then file order);
suspended points are taken off until the suspension lapses, and a new rate clears a suspension;
an exempted product group pays nothing under that layer from the exemption's effective date.
A date after the file's as_of gives the stack as scheduled on as_of (later events are unknown).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from grandbargain.trade._events import Change, Event, Layer, TariffEvents


@dataclass(frozen=True)
class LayerRate:
    layer: Layer
    status: str  # "in force", "suspended in part", "exempt", "lapsed", "not yet in force"
    rate: float  # the rate that applies on the date
    nominal: float  # the legal rate before any suspension
    suspended: float  # points suspended on the date
    since: date | None  # effective date of the change that set the rate (or the exemption)
    until: date | None  # when the suspension (or the rate) lapses, if scheduled
    event: Event | None  # the event that set the rate (or the exemption)


@dataclass(frozen=True)
class Stack:
    on: date
    imposer: str
    target: str
    product: str
    layers: tuple[LayerRate, ...]
    after_as_of: bool

    @property
    def total(self) -> float:
        return sum(la.rate for la in self.layers)

    def family_total(self, family: str) -> float:
        return sum(la.rate for la in self.layers if la.layer.family == family)


def _ordered_changes(events: TariffEvents) -> list[tuple[Change, Event]]:
    pairs = [(ch, ev) for ev in events.events for ch in ev.changes]
    return sorted(pairs, key=lambda p: (p[0].effective, p[1].date, p[1].index))


def layer_rate(events: TariffEvents, layer: Layer, product: str, on: date) -> LayerRate:
    """One layer's rate for a product group on a date."""
    nominal, since, rate_until, setter = 0.0, None, None, None
    suspended, suspended_until, exemption = 0.0, None, None
    for change, event in _ordered_changes(events):
        if change.layer != layer.id or change.effective > on or not change.touches(product):
            continue
        if change.kind == "rate":
            nominal, since, rate_until, setter = change.value, change.effective, change.until, event
            suspended, suspended_until = 0.0, None
        elif change.kind == "suspend":
            suspended, suspended_until = change.value, change.until
        elif change.kind == "exempt" and exemption is None:
            exemption = (change.effective, event)
    if setter is None:
        return LayerRate(layer, "not yet in force", 0.0, 0.0, 0.0, None, None, None)
    if rate_until is not None and on >= rate_until:
        return LayerRate(layer, "lapsed", 0.0, nominal, 0.0, since, rate_until, setter)
    if suspended_until is not None and on >= suspended_until:
        suspended = 0.0
    if exemption is not None:  # since / event: the exemption's, not the rate's
        return LayerRate(layer, "exempt", 0.0, nominal, 0.0, exemption[0], None, exemption[1])
    applied = max(nominal - suspended, 0.0)
    status = "suspended in part" if suspended else "in force"
    return LayerRate(layer, status, applied, nominal, suspended, since,
                     suspended_until if suspended else rate_until, setter)


def stack(events: TariffEvents, on: date, imposer: str, product: str = "general") -> Stack:
    """Every layer an imposer charges on a product group on a date."""
    layers = [la for la in events.layers if la.imposer == imposer and la.covers(product)]
    rates = tuple(layer_rate(events, la, product, on) for la in layers)
    target = layers[0].target if layers else ""
    return Stack(on, imposer, target, product, rates, on > events.as_of)


def change_dates(events: TariffEvents) -> list[date]:
    """Every date on which some layer's rate can change (effective dates and lapses)."""
    days = {ch.effective for ev in events.events for ch in ev.changes}
    days |= {ch.until for ev in events.events for ch in ev.changes if ch.until}
    return sorted(days)


def stack_series(events: TariffEvents, imposer: str, product: str, start: date, end: date
                 ) -> list[Stack]:
    """The stack at `start` and at every change date up to `end` (a step function)."""
    days = [start] + [d for d in change_dates(events) if start < d <= end]
    return [stack(events, d, imposer, product) for d in days]


def issue_status_quos(events: TariffEvents, on: date) -> dict[str, float]:
    """The status quo of each linked scenario issue on a date, from the stack (e.g. for a
    timeline replay): the sum of the issue's families or layers."""
    out: dict[str, float] = {}
    for link in events.issues:
        s = stack(events, on, link.imposer, link.product)
        out[link.issue] = sum(
            la.rate for la in s.layers
            if (link.families is None or la.layer.family in link.families)
            and (link.layers is None or la.layer.id in link.layers))
    return out


def with_stack_status_quos(scenario: Any, events: TariffEvents, on: date) -> Any:
    """The scenario with its linked issues' status quos taken from the stack on a date (what a
    timeline replay needs); raises ValueError when a value falls outside an issue's scale."""
    values = issue_status_quos(events, on)
    issues = []
    for issue in scenario.issues:
        if issue.id in values:
            value = values[issue.id]
            if not issue.low <= value <= issue.high:
                raise ValueError(f"issue {issue.id}: the stack gives {value:g} on {on}, outside "
                                 f"its scale {issue.low:g}..{issue.high:g}")
            issue = replace(issue, status_quo=value,
                            status_quo_note=f"from the tariff stack on {on} ({events.id})",
                            status_quo_note_zh=f"取自{on}的關稅疊加（{events.id}）")
        issues.append(issue)
    return replace(scenario, issues=tuple(issues))
