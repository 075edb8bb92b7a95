"""The case catalogue (which file, which outcome, which published forecasts) and the case
library reader that loads each case's input from a benchmark folder at run time.

A case that cannot be read (missing file, malformed table, an issue id the file lacks) is
skipped with the located problems of `ScenarioError`; the other cases still load.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from grandbargain.scenario import (
    FORMATS,
    Issue,
    Location,
    Problem,
    Scenario,
    ScenarioError,
    load_scenario,
)
from grandbargain.scenario._load import read_text
from grandbargain.scenario._schema import locate
from grandbargain.scenario._yaml import parse_yaml

CATALOGUE_NAME = "cases.yaml"

Number = Annotated[float, Field(allow_inf_nan=False)]
Id = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", max_length=100)]


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class OutcomeDoc(_Doc):
    value: Number
    label: str = ""
    label_zh: str = ""
    primary: bool = True
    source: str = Field(min_length=1)


class PublishedDoc(_Doc):
    model: Id
    label: str = Field(min_length=1)
    label_zh: str = ""
    value: Number
    source: str = Field(min_length=1)
    note: str = ""


class CaseDoc(_Doc):
    id: Id
    title: str = Field(min_length=1)
    title_zh: str = ""
    file: str = Field(min_length=1)
    format: str | None = None
    scale: list[Number] | None = Field(None, min_length=2, max_length=2)
    issue: str | None = None
    unit: str = ""
    unit_zh: str = ""
    source: str = ""
    outcomes: list[OutcomeDoc] = Field(min_length=1)
    published: list[PublishedDoc] = []


class CatalogueDoc(_Doc):
    cases: list[CaseDoc] = Field(min_length=1)


@dataclass(frozen=True)
class Outcome:
    """One reading of a case's real outcome; the summary statistics use primary ones."""

    value: float
    label: str
    source: str
    primary: bool = True
    label_zh: str = ""

    def label_in(self, lang: str) -> str:
        return self.label_zh if lang == "zh" and self.label_zh else self.label


@dataclass(frozen=True)
class Published:
    """A forecast another model published for the case, scored like ours."""

    model: str
    label: str
    value: float
    source: str
    note: str = ""
    label_zh: str = ""

    def label_in(self, lang: str) -> str:
        return self.label_zh if lang == "zh" and self.label_zh else self.label


@dataclass(frozen=True)
class CaseSpec:
    """A catalogue entry: where the input is, what happened, what others forecast."""

    id: str
    title: str
    file: str
    outcomes: tuple[Outcome, ...]
    published: tuple[Published, ...] = ()
    format: str | None = None
    scale: tuple[float, float] | None = None
    issue: str | None = None
    unit: str = ""
    source: str = ""
    title_zh: str = ""
    unit_zh: str = ""

    def title_in(self, lang: str) -> str:
        return self.title_zh if lang == "zh" and self.title_zh else self.title

    def unit_in(self, lang: str) -> str:
        return self.unit_zh if lang == "zh" and self.unit_zh else self.unit


@dataclass(frozen=True)
class LoadedCase:
    """A case whose input file was read: its scenario and the issue that is scored."""

    spec: CaseSpec
    scenario: Scenario
    issue: Issue


@dataclass(frozen=True)
class SkippedCase:
    """A case that could not be read, with every problem (file paths inside the folder)."""

    case: str
    file: str
    problems: tuple[str, ...]


def shipped_catalogue() -> Path:
    return Path(str(resources.files("grandbargain.validate") / CATALOGUE_NAME))


