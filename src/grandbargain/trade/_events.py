"""The dated events file: tariff layers, product groups and the events that change them.

Format `grandbargain-events/1` (YAML). Each event holds what a timeline needs too: `date` (when it
was announced), `title` and `title_zh`, `sources`, and `changes`. A tariff change names a `layer`
and exactly one of `rate` (percent of customs value; optional `until`, when it lapses), `suspend`
(points suspended; `until` required) or `exempt` (product groups taken out of the layer); it may
restrict itself to some `products` and give its `effective` date (default: the event's date).
Every problem is reported with its file, line, column and field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from grandbargain.scenario._errors import ScenarioError
from grandbargain.scenario._yaml import parse_yaml
from grandbargain.timeline._format import FORMAT as FORMAT
from grandbargain.timeline._format import (
    Checker,
    DatedEvent,
    check_header,
    event_header,
    event_sources_zh,
    in_order,
    kind_of,
)

_Checker, _kind = Checker, kind_of  # the envelope is shared with timelines (timeline/_format)
SHIPPED_EVENTS = "us-china-tariffs-2025.yaml"
FAMILIES = {
    "ieepa": "IEEPA",
    "s301": "Section 301",
    "s232": "Section 232",
    "s201": "Section 201",
    "counter": "counter-tariff",
    "other": "other",
}
ALL = "all"


@dataclass(frozen=True)
class ProductGroup:
    id: str
    imposer: str
    name: str
    name_zh: str


@dataclass(frozen=True)
class Layer:
    id: str
    imposer: str
    target: str  # whose goods the layer taxes
    family: str
    name: str
    name_zh: str
    basis: str
    products: tuple[str, ...] | None  # None: every product group of the imposer
    basis_zh: str = ""

    def basis_in(self, lang: str) -> str:
        return self.basis_zh if lang == "zh" and self.basis_zh else self.basis

    def covers(self, product: str) -> bool:
        return self.products is None or product in self.products


@dataclass(frozen=True)
class Change:
    layer: str
    kind: str  # "rate", "suspend" or "exempt"
    effective: date
    value: float = 0.0  # the rate, or the points suspended
    until: date | None = None
    products: tuple[str, ...] | None = None  # None: every product the layer covers

    def touches(self, product: str) -> bool:
        return self.products is None or product in self.products


@dataclass(frozen=True)
class Event(DatedEvent[Change]):
    """A dated event that changes tariff layers (the shared event fields, timeline/_format)."""


@dataclass(frozen=True)
class IssueLink:
    """A scenario issue whose status quo is a sum of stack layers."""

    issue: str
    imposer: str
    product: str
    families: tuple[str, ...] | None
    layers: tuple[str, ...] | None


@dataclass(frozen=True)
class TariffEvents:
    id: str
    title: str
    title_zh: str
    as_of: date
    products: tuple[ProductGroup, ...]
    layers: tuple[Layer, ...]
    events: tuple[Event, ...]
    issues: tuple[IssueLink, ...]
    file: str

    def layer(self, layer_id: str) -> Layer:
        return next(la for la in self.layers if la.id == layer_id)

    def imposers(self) -> list[str]:
        return list(dict.fromkeys(la.imposer for la in self.layers))

    def product_ids(self, imposer: str) -> list[str]:
        return [p.id for p in self.products if p.imposer == imposer]

    def product(self, imposer: str, product_id: str) -> ProductGroup:
        return next(p for p in self.products if p.imposer == imposer and p.id == product_id)


def shipped_events() -> TariffEvents:
    """US tariffs on Chinese goods and China's counter-tariffs, as public on 17 July 2025."""
    text = resources.files("grandbargain.trade").joinpath("data", SHIPPED_EVENTS).read_text(
        encoding="utf-8")
    return parse_events(text, f"grandbargain/trade/data/{SHIPPED_EVENTS}")


def read_events(path: str | Path) -> TariffEvents:
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ScenarioError.single(name, "file not found") from None
    except IsADirectoryError:
        raise ScenarioError.single(name, "is a folder, not an events file") from None
    except UnicodeDecodeError:
        raise ScenarioError.single(name, "not UTF-8 text") from None
    except OSError as exc:
        raise ScenarioError.single(name, f"cannot read: {exc.strerror}") from None
    return parse_events(text, name)


