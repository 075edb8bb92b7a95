"""Input uncertainty: what may vary, by how much, and draws whose mean is the stated value
(U-01..U-04).

Notation: draws k = 0..m-1 of one chunk, actors i, issues d (the scenario's order).
- position of stance (i, d): a stance's own `low`/`high` range where the scenario gives one,
  else global noise with standard deviation `position`% of the issue's scale width; draws stay
  within the range, or within the issue's scale (U-02, U-03);
- salience (0-1): standard deviation `salience`% of the 0-100 scale, within [0, 1];
- capability: one factor per actor and draw, mean 1, standard deviation `capability`%, within
  [0, 2]; it scales the actor's capability and its per-stance overrides alike (U-01).
Every draw has the stated value as its mean (U-02): each side of the value holds the chosen
shape stretched to the room that side has (up to the requested spread), and the sides are
weighted so that their pulls cancel. A value at the very end of its range therefore does not
vary. Each quantity draws from its own stream, so adding salience noise leaves position draws
as they were (U-04). Draws use inverse distribution functions: always in bounds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from grandbargain.scenario import Scenario, ScenarioError

DISTRIBUTIONS = ("uniform", "triangular", "normal")
QUANTITIES = ("position", "salience", "capability")
NORMAL_CUT = 3.0        # global noise: the normal's sides end at 3 sd (0.27% of its mass)
RANGE_NORMAL_CUT = 2.0  # a stance's own range: each side's end at 2 sd (U-03)
# how far each side reaches, in standard deviations of the shape (uniform, triangular: the
# extent that gives that sd; normal: the cut)
EXTENT = {"uniform": math.sqrt(3.0), "triangular": math.sqrt(6.0), "normal": NORMAL_CUT}


@dataclass(frozen=True)
class Noise:
    """Global input noise in percent (a standard deviation), and the distribution of draws.

    `stance_ranges=False` ignores the scenario's per-stance low/high ranges.
    """

    position: float = 0.0
    salience: float = 0.0
    capability: float = 0.0
    distribution: str = "normal"
    stance_ranges: bool = True

    def __post_init__(self) -> None:
        if self.distribution not in DISTRIBUTIONS:
            raise ValueError(f"distribution {self.distribution!r} is not one of "
                             f"{', '.join(DISTRIBUTIONS)}")
        for name in QUANTITIES:
            value = getattr(self, name)
            if not (math.isfinite(value) and 0.0 <= value <= 100.0):
                raise ValueError(f"{name} noise {value!r} must be a percentage in [0, 100]")

    def as_dict(self) -> dict[str, float | str | bool]:
        return {"position": self.position, "salience": self.salience,
                "capability": self.capability, "distribution": self.distribution,
                "stance_ranges": self.stance_ranges}


def parse_noise(text: str | None, distribution: str = "normal",
                stance_ranges: bool = True) -> Noise:
    """'position=10,salience=15,capability=20' -> Noise (ScenarioError naming --noise if bad)."""
    values: dict[str, float] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        name, sep, number = part.partition("=")
        name = name.strip()
        if not sep or name not in QUANTITIES:
            raise ScenarioError.single("--noise", f"expected NAME=PERCENT with NAME one of "
                                       f"{', '.join(QUANTITIES)}, got {part.strip()!r}")
        if name in values:
            raise ScenarioError.single("--noise", f"{name} given twice")
        try:
            values[name] = float(number)
        except ValueError:
            raise ScenarioError.single("--noise", f"{name}: {number.strip()!r} is not a "
                                       "number") from None
    try:
        return Noise(**values, distribution=distribution, stance_ranges=stance_ranges)
    except ValueError as exc:
        raise ScenarioError.single("--noise", str(exc)) from None


@dataclass(frozen=True)
class BaseInputs:
    """The scenario's inputs as arrays, with each stance's bounds and spread (actors x issues)."""

    positions: np.ndarray      # NaN where the actor takes no part
    saliences: np.ndarray      # 0-1
    salience_percent: np.ndarray  # 0-100 as stated (draws are made on this scale)
    capabilities: np.ndarray   # per stance (capability_matrix)
    takes_part: np.ndarray
    range_low: np.ndarray      # where a position may go (the stance's range or the scale)
    range_high: np.ndarray
    has_range: np.ndarray      # True where the stance gives its own low/high
    position_sd: np.ndarray    # standard deviation of the global position noise

    @property
    def uncertain(self) -> bool:
        return bool(np.any(self.has_range & (self.range_high > self.range_low))
                    or np.any(self.position_sd > 0))


def base_inputs(scenario: Scenario, noise: Noise) -> BaseInputs:
    issues_low = np.array([i.low for i in scenario.issues])
    issues_high = np.array([i.high for i in scenario.issues])
    shape = scenario.positions.shape
    low = np.broadcast_to(issues_low, shape).copy()
    high = np.broadcast_to(issues_high, shape).copy()
    has_range = np.zeros(shape, dtype=bool)
    if noise.stance_ranges:
        for st in scenario.stances:
            if st.low is None and st.high is None:
                continue
            i, d = scenario.actor_index[st.actor], scenario.issue_index[st.issue]
            has_range[i, d] = True
            low[i, d] = st.position if st.low is None else st.low
            high[i, d] = st.position if st.high is None else st.high
    percent = np.zeros(shape)
    for st in scenario.stances:
        percent[scenario.actor_index[st.actor], scenario.issue_index[st.issue]] = st.salience
    sd = np.where(has_range, 0.0, noise.position / 100.0 * (issues_high - issues_low))
    return BaseInputs(scenario.positions, scenario.saliences, percent,
                      scenario.capability_matrix, scenario.takes_part, low, high, has_range, sd)


def half_inverse(distribution: str, y: np.ndarray, cut: float) -> np.ndarray:
    """Inverse distribution function of one side of a shape, as a share of the side's extent:
    uniform (flat), triangular (falling to the side's end) or normal (a half normal with the
    side's end at `cut` standard deviations). Maps y in [0, 1] to [0, 1]."""
    if distribution == "uniform":
        return y
    if distribution == "triangular":
        return 1.0 - np.sqrt(np.maximum(1.0 - y, 0.0))
    from scipy.special import ndtr, ndtri  # imported on first use: scipy is slow to load

    return np.minimum(ndtri(0.5 + y * (ndtr(cut) - 0.5)) / cut, 1.0)


def split_draws(distribution: str, centre: np.ndarray, left: np.ndarray, right: np.ndarray,
                u: np.ndarray, cut: float = NORMAL_CUT) -> np.ndarray:
    """Map uniforms u in [0, 1) to draws on [centre - left, centre + right] whose mean is
    exactly `centre` (U-02): the draw falls on the left side with probability
    right / (left + right), and each side holds the same shape stretched to its extent, so the
    sides' pulls on the mean cancel. Monotone in u; the centre is the mode (for triangular and
    normal). A side of extent 0 (a value at the end of its range) leaves no room to move
    either way without moving the mean: the draw is then the centre itself."""
    left = np.broadcast_to(left, np.shape(u))
    right = np.broadcast_to(right, np.shape(u))
    total = left + right
    free = (left > 0) & (right > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        on_left = np.where(free, right / total, 0.0)
        y_left = np.clip((on_left - u) / on_left, 0.0, 1.0)
        y_right = np.clip((u - on_left) / (1.0 - on_left), 0.0, 1.0)
    value = np.where(u < on_left, centre - left * half_inverse(distribution, y_left, cut),
                     centre + right * half_inverse(distribution, y_right, cut))
    return np.where(free, value, centre)


def noise_draws(distribution: str, centre: np.ndarray, sd: np.ndarray, low, high,
                u: np.ndarray) -> np.ndarray:
    """Global noise: the shape with standard deviation `sd` around `centre` (uniform on
    +- sqrt(3) sd, triangular on +- sqrt(6) sd, normal cut at +- 3 sd), each side shortened to
    the room left before the range's end [low, high] (U-02). Mean: `centre`, always."""
    reach = EXTENT[distribution] * np.asarray(sd, dtype=float)
    left = np.minimum(reach, np.maximum(centre - low, 0.0))
    right = np.minimum(reach, np.maximum(high - centre, 0.0))
    return np.clip(split_draws(distribution, centre, left, right, u), low, high)


def range_draws(distribution: str, centre, low, high, u) -> np.ndarray:
    """Draws on a stance's own [low, high] range with mean the stated position (U-03): each side
    of the position holds the shape stretched to that side (normal: the side's end at 2 sd)."""
    left = np.maximum(centre - low, 0.0)
    right = np.maximum(high - centre, 0.0)
    return np.clip(split_draws(distribution, centre, left, right, u, RANGE_NORMAL_CUT),
                   low, high)


@dataclass(frozen=True)
class Draws:
    """One chunk of input draws, each (draws, actors, issues); non-participants stay NaN/0."""

    positions: np.ndarray
    saliences: np.ndarray
    capabilities: np.ndarray

    @property
    def size(self) -> int:
        return self.positions.shape[0]


def draw_inputs(base: BaseInputs, noise: Noise, streams: dict[str, np.random.Generator],
                size: int) -> Draws:
    """`size` draws of every stance's inputs; each quantity uses its own generator."""
    shape = (size, *base.positions.shape)
    positions = np.broadcast_to(base.positions, shape)
    if base.uncertain:
        u = streams["position"].random(shape)
        centre = np.nan_to_num(base.positions)
        global_ = noise_draws(noise.distribution, centre, base.position_sd, base.range_low,
                              base.range_high, u)
        ranged = range_draws(noise.distribution, centre, base.range_low, base.range_high, u)
        positions = np.where(base.takes_part, np.where(base.has_range, ranged, global_), np.nan)
    saliences = np.broadcast_to(base.saliences, shape)
    if noise.salience > 0:
        u = streams["salience"].random(shape)
        sd = np.full(base.saliences.shape, noise.salience)
        # drawn on the stated 0-100 scale and divided by 100 as the scenario does, so a
        # scenario rebuilt from a draw holds these saliences to the last digit
        drawn = noise_draws(noise.distribution, base.salience_percent, sd, 0.0, 100.0, u) / 100.0
        saliences = np.where(base.takes_part, drawn, 0.0)
    capabilities = np.broadcast_to(base.capabilities, shape)
    if noise.capability > 0:
        actors = base.capabilities.shape[0]
        u = streams["capability"].random((size, actors))
        factor = noise_draws(noise.distribution, np.ones(actors),
                             np.full(actors, noise.capability / 100.0), 0.0, 2.0, u)
        capabilities = base.capabilities * factor[:, :, None]
    return Draws(positions, saliences, capabilities)
