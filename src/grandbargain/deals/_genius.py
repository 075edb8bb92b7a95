"""Negotiation domains from Genius (XML) and GeniusWeb (JSON), as deal spaces.

Genius XML: a domain file (`<negotiation_template>`) lists the issues and their values; each
profile (`<utility_space>`) gives per-issue weights and, per value, an `evaluation`. Genius
divides each issue's evaluations by that issue's largest evaluation before weighting, so each
issue contributes at most its weight and utilities lie in [0, 1]; a reader that skips this step
gets utilities above 1 and wrong rankings. The `<reservation value>` is on that normalised
scale. GeniusWeb JSON: `LinearAdditiveUtilitySpace` profiles hold value utilities already in
[0, 1] and `issueWeights`; the reservation value is the utility of `reservationBid`.
The disagreement point is the reservation values (decision PD-011). Discount factors do not
change the frontier and are only reported in `notes`.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from types import MappingProxyType
from xml.parsers import expat

import numpy as np

from grandbargain.deals._space import DealIssue, DealSpace, Option, Party
from grandbargain.scenario import ScenarioError

MAX_BYTES = 20 * 1024 * 1024


def _error(path: Path, message: str, line: int | None = None, field: str = "") -> ScenarioError:
    return ScenarioError.single(str(path), message, line=line, field=field)


def _read(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise _error(path, f"the file is larger than {MAX_BYTES // 2**20} MB")
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise _error(path, "no such file") from None
    except UnicodeDecodeError as exc:
        raise _error(path, f"not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise _error(path, f"cannot read: {exc.strerror}") from None


class _Xml:
    """An XML file parsed with the line of every element kept, for error messages."""

    def __init__(self, path: Path):
        self.path = path
        self.lines: dict[ET.Element, int] = {}
        builder = ET.TreeBuilder()
        parser = expat.ParserCreate()

        def start(tag, attrs):
            self.lines[builder.start(tag, attrs)] = parser.CurrentLineNumber

        parser.StartElementHandler = start
        parser.EndElementHandler = builder.end
        parser.CharacterDataHandler = builder.data
        try:
            parser.Parse(_read(path), True)
            self.root = builder.close()
        except expat.ExpatError as exc:
            raise ScenarioError.single(str(path), "not well-formed XML: "
                                       f"{expat.errors.messages[exc.code]}", line=exc.lineno,
                                       column=exc.offset + 1) from None

    def error(self, element: ET.Element | None, message: str, field: str = "") -> ScenarioError:
        return _error(self.path, message, self.lines.get(element) if element is not None
                      else None, field)

    def number(self, element: ET.Element, attribute: str, field: str) -> float:
        text = element.get(attribute)
        try:
            value = float(text) if text is not None else None
        except ValueError:
            value = None
        if value is None or not np.isfinite(value):
            raise self.error(element, f"{attribute}={text!r} is not a number", field)
        return value


def _xml_issues(doc: _Xml) -> list[tuple[str, list[str]]]:
    issues = []
    for issue in doc.root.iter("issue"):
        name = issue.get("name")
        if not name:
            raise doc.error(issue, "an issue without a name")
        kind = issue.get("type") or issue.get("etype") or "discrete"
        if kind != "discrete":
            raise doc.error(issue, f"issue '{name}' is of type '{kind}': only discrete issues "
                            "are supported", f"issue {name}")
        values = [item.get("value", "") for item in issue.findall("item")]
        if not values:
            raise doc.error(issue, f"issue '{name}' has no values", f"issue {name}")
        issues.append((name, values))
    if not issues:
        raise doc.error(doc.root, "no issues found")
    return issues


def _xml_profile(doc: _Xml, issues: list[tuple[str, list[str]]]) -> tuple[np.ndarray, float,
                                                                           dict[str, str]]:
    """Per issue the weighted, normalised contributions of a Genius profile; its reservation."""
    root = doc.root
    if root.tag != "utility_space":
        raise doc.error(root, f"a profile starts with <utility_space>, not <{root.tag}>")
    if root.get("type") == "nonlinear":
        raise doc.error(root, "non-linear (constraint-based) utility spaces are not supported")
    found = {issue.get("name"): issue for issue in root.iter("issue")}
    weights = {w.get("index"): w for w in root.iter("weight")}
    contributions = []
    for name, values in issues:
        issue = found.get(name)
        if issue is None:
            raise doc.error(root, f"the profile has no issue '{name}' of the domain",
                            f"issue {name}")
        weight_element = weights.get(issue.get("index"))
        if weight_element is None:
            raise doc.error(issue, f"no <weight> for issue '{name}' (index "
                            f"{issue.get('index')})", f"issue {name}")
        weight = doc.number(weight_element, "value", f"weight {name}")
        evaluations = {}
        for item in issue.findall("item"):
            value = doc.number(item, "evaluation", f"issue {name}")
            if value < 0:
                raise doc.error(item, f"evaluation {value:g} is negative", f"issue {name}")
            evaluations[item.get("value", "")] = value
        missing = [v for v in values if v not in evaluations]
        if missing:
            raise doc.error(issue, f"issue '{name}': no evaluation for value(s) "
                            f"{', '.join(missing)}", f"issue {name}")
        top = max(evaluations[v] for v in values)
        if top <= 0:
            raise doc.error(issue, f"issue '{name}': every evaluation is 0", f"issue {name}")
        contributions.append(np.array([weight * evaluations[v] / top for v in values]))
    reservation = root.find(".//reservation")
    reserve = doc.number(reservation, "value", "reservation") if reservation is not None else 0.0
    discount = root.find(".//discount_factor")
    notes = {"discount_factor": discount.get("value", "")} if discount is not None else {}
    return contributions, reserve, notes


def read_genius_xml(domain: str | Path, profiles: list[str | Path]) -> DealSpace:
    """A Genius XML domain and its profiles (one party per profile, named by file stem)."""
    domain_doc = _Xml(Path(domain))
    issues = _xml_issues(domain_doc)
    tables = [np.zeros((len(values), len(profiles))) for _, values in issues]
    reserve = np.zeros(len(profiles))
    notes: dict[str, str] = {"format": "genius-xml", "domain": str(domain)}
    parties = []
    for p, profile in enumerate(profiles):
        doc = _Xml(Path(profile))
        contributions, reserve[p], extra = _xml_profile(doc, issues)
        for d, column in enumerate(contributions):
            tables[d][:, p] = column
        for key, value in extra.items():
            notes[f"{Path(profile).stem}.{key}"] = value
        parties.append(Party(Path(profile).stem))
    return DealSpace(
        parties=tuple(parties),
        issues=tuple(DealIssue(name, tuple(Option(v) for v in values), name=name)
                     for name, values in issues),
        values=tuple(tables), disagreement=reserve, title=Path(domain).stem,
        notes=MappingProxyType(notes))


def _json(path: Path) -> dict:
    try:
        data = json.loads(_read(path))
    except json.JSONDecodeError as exc:
        raise ScenarioError.single(str(path), f"not valid JSON: {exc.msg}", line=exc.lineno,
                                   column=exc.colno) from None
    if not isinstance(data, dict):
        raise _error(path, "the file must hold a JSON object")
    return data


def _json_issues(path: Path, data: dict) -> list[tuple[str, list[str]]]:
    values = data.get("issuesValues")
    if not isinstance(values, dict) or not values:
        raise _error(path, "a GeniusWeb domain needs a non-empty 'issuesValues' object",
                     field="issuesValues")
    issues = []
    for name, spec in values.items():
        options = spec.get("values") if isinstance(spec, dict) else None
        if not isinstance(options, list) or not options:
            raise _error(path, f"issue '{name}' needs a non-empty list of 'values' (number "
                         "ranges are not supported)", field=f"issuesValues.{name}")
        issues.append((str(name), [str(v) for v in options]))
    return issues


def _json_profile(path: Path, data: dict, issues: list[tuple[str, list[str]]]):
    space = data.get("LinearAdditiveUtilitySpace")
    if not isinstance(space, dict):
        raise _error(path, "only 'LinearAdditiveUtilitySpace' profiles are supported",
                     field="LinearAdditiveUtilitySpace")
    utilities, weights = space.get("issueUtilities", {}), space.get("issueWeights", {})
    contributions = {}
    for name, values in issues:
        where = f"LinearAdditiveUtilitySpace.issueUtilities.{name}"
        table = (utilities.get(name) or {}).get("discreteutils", {}).get("valueUtilities")
        if not isinstance(table, dict):
            raise _error(path, f"no discrete value utilities for issue '{name}'", field=where)
        weight = weights.get(name)
        if not isinstance(weight, int | float) or isinstance(weight, bool):
            raise _error(path, f"no numeric weight for issue '{name}'",
                         field=f"LinearAdditiveUtilitySpace.issueWeights.{name}")
        column = []
        for v in values:
            u = table.get(v)
            if not isinstance(u, int | float) or isinstance(u, bool) or not 0 <= u <= 1:
                raise _error(path, f"issue '{name}', value '{v}': utility must be a number in "
                             f"[0, 1], got {u!r}", field=where)
            column.append(float(weight) * float(u))
        contributions[name] = np.array(column)
    reserve = 0.0
    bid = (space.get("reservationBid") or {}).get("issuevalues") or {}
    for name, value in bid.items():
        if name not in contributions or value not in dict(issues)[name]:
            raise _error(path, f"reservationBid names an unknown issue or value: {name}={value}",
                         field="LinearAdditiveUtilitySpace.reservationBid")
        reserve += contributions[name][dict(issues)[name].index(value)]
    return [contributions[name] for name, _ in issues], reserve, str(space.get("name", ""))


def read_geniusweb(domain: str | Path, profiles: list[str | Path]) -> DealSpace:
    """A GeniusWeb JSON domain and its linear additive profiles."""
    domain = Path(domain)
    issues = _json_issues(domain, _json(domain))
    tables = [np.zeros((len(values), len(profiles))) for _, values in issues]
    reserve = np.zeros(len(profiles))
    parties = []
    for p, profile in enumerate(profiles):
        contributions, reserve[p], name = _json_profile(Path(profile), _json(Path(profile)),
                                                        issues)
        for d, column in enumerate(contributions):
            tables[d][:, p] = column
        parties.append(Party(name or Path(profile).stem))
    return DealSpace(
        parties=tuple(parties),
        issues=tuple(DealIssue(name, tuple(Option(v) for v in values), name=name)
                     for name, values in issues),
        values=tuple(tables), disagreement=reserve, title=domain.stem,
        notes=MappingProxyType({"format": "geniusweb-json", "domain": str(domain)}))


def _xml_root_tag(path: Path) -> str:
    try:
        for _, element in ET.iterparse(path, events=("start",)):
            return element.tag
    except ET.ParseError:
        return ""
    return ""


def read_domain(folder: str | Path) -> DealSpace:
    """A folder holding one Genius XML or GeniusWeb JSON domain and its profiles (in file-name
    order). Other files (e.g. Genius `pareto.xml`) are ignored."""
    folder = Path(folder)
    if not folder.is_dir():
        raise _error(folder, "not a folder (give the folder of a Genius or GeniusWeb domain)")
    xml = sorted(folder.glob("*.xml"))
    if xml:
        tags = {path: _xml_root_tag(path) for path in xml}
        domains = [p for p, tag in tags.items() if tag == "negotiation_template"]
        profiles = [p for p, tag in tags.items() if tag == "utility_space"]
        _check_files(folder, "Genius XML", "<negotiation_template>", "<utility_space>",
                     domains, profiles)
        return read_genius_xml(domains[0], profiles)
    files = sorted(folder.glob("*.json"))
    docs = {path: _json(path) for path in files}
    domains = [p for p, d in docs.items() if "issuesValues" in d]
    profiles = [p for p, d in docs.items() if "LinearAdditiveUtilitySpace" in d]
    _check_files(folder, "GeniusWeb JSON", "'issuesValues'", "'LinearAdditiveUtilitySpace'",
                 domains, profiles)
    return read_geniusweb(domains[0], profiles)


def _check_files(folder: Path, kind: str, domain_mark: str, profile_mark: str,
                 domains: list[Path], profiles: list[Path]) -> None:
    """One domain file and at least two profiles (a negotiation needs two parties), or an
    error naming the folder, what it holds and what is missing."""
    def names(paths: list[Path]) -> str:
        return ", ".join(p.name for p in paths[:5]) + (", ..." if len(paths) > 5 else "")

    found = (f"found {len(domains)} domain file(s){f' ({names(domains)})' if domains else ''} "
             f"and {len(profiles)} profile(s){f' ({names(profiles)})' if profiles else ''}")
    if len(domains) != 1:
        raise _error(folder, f"a {kind} domain folder needs exactly one domain file (holding "
                     f"{domain_mark}) besides its profiles; {found}")
    if len(profiles) < 2:
        raise _error(folder, f"a negotiation needs at least two parties, one profile file each "
                     f"(holding {profile_mark}); {found}: add the other party's profile to "
                     "the folder")