def parse_events(text: str, file: str) -> TariffEvents:
    """Parse and validate an events document; raises ScenarioError with every problem found."""
    data, locator = parse_yaml(text, file)
    c = _Checker(file, locator)
    top = c.mapping(data, (), {"format", "id", "title", "title_zh", "as_of", "products",
                               "layers", "issues", "events", "description"},
                    ("format", "as_of", "layers", "events"))
    if top is None:
        raise ScenarioError(c.problems)
    as_of = check_header(c, top)

    products: list[ProductGroup] = []
    seen_products: set[tuple[str, str]] = set()
    raw_products = top.get("products", [])
    if not isinstance(raw_products, list):
        c.problem(("products",), f"expected a list, got {_kind(raw_products)}")
        raw_products = []
    for k, item in enumerate(raw_products):
        path = ("products", k)
        m = c.mapping(item, path, {"id", "imposer", "name", "name_zh"}, ("id", "imposer", "name"))
        if m is None:
            continue
        pid, imposer = c.word(m.get("id"), (*path, "id")), c.word(m.get("imposer"),
                                                                  (*path, "imposer"))
        if (imposer, pid) in seen_products:
            c.problem((*path, "id"), f"product group {pid!r} of {imposer} given twice")
        seen_products.add((imposer, pid))
        products.append(ProductGroup(pid, imposer, c.text(m.get("name"), (*path, "name")),
                                     c.text(m.get("name_zh"), (*path, "name_zh"),
                                            required=False)))

    layers: dict[str, Layer] = {}
    raw_layers = top.get("layers", [])
    if not isinstance(raw_layers, list) or not raw_layers:
        c.problem(("layers",), "expected a non-empty list of layers")
        raw_layers = []
    for k, item in enumerate(raw_layers):
        path = ("layers", k)
        m = c.mapping(item, path, {"id", "imposer", "target", "family", "name", "name_zh",
                                   "basis", "basis_zh", "products"},
                      ("id", "imposer", "target", "family", "name", "basis"))
        if m is None:
            continue
        lid = c.word(m.get("id"), (*path, "id"))
        imposer = c.word(m.get("imposer"), (*path, "imposer"))
        family = m.get("family")
        if family not in FAMILIES:
            c.problem((*path, "family"), f"unknown family {family!r} (known: "
                      f"{', '.join(FAMILIES)})")
        if lid in layers:
            c.problem((*path, "id"), f"layer {lid!r} given twice")
        scope = _products(c, m.get("products", ALL), (*path, "products"), imposer,
                          seen_products)
        layers[lid] = Layer(lid, imposer, c.word(m.get("target"), (*path, "target")),
                            str(family), c.text(m.get("name"), (*path, "name")),
                            c.text(m.get("name_zh"), (*path, "name_zh"), required=False),
                            c.text(m.get("basis"), (*path, "basis")), scope,
                            c.text(m.get("basis_zh"), (*path, "basis_zh"), required=False))

    events: list[Event] = []
    raw_events = top.get("events", [])
    if not isinstance(raw_events, list):
        c.problem(("events",), f"expected a list, got {_kind(raw_events)}")
        raw_events = []
    for k, item in enumerate(raw_events):
        event = _event(c, item, ("events", k), k, layers, seen_products, as_of)
        if event is not None:
            events.append(event)

    issues = _issues(c, top.get("issues", {}), layers, seen_products)
    if c.problems:
        raise ScenarioError(c.problems)
    return TariffEvents(
        id=str(top.get("id", Path(file).stem)), title=str(top.get("title", "")),
        title_zh=str(top.get("title_zh", "")), as_of=as_of,  # type: ignore[arg-type]
        products=tuple(products), layers=tuple(layers.values()),
        events=in_order(events), issues=issues, file=file)


def _products(c: _Checker, value: Any, path: tuple, imposer: str,
              known: set[tuple[str, str]]) -> tuple[str, ...] | None:
    if value == ALL:
        return None
    if not isinstance(value, list) or not value:
        c.problem(path, f"expected '{ALL}' or a non-empty list of product groups, "
                  f"got {_kind(value)}")
        return ()
    out = []
    for j, pid in enumerate(value):
        if (imposer, pid) not in known:
            c.problem((*path, j), f"unknown product group {pid!r} for {imposer} (declare it "
                      "under 'products')")
        out.append(str(pid))
    return tuple(out)


