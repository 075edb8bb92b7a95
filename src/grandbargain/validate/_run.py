"""Running every model on every case with a known outcome, and on a user's DEU III table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from grandbargain.models import MODELS, Model, ModelResult
from grandbargain.scenario import Scenario, load_scenario, read_capabilities
from grandbargain.validate._catalogue import (
    CaseSpec,
    LoadedCase,
    SkippedCase,
    load_cases,
    read_catalogue,
)
from grandbargain.validate._institutions import (
    COMMISSION,
    DEFAULT_INSTITUTIONS,
    PARLIAMENT,
    apply_institutions,
)
from grandbargain.validate._scoring import ENSEMBLE_NAME, Score, equal_weight_ensemble


@dataclass(frozen=True)
class ModelInfo:
    name: str
    label: str


@dataclass(frozen=True)
class CaseRun:
    """One case's model results (the ensemble included) and its scores."""

    case: LoadedCase
    results: tuple[ModelResult, ...]
    scores: tuple[Score, ...]


@dataclass(frozen=True)
class LibraryValidation:
    models: tuple[ModelInfo, ...]
    runs: tuple[CaseRun, ...]
    skipped: tuple[SkippedCase, ...]
    failures: tuple[str, ...]

    @property
    def scores(self) -> tuple[Score, ...]:
        return tuple(s for run in self.runs for s in run.scores)


@dataclass(frozen=True)
class DeuValidation:
    file: str
    capabilities: str
    column: str | None
    institutions: str
    issues: int
    unscored: tuple[str, ...]  # issues without a known outcome
    models: tuple[ModelInfo, ...]
    scores: tuple[Score, ...]
    failures: tuple[str, ...]


def default_models(names: Sequence[str] | None = None) -> list[Model]:
    """The models to score: every one in MODELS (or the named ones), default options."""
    chosen = list(MODELS) if not names else [n for n in names if n in MODELS]
    return [MODELS[n]() for n in chosen]


def wants_fallback_ensemble(names: Sequence[str] | None = None) -> bool:
    """Add the equal-weight stand-in when MODELS has no ensemble and none was excluded."""
    return ENSEMBLE_NAME not in MODELS and (not names or ENSEMBLE_NAME in names)


def run_models(scenario: Scenario, models: Sequence[Model], ensemble: bool
               ) -> tuple[list[ModelResult], list[str]]:
    """Every model's result on the scenario; a model that rejects the input is reported."""
    results, failures, members = [], [], []
    for model in models:
        try:
            results.append(model.forecast(scenario))
        except ValueError as exc:
            failures.append(f"{model.name} on {scenario.id}: {exc}")
            continue
        if not (model.links_issues and len(scenario.issues) == 1):
            members.append(results[-1])
    if ensemble and members:
        results.append(equal_weight_ensemble(members))
    return results, failures


def _model_infos(models: Sequence[Model], ensemble: bool) -> tuple[ModelInfo, ...]:
    infos = [ModelInfo(m.name, m.label) for m in models]
    if ensemble:
        result = equal_weight_ensemble([])
        infos.append(ModelInfo(result.model, result.label))
    return tuple(infos)


def _values(infos: Sequence[ModelInfo], results: Sequence[ModelResult], issue: str
            ) -> list[tuple[ModelInfo, float | None]]:
    """Each model's forecast on the issue; None where it gave none or failed to run."""
    by_name = {r.model: r for r in results}
    return [(m, by_name[m.name].value(issue) if m.name in by_name else None) for m in infos]


def score_case(case: LoadedCase, infos: Sequence[ModelInfo], results: Sequence[ModelResult]
               ) -> tuple[Score, ...]:
    """Every model's and every published forecast's score against each outcome reading."""
    spec, issue = case.spec, case.issue
    scores = []
    for outcome in spec.outcomes:
        def score(model: str, label: str, kind: str, value: float | None,
                  outcome=outcome) -> Score:
            return Score(spec.id, outcome.label, outcome.primary, model, label, kind, value,
                         outcome.value, issue.low, issue.high)

        scores += [score(m.name, m.label, "model", v) for m, v in _values(infos, results,
                                                                             issue.id)]
        scores += [score(p.model, p.label, "published", p.value) for p in spec.published]
    return tuple(scores)


def validate_library(folder: str | Path, specs: tuple[CaseSpec, ...] | None = None,
                     model_names: Sequence[str] | None = None) -> LibraryValidation:
    """Score every model on every readable case of the folder; unreadable cases are skipped."""
    specs = read_catalogue() if specs is None else specs
    models = default_models(model_names)
    ensemble = wants_fallback_ensemble(model_names)
    infos = _model_infos(models, ensemble)
    loaded, skipped = load_cases(specs, folder)
    runs, failures = [], []
    for case in loaded:
        results, failed = run_models(case.scenario, models, ensemble)
        failures += failed
        runs.append(CaseRun(case, tuple(results), score_case(case, infos, results)))
    return LibraryValidation(infos, tuple(runs), skipped, tuple(failures))


def load_deu(path: str | Path, capabilities: str | Path, column: str | None = None,
             institutions: str = DEFAULT_INSTITUTIONS) -> Scenario:
    """A DEU III table with Council weights from `capabilities` and the Commission and the
    Parliament weighted by the `institutions` rule (raises ScenarioError)."""
    weights = read_capabilities(capabilities, column)
    if institutions != "file":  # placeholders, replaced issue by issue
        weights = {**weights, COMMISSION: 1.0, PARLIAMENT: 1.0}
    scenario = load_scenario(path, format="deu", capabilities=weights)
    return apply_institutions(scenario, institutions)


def score_deu(scenario: Scenario, infos: Sequence[ModelInfo], results: Sequence[ModelResult]
              ) -> tuple[Score, ...]:
    """Scores on every issue with a known outcome, grouped by the issue's procedure."""
    scores = []
    for issue in scenario.issues:
        if issue.outcome is None:
            continue
        procedure = issue.attributes.get("proc", "").strip().upper() or "unknown"
        scores += [Score(issue.id, "outcome", True, m.name, m.label, "model", value,
                         issue.outcome, issue.low, issue.high, procedure)
                   for m, value in _values(infos, results, issue.id)]
    return tuple(scores)


def validate_deu(path: str | Path, capabilities: str | Path, column: str | None = None,
                 institutions: str = DEFAULT_INSTITUTIONS,
                 model_names: Sequence[str] | None = None) -> DeuValidation:
    """Score every model on a DEU III table's issues with a known outcome."""
    scenario = load_deu(path, capabilities, column, institutions)
    models = default_models(model_names)
    ensemble = wants_fallback_ensemble(model_names)
    infos = _model_infos(models, ensemble)
    results, failures = run_models(scenario, models, ensemble)
    unscored = tuple(i.id for i in scenario.issues if i.outcome is None)
    return DeuValidation(Path(path).name, Path(capabilities).name, column, institutions,
                         len(scenario.issues), unscored, infos,
                         score_deu(scenario, infos, results), tuple(failures))
