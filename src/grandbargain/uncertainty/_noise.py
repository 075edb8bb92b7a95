"""Input uncertainty: what may vary, by how much, and bounded draws of it (U-01..U-04).

Notation: draws k = 0..m-1 of one chunk, actors i, issues d (the scenario's order).
- position of stance (i, d): a stance's own `low`/`high` range where the scenario gives one,
  else global noise with standard deviation `position`% of the issue's scale width; draws stay
  within the range, or within the issue's scale (U-02, U-03);
- salience (0-1): standard deviation `salience`% of the 0-100 scale, within [0, 1];
- capability: one factor per actor and draw, mean 1, standard deviation `capability`%, within
  [0, 2]; it scales the actor's capability and its per-stance overrides alike (U-01).
Every spread is a standard deviation before truncation, whatever the distribution (U-02).
Each quantity draws from its own stream, so adding salience noise leaves position draws as they
were (U-04). Draws use the inverse of the truncated distribution function: always in bounds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from grandbargain.scenario import Scenario, ScenarioError

DISTRIBUTIONS = ("uniform", "triangular", "normal")
QUANTITIES = ("position", "salience", "capability")
_SQRT3, _SQRT6 = math.sqrt(3.0), math.sqrt(6.0)


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


def truncated(distribution: str, centre: np.ndarray, sd: np.ndarray, low: np.ndarray,
              high: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Map uniforms u in [0, 1) to draws centred on `centre` with spread `sd`, within [low, high].

    uniform: on centre +- sqrt(3) sd; triangular: mode centre, centre +- sqrt(6) sd; normal:
    mean centre, standard deviation sd; each truncated to [low, high]. sd = 0 gives centre.
    """
    if distribution == "normal":
        from scipy.special import ndtr, ndtri  # imported on first use: scipy is slow to load

        safe = np.where(sd > 0, sd, 1.0)
        f_low, f_high = ndtr((low - centre) / safe), ndtr((high - centre) / safe)
        value = centre + safe * ndtri(f_low + u * (f_high - f_low))
    else:
        half = (_SQRT3 if distribution == "uniform" else _SQRT6) * sd
        lo, hi = np.maximum(low, centre - half), np.minimum(high, centre + half)
        if distribution == "uniform":
            value = lo + u * (hi - lo)
        else:
            value = triangular_inverse(centre - half, centre, centre + half, lo, hi, u)
    return np.clip(np.where(sd > 0, value, centre), low, high)


def triangular_cdf(a: np.ndarray, c: np.ndarray, b: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Distribution function of the triangle on [a, b] with mode c (degenerate sides allowed)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        rising = (x - a) ** 2 / ((b - a) * (c - a))
        falling = 1.0 - (b - x) ** 2 / ((b - a) * (b - c))
    out = np.where(x <= c, np.where(c > a, rising, 0.0), np.where(b > c, falling, 1.0))
    return np.clip(np.where(x <= a, 0.0, np.where(x >= b, 1.0, out)), 0.0, 1.0)


def triangular_inverse(a, c, b, lo, hi, u):
    """Inverse distribution function of the triangle (a, c, b) truncated to [lo, hi]."""
    p_low = triangular_cdf(a, c, b, lo)
    p = p_low + u * (triangular_cdf(a, c, b, hi) - p_low)
    with np.errstate(invalid="ignore", divide="ignore"):
        split = np.where(b > a, (c - a) / (b - a), 0.5)
        left = a + np.sqrt(p * (b - a) * (c - a))
        right = b - np.sqrt((1.0 - p) * (b - a) * (b - c))
    return np.where(p < split, left, right)


def range_draws(distribution: str, centre, low, high, u) -> np.ndarray:
    """Draws on a stance's own [low, high] range: uniform on it; triangular with mode at the
    position; normal with mean the position and sd a quarter of the range, truncated (U-03)."""
    if distribution == "uniform":
        value = low + u * (high - low)
    elif distribution == "triangular":
        value = triangular_inverse(low, centre, high, low, high, u)
    else:
        return truncated("normal", centre, (high - low) / 4.0, low, high, u)
    return np.clip(np.where(high > low, value, centre), low, high)


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
        global_ = truncated(noise.distribution, centre, base.position_sd, base.range_low,
                            base.range_high, u)
        ranged = range_draws(noise.distribution, centre, base.range_low, base.range_high, u)
        positions = np.where(base.takes_part, np.where(base.has_range, ranged, global_), np.nan)
    saliences = np.broadcast_to(base.saliences, shape)
    if noise.salience > 0:
        u = streams["salience"].random(shape)
        sd = np.full(base.saliences.shape, noise.salience)
        # drawn on the stated 0-100 scale and divided by 100 as the scenario does, so a
        # scenario rebuilt from a draw holds these saliences to the last digit
        drawn = truncated(noise.distribution, base.salience_percent, sd, 0.0, 100.0, u) / 100.0
        saliences = np.where(base.takes_part, drawn, 0.0)
    capabilities = np.broadcast_to(base.capabilities, shape)
    if noise.capability > 0:
        actors = base.capabilities.shape[0]
        u = streams["capability"].random((size, actors))
        factor = truncated(noise.distribution, np.ones(actors),
                           np.full(actors, noise.capability / 100.0), 0.0, 2.0, u)
        capabilities = base.capabilities * factor[:, :, None]
    return Draws(positions, saliences, capabilities)