def _event(c: _Checker, item: Any, path: tuple, index: int, layers: dict[str, Layer],
           known_products: set[tuple[str, str]], as_of: date | None) -> Event | None:
    header = event_header(c, item, path, as_of, lambda raw, where, when: _change(
        c, raw, where, layers, known_products, when))
    if header is None:
        return None
    when, title, title_zh, sources, changes, _note = header
    return Event(when, title, title_zh, sources, changes, index,
                 event_sources_zh(c, item, path, len(sources)))


def _change(c: _Checker, raw: Any, path: tuple, layers: dict[str, Layer],
            known_products: set[tuple[str, str]], announced: date | None) -> Change | None:
    m = c.mapping(raw, path, {"layer", "rate", "suspend", "exempt", "until", "effective",
                              "products", "note"}, ("layer",))
    if m is None:
        return None
    lid = m.get("layer")
    layer = layers.get(lid) if isinstance(lid, str) else None
    if "layer" in m and layer is None:
        c.problem((*path, "layer"), f"unknown layer {lid!r} (declare it under 'layers')")
    kinds = [k for k in ("rate", "suspend", "exempt") if k in m]
    if len(kinds) != 1:
        c.problem(path, "a change needs exactly one of 'rate', 'suspend' or 'exempt'"
                  + (f" (got {', '.join(kinds)})" if kinds else ""))
        return None
    kind = kinds[0]
    effective = c.day(m["effective"], (*path, "effective")) if "effective" in m else announced
    until = c.day(m["until"], (*path, "until")) if "until" in m else None
    if kind == "suspend" and "until" not in m:
        c.problem(path, "a suspension needs 'until' (the day it lapses)")
    if kind == "exempt" and "until" in m:
        c.problem((*path, "until"), "an exemption has no 'until'; add a later change instead")
    if until is not None and effective is not None and until <= effective:
        c.problem((*path, "until"), f"'until' {until} must come after the effective date "
                  f"{effective}")
    value = 0.0
    products = None
    imposer = layer.imposer if layer else ""
    if kind == "exempt":
        exempt = _products(c, m["exempt"], (*path, "exempt"), imposer, known_products)
        products = exempt or None
    else:
        number = c.number(m[kind], (*path, kind), above=kind == "suspend")
        value = number if number is not None else 0.0
        if "products" in m:
            products = _products(c, m["products"], (*path, "products"), imposer, known_products)
    if layer is not None and products and layer.products is not None:
        for j, pid in enumerate(products):
            if pid not in layer.products:
                where = (*path, "exempt" if kind == "exempt" else "products", j)
                c.problem(where, f"layer {layer.id!r} does not cover product group {pid!r}")
    if layer is None or effective is None:
        return None
    return Change(layer.id, kind, effective, value, until, products)


def _issues(c: _Checker, raw: Any, layers: dict[str, Layer],
            known_products: set[tuple[str, str]]) -> tuple[IssueLink, ...]:
    if raw is None or raw == {}:
        return ()
    if not isinstance(raw, dict):
        c.problem(("issues",), f"expected a mapping of issue id to layers, got {_kind(raw)}")
        return ()
    out = []
    for issue, spec in raw.items():
        path = ("issues", issue)
        m = c.mapping(spec, path, {"imposer", "product", "families", "layers"},
                      ("imposer", "product"))
        if m is None:
            continue
        imposer, product = str(m.get("imposer")), str(m.get("product"))
        if (imposer, product) not in known_products:
            c.problem((*path, "product"), f"unknown product group {product!r} for {imposer}")
        families = m.get("families")
        if families is not None and (not isinstance(families, list)
                                     or any(f not in FAMILIES for f in families)):
            c.problem((*path, "families"), f"expected a list of families among "
                      f"{', '.join(FAMILIES)}")
            families = None
        chosen = m.get("layers")
        if chosen is not None and (not isinstance(chosen, list)
                                   or any(la not in layers for la in chosen)):
            c.problem((*path, "layers"), "expected a list of declared layer ids")
            chosen = None
        out.append(IssueLink(str(issue), imposer, product,
                             tuple(families) if families else None,
                             tuple(chosen) if chosen else None))
    return tuple(out)
