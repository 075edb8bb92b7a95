"""How a model runs over many input draws at once (decision U-06).

A model may offer either method below; `forecast_draws` picks the fastest path it has:
1. `forecast_draws(scenario, positions, saliences, capabilities)`: all issues of a batch
   of draws at once, arrays (draws, actors, issues) in the scenario's order -> (draws, issues);
2. `forecast_issue_draws(positions, saliences, capabilities, low, high, status_quo, issue_id)`:
   one issue, C-contiguous arrays (draws, participants) -> (draws,);
3. otherwise a `PerIssueModel` runs `forecast_issue` once per draw and issue;
4. otherwise the model's `forecast` runs once per draw on a scenario rebuilt with the drawn
   inputs (any model works; it is just slow).
Every path returns NaN where the model gives no forecast (None). A batched path must give,
draw by draw, exactly what the model's `forecast` gives on the same inputs.
"""

from __future__ import annotations

import dataclasses
from typing import Protocol, runtime_checkable

import numpy as np

from grandbargain.models import Model, PerIssueModel
from grandbargain.scenario import Scenario
from grandbargain.uncertainty._noise import Draws


@runtime_checkable
class DrawsModel(Protocol):
    """A model with a path over a whole batch of draws (every issue at once)."""

    def forecast_draws(self, scenario: Scenario, positions: np.ndarray, saliences: np.ndarray,
                       capabilities: np.ndarray) -> np.ndarray: ...


@runtime_checkable
class IssueDrawsModel(Protocol):
    """A model with a path over a batch of draws on one issue."""

    def forecast_issue_draws(self, positions: np.ndarray, saliences: np.ndarray,
                             capabilities: np.ndarray, low: float, high: float,
                             status_quo: float | None, issue_id: str) -> np.ndarray: ...


def batch_path(model: Model) -> str:
    """Which of the four paths `forecast_draws` takes for this model."""
    if isinstance(model, DrawsModel):
        return "batched"
    if isinstance(model, IssueDrawsModel):
        return "batched per issue"
    if isinstance(model, PerIssueModel):
        return "loop over draws and issues"
    return "loop over draws"


def forecast_draws(model: Model, scenario: Scenario, draws: Draws,
                   batched: bool = True) -> np.ndarray:
    """(draws, issues) forecasts of `model`; `batched=False` forces the loop (for benchmarks)."""
    if batched and isinstance(model, DrawsModel):
        out = model.forecast_draws(scenario, draws.positions, draws.saliences, draws.capabilities)
        return np.asarray(out, dtype=float)
    if not isinstance(model, PerIssueModel) and not (batched and
                                                     isinstance(model, IssueDrawsModel)):
        return _loop_over_scenarios(model, scenario, draws)
    out = np.full((draws.size, len(scenario.issues)), np.nan)
    for d, issue in enumerate(scenario.issues):
        part = scenario.takes_part[:, d]
        if not part.any():
            continue
        # C-contiguous rows: numpy then sums each row exactly as it sums a 1-d array.
        x = np.ascontiguousarray(draws.positions[:, part, d])
        s = np.ascontiguousarray(draws.saliences[:, part, d])
        c = np.ascontiguousarray(draws.capabilities[:, part, d])
        if batched and isinstance(model, IssueDrawsModel):
            out[:, d] = model.forecast_issue_draws(x, s, c, issue.low, issue.high,
                                                   issue.status_quo, issue.id)
            continue
        for k in range(draws.size):
            value = model.forecast_issue(x[k], s[k], c[k], issue.low, issue.high,
                                         issue.status_quo, issue.id).value
            out[k, d] = np.nan if value is None else value
    return out


def scenario_for_draw(scenario: Scenario, positions: np.ndarray, saliences: np.ndarray,
                      capabilities: np.ndarray) -> Scenario:
    """The scenario with one draw's inputs (actors x issues). Unchanged inputs keep their exact
    stated values, so a draw without noise rebuilds the scenario's own arrays bit for bit."""
    base_s = scenario.saliences
    overridden = np.zeros(base_s.shape, dtype=bool)
    stances = []
    for st in scenario.stances:
        i, d = scenario.actor_index[st.actor], scenario.issue_index[st.issue]
        salience = st.salience if saliences[i, d] == base_s[i, d] else _percent(saliences[i, d])
        capability = None
        if st.capability is not None:
            overridden[i, d] = True
            capability = float(capabilities[i, d])
        stances.append(dataclasses.replace(st, position=float(positions[i, d]),
                                           salience=float(salience), capability=capability))
    actors = []
    for i, actor in enumerate(scenario.actors):
        free = np.flatnonzero(~overridden[i])
        if free.size:  # where no stance overrides it, the matrix holds the actor's capability
            value = capabilities[i, free[0]]
        else:
            value = actor.capability * capabilities[i, 0] / scenario.capability_matrix[i, 0]
        actors.append(dataclasses.replace(actor, capability=float(value)))
    return dataclasses.replace(scenario, stances=tuple(stances), actors=tuple(actors))


def _percent(share: float) -> float:
    """A 0-100 salience that the scenario reads back (divided by 100) as exactly `share`,
    so a model that is sensitive to the last digit sees the drawn value itself."""
    share = float(share)
    value = share * 100.0
    for _ in range(8):
        back = value / 100.0
        if back == share:
            return value
        value = float(np.nextafter(value, np.inf if back < share else -np.inf))
    return share * 100.0


def _loop_over_scenarios(model: Model, scenario: Scenario, draws: Draws) -> np.ndarray:
    out = np.full((draws.size, len(scenario.issues)), np.nan)
    for k in range(draws.size):
        result = model.forecast(scenario_for_draw(scenario, draws.positions[k],
                                                  draws.saliences[k], draws.capabilities[k]))
        for d, issue in enumerate(scenario.issues):
            value = result.value(issue.id)
            out[k, d] = np.nan if value is None else value
    return out
