"""The dated events file: tariff layers, product groups and the events that change them.

Format `grandbargain-events/1` (YAML). Each event holds what a timeline needs too: `date` (when it
was announced), `title` and `title_zh`, `sources`, and `changes`. A tariff change names a `layer`
and exactly one of `rate` (percent of customs value; optional `until`, when it lapses), `suspend`
(points suspended; `until` required) or `exempt` (product groups taken out of the layer); it may
restrict itself to some `products` and give its `effective` date (default: the event's date).
Every problem is reported with its file, line, column and field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from grandbargain.scenario._errors import Location, Problem, ScenarioError
from grandbargain.scenario._yaml import parse_yaml

FORMAT = "grandbargain-events/1"
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
class Event:
    date: date
    title: str
    title_zh: str
    sources: tuple[str, ...]
    changes: tuple[Change, ...]
    index: int  # position in the file: breaks ties between events of the same date

    def title_in(self, lang: str) -> str:
        return self.title_zh if lang == "zh" and self.title_zh else self.title


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


class _Checker:
    def __init__(self, file: str, locator: dict[tuple, Location]):
        self.file = file
        self.locator = locator
        self.problems: list[Problem] = []

    def problem(self, path: tuple, message: str) -> None:
        probe = path
        while probe and probe not in self.locator:
            probe = probe[:-1]
        location = self.locator.get(probe, Location(self.file))
        self.problems.append(Problem(location, ".".join(map(str, path)), message))

    def mapping(self, value: Any, path: tuple, allowed: set[str], required: tuple[str, ...]
                ) -> dict | None:
        if not isinstance(value, dict):
            self.problem(path, f"expected a mapping, got {_kind(value)}")
            return None
        for key in value:
            if key not in allowed:
                self.problem((*path, key), f"unknown key {key!r} (allowed: "
                             f"{', '.join(sorted(allowed))})")
        for key in required:
            if key not in value:
                self.problem(path, f"missing {key!r}")
        return value

    def text(self, value: Any, path: tuple, *, required: bool = True) -> str:
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.problem(path, f"expected text, got {_kind(value)}")
            return ""
        return value.strip()

    def word(self, value: Any, path: tuple) -> str:
        text = self.text(value, path)
        if text and not all(c.isalnum() or c in "_-." for c in text):
            self.problem(path, f"an id uses letters, digits, '_', '-', '.': got {text!r}")
        return text

    def day(self, value: Any, path: tuple) -> date | None:
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.problem(path, f"expected a date YYYY-MM-DD, got {value!r}")
        return None

    def number(self, value: Any, path: tuple, *, low: float = 0.0, above: bool = False
               ) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(path, f"expected a number (percent), got {_kind(value)}")
            return None
        if not math.isfinite(value) or value < low or (above and value == low):
            bound = f"above {low:g}" if above else f"at least {low:g}"
            self.problem(path, f"must be a finite number {bound}, got {value}")
            return None
        return float(value)


def parse_events(text: str, file: str) -> TariffEvents:
    """Parse and validate an events document; raises ScenarioError with every problem found."""
    data, locator = parse_yaml(text, file)
    c = _Checker(file, locator)
    top = c.mapping(data, (), {"format", "id", "title", "title_zh", "as_of", "products",
                               "layers", "issues", "events", "description"},
                    ("format", "as_of", "layers", "events"))
    if top is None:
        raise ScenarioError(c.problems)
    if "format" in top and top["format"] != FORMAT:
        c.problem(("format",), f"expected {FORMAT!r}, got {top['format']!r}")
    as_of = c.day(top.get("as_of"), ("as_of",)) if "as_of" in top else None

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
                                   "basis", "products"},
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
                            c.text(m.get("basis"), (*path, "basis")), scope)

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
        events=tuple(sorted(events, key=lambda e: (e.date, e.index))), issues=issues, file=file)


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
    m = c.mapping(item, path, {"date", "title", "title_zh", "sources", "changes", "note"},
                  ("date", "title", "sources", "changes"))
    if m is None:
        return None
    when = c.day(m.get("date"), (*path, "date")) if "date" in m else None
    if when is not None and as_of is not None and when > as_of:
        c.problem((*path, "date"), f"event dated {when} is after the file's as_of {as_of}: "
                  "a file holds only what was public by its as_of date")
    sources = m.get("sources")
    if not isinstance(sources, list) or not sources or not all(
            isinstance(s, str) and s.strip() for s in sources):
        c.problem((*path, "sources"), "expected a non-empty list of sources (text)")
        sources = []
    raw_changes = m.get("changes")
    changes: list[Change] = []
    if not isinstance(raw_changes, list) or not raw_changes:
        c.problem((*path, "changes"), "expected a non-empty list of changes")
        raw_changes = []
    for j, raw in enumerate(raw_changes):
        change = _change(c, raw, (*path, "changes", j), layers, known_products, when)
        if change is not None:
            changes.append(change)
    if when is None:
        return None
    return Event(when, c.text(m.get("title"), (*path, "title")),
                 c.text(m.get("title_zh"), (*path, "title_zh"), required=False),
                 tuple(s.strip() for s in sources), tuple(changes), index)


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


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return f"{value!r}"
    return type(value).__name__ if not isinstance(value, int | float) else repr(value)