def read_catalogue(path: str | Path | None = None) -> tuple[CaseSpec, ...]:
    """The cases of a catalogue file (default: the one shipped in the package).

    Raises ScenarioError with the file, line and field of every problem.
    """
    path = Path(path) if path is not None else shipped_catalogue()
    file = path.name if path == shipped_catalogue() else str(path)
    text = read_text(path)
    data, locator = parse_yaml(text, file)
    if not isinstance(data, dict):
        raise ScenarioError.single(file, "the catalogue must hold a mapping with 'cases'", line=1)
    try:
        doc = CatalogueDoc.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = tuple(err["loc"])
            message = err["msg"] if err["type"] != "extra_forbidden" else \
                f"unknown field '{where[-1]}'"
            problems.append(Problem(locate(locator, where, file),
                                    ".".join(map(str, where)), message))
        raise ScenarioError(problems) from None
    problems = []
    seen: set[str] = set()
    for k, case in enumerate(doc.cases):
        if case.id in seen:
            problems.append(Problem(locate(locator, ("cases", k, "id"), file), f"cases.{k}.id",
                                    f"case id '{case.id}' is used twice"))
        seen.add(case.id)
        if case.format is not None and case.format not in FORMATS:
            problems.append(Problem(locate(locator, ("cases", k, "format"), file),
                                    f"cases.{k}.format", f"unknown format '{case.format}' "
                                    f"(known: {', '.join(FORMATS)})"))
        if case.scale is not None and not case.scale[0] < case.scale[1]:
            problems.append(Problem(locate(locator, ("cases", k, "scale"), file),
                                    f"cases.{k}.scale", "scale must be [min, max] with min < max"))
        if not any(o.primary for o in case.outcomes):
            problems.append(Problem(locate(locator, ("cases", k, "outcomes"), file),
                                    f"cases.{k}.outcomes", "no outcome is marked primary"))
    if problems:
        raise ScenarioError(problems)
    return tuple(_spec(case) for case in doc.cases)


def _spec(case: CaseDoc) -> CaseSpec:
    return CaseSpec(
        id=case.id, title=case.title, file=case.file, format=case.format,
        scale=tuple(case.scale) if case.scale else None, issue=case.issue, unit=case.unit,
        source=case.source, title_zh=case.title_zh, unit_zh=case.unit_zh,
        outcomes=tuple(Outcome(o.value, o.label, o.source, o.primary, o.label_zh)
                       for o in case.outcomes),
        published=tuple(Published(p.model, p.label, p.value, p.source, p.note, p.label_zh)
                        for p in case.published))


def _relative(error: ScenarioError, folder: Path, name: str) -> tuple[str, ...]:
    """The problems with file paths shown relative to the case folder (no absolute paths)."""
    prefix = str(folder)
    out = []
    for p in error.problems:
        file = p.location.file
        if file.startswith(prefix):
            file = file[len(prefix):].lstrip("/\\") or name
        out.append(str(Problem(Location(file, p.location.line, p.location.column), p.field,
                               p.message)))
    return tuple(out)


def load_case(spec: CaseSpec, folder: Path) -> LoadedCase:
    """Read one case's input from the folder; raises ScenarioError."""
    path = folder / spec.file
    fmt = spec.format
    options = {}
    if spec.scale is not None and fmt in ("bdm-csv", "bdm-tsv"):
        options["scale"] = spec.scale
    if not path.is_file():
        raise ScenarioError.single(str(path), "no such file" if not path.exists() else
                                   "is a folder, not a file")
    scenario = load_scenario(path, format=fmt, **options)
    if spec.issue is None:
        if len(scenario.issues) != 1:
            raise ScenarioError.single(str(path), "the file has several issues; the catalogue "
                                       "must name one (issue: "
                                       f"{', '.join(i.id for i in scenario.issues)})")
        issue = scenario.issues[0]
    elif spec.issue in scenario.issue_index:
        issue = scenario.issue(spec.issue)
    else:
        raise ScenarioError.single(str(path), f"no issue '{spec.issue}' in the file (issues: "
                                   f"{', '.join(i.id for i in scenario.issues)})")
    if spec.scale is not None and (issue.low, issue.high) != spec.scale:
        raise ScenarioError.single(str(path), f"the file's scale {issue.low:g}-{issue.high:g} "
                                   f"differs from the catalogue's {spec.scale[0]:g}-"
                                   f"{spec.scale[1]:g}", field="scale")
    return LoadedCase(spec, scenario, issue)


def load_cases(specs: tuple[CaseSpec, ...], folder: str | Path
               ) -> tuple[tuple[LoadedCase, ...], tuple[SkippedCase, ...]]:
    """Every case that can be read from the folder, and the ones skipped with why."""
    folder = Path(folder)
    loaded, skipped = [], []
    for spec in specs:
        try:
            loaded.append(load_case(spec, folder))
        except ScenarioError as exc:
            skipped.append(SkippedCase(spec.id, spec.file, _relative(exc, folder, spec.file)))
    return tuple(loaded), tuple(skipped)
