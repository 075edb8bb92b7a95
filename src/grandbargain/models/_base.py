"""The one interface every model shares, and its result.

A model is configured by its constructor (keyword options only, stored as given, like a
scikit-learn estimator) and has one pure method: `forecast(scenario) -> ModelResult`.
`get_params()` reads the options back from the constructor's signature, so
`type(m)(**m.get_params())` rebuilds the model (what a Dask worker does).
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from grandbargain.scenario import Scenario


@dataclass(frozen=True)
class IssueForecast:
    """One model's forecast on one issue. `value` is None where no actor takes part."""

    issue: str
    value: float | None
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ModelResult:
    """A model's forecasts for every issue of a scenario."""

    model: str
    label: str
    params: Mapping[str, Any]
    forecasts: tuple[IssueForecast, ...]
    detail: Mapping[str, Any] = field(default_factory=dict)

    def value(self, issue_id: str) -> float | None:
        for f in self.forecasts:
            if f.issue == issue_id:
                return f.value
        raise KeyError(issue_id)

    def values(self) -> dict[str, float | None]:
        return {f.issue: f.value for f in self.forecasts}


class Model:
    """Base class: subclasses set `name` and `label` and implement `forecast`."""

    name: ClassVar[str]
    label: ClassVar[str]
    #: True for models of issue linkage (trades across issues): on a one-issue case they have
    #: nothing to trade and add no information of their own.
    links_issues: ClassVar[bool] = False

    def get_params(self) -> dict[str, Any]:
        names = [p for p in inspect.signature(type(self).__init__).parameters if p != "self"]
        return {p: getattr(self, p) for p in names}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    def forecast(self, scenario: Scenario) -> ModelResult:
        raise NotImplementedError

    def refusal(self, scenario: Scenario) -> str | None:
        """Why this model refuses the scenario (too large to run in reasonable time and
        memory), or None: it runs it. Cheap, so that a command can say so before it starts."""
        return None

    def _result(self, forecasts: list[IssueForecast], **detail: Any) -> ModelResult:
        return ModelResult(self.name, self.label, self.get_params(), tuple(forecasts), detail)


class PerIssueModel(Model):
    """A model that forecasts each issue on its own from the participants' arrays."""

    def forecast(self, scenario: Scenario) -> ModelResult:
        out = []
        for issue in scenario.issues:
            x, s, c = scenario.issue_arrays(issue.id)
            if x.size == 0:
                out.append(IssueForecast(issue.id, None, {"reason": "no actor takes part"}))
                continue
            out.append(self.forecast_issue(x, s, c, issue.low, issue.high, issue.status_quo,
                                           issue.id))
        return self._result(out)

    def forecast_issue(self, positions: np.ndarray, saliences: np.ndarray,
                       capabilities: np.ndarray, low: float, high: float,
                       status_quo: float | None, issue_id: str) -> IssueForecast:
        raise NotImplementedError


def check_choices(model: Model, choices: Mapping[str, tuple]) -> None:
    """Raise ValueError naming the option when a model's option is not one of its choices."""
    for option, allowed in choices.items():
        value = getattr(model, option)
        if value not in allowed:
            shown = ", ".join(repr(a) for a in allowed)
            raise ValueError(f"{type(model).__name__}: {option}={value!r} is not one of {shown}")
