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
from collections.abc import Mapping
from dataclasses import dataclass
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


@dataclass(frozen=True, eq=False)
class DrawStances:
    """The stance arrays of one draw: exactly those of `scenario_for_draw(...)`'s scenario
    (same bits), built without building that scenario, for code that reads only the arrays
    (the deal space's weights and ideals, `deals.SpaceFrame.space`)."""

    issues: tuple
    actor_index: Mapping[str, int]
    positions: np.ndarray
    saliences: np.ndarray
    capability_matrix: np.ndarray
    takes_part: np.ndarray


def draw_stances(scenario: Scenario, positions: np.ndarray, saliences: np.ndarray,
                 capabilities: np.ndarray) -> DrawStances:
    """What `scenario_for_draw(scenario, positions, saliences, capabilities)` would hold in
    its `positions`, `saliences`, `capability_matrix` and `takes_part` (tested bit for bit)."""
    rows, cols = _stance_cells(scenario)
    shape = scenario.saliences.shape
    drawn_x = np.full(shape, np.nan)
    drawn_x[rows, cols] = positions[rows, cols]
    # A salience kept where the draw left it, else the 0-100 value that reads back as the
    # drawn share (`_percent`), divided by 100 as the scenario reads it.
    base = scenario.saliences[rows, cols]
    share = saliences[rows, cols].astype(float)
    read = share * 100.0 / 100.0
    exact = read == share
    for k in np.flatnonzero(~exact):
        read[k] = _percent(share[k]) / 100.0
    drawn_s = np.zeros(shape)
    drawn_s[rows, cols] = np.where(share == base, base, read)
    # Each actor's capability: the first cell no stance overrides, else scaled like
    # `scenario_for_draw`; the stances' own capabilities where they state one.
    overridden = _overridden(scenario)
    actor = np.empty(shape[0])
    for i, a in enumerate(scenario.actors):
        free = np.flatnonzero(~overridden[i])
        actor[i] = (capabilities[i, free[0]] if free.size else
                    a.capability * capabilities[i, 0] / scenario.capability_matrix[i, 0])
    drawn_c = np.repeat(actor[:, None], shape[1], axis=1)
    drawn_c[overridden] = capabilities[overridden]
    for array in (drawn_x, drawn_s, drawn_c):
        array.setflags(write=False)
    part = ~np.isnan(drawn_x)
    part.setflags(write=False)
    return DrawStances(scenario.issues, scenario.actor_index, drawn_x, drawn_s, drawn_c, part)


def _stance_cells(scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    rows = np.array([scenario.actor_index[st.actor] for st in scenario.stances], dtype=np.intp)
    cols = np.array([scenario.issue_index[st.issue] for st in scenario.stances], dtype=np.intp)
    return rows, cols


def _overridden(scenario: Scenario) -> np.ndarray:
    out = np.zeros(scenario.saliences.shape, dtype=bool)
    for st in scenario.stances:
        if st.capability is not None:
            out[scenario.actor_index[st.actor], scenario.issue_index[st.issue]] = True
    return out


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
