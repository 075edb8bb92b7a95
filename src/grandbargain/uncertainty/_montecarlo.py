"""Monte Carlo over input draws, in chunks with their own seeds (decision U-05).

The draws are cut into chunks of `chunk_size` (the last may be shorter). Chunk k draws from
`SeedSequence(seed, spawn_key=(k, q))`, one stream per input quantity q, so a chunk's numbers
depend only on (seed, chunk_size, k): every backend and any number of workers give the same
arrays, put together in chunk order. Memory: one chunk of inputs at a time per worker, and the
forecasts (8 bytes per draw, issue and model) kept for exact quantiles.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from grandbargain.models import Model
from grandbargain.scenario import Scenario
from grandbargain.uncertainty._noise import QUANTITIES, Noise, base_inputs, draw_inputs
from grandbargain.uncertainty._protocol import forecast_draws

if TYPE_CHECKING:
    from grandbargain.uncertainty._deals import DealOptions

DEFAULT_CHUNK_SIZE = 1000
NASH_KEY = "deals:nash"  # a chunk's Nash packages, beside the models' forecasts


@dataclass(frozen=True)
class ModelSpec:
    """A model as its class and constructor options: rebuilt wherever a chunk runs."""

    cls: type[Model]
    params: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, model: Model) -> ModelSpec:
        return cls(type(model), dict(model.get_params()))

    def build(self) -> Model:
        return self.cls(**self.params)


@dataclass(frozen=True)
class Simulation:
    """Everything a chunk needs: picklable, so a Dask worker gets it whole."""

    scenario: Scenario
    models: tuple[ModelSpec, ...]
    noise: Noise
    draws: int
    seed: int = 0
    chunk_size: int = DEFAULT_CHUNK_SIZE
    batched: bool = True
    deals: DealOptions | None = None  # also find each draw's Nash package deal

    def __post_init__(self) -> None:
        if self.draws < 1:
            raise ValueError(f"draws={self.draws} must be at least 1")
        if self.chunk_size < 1:
            raise ValueError(f"chunk_size={self.chunk_size} must be at least 1")
        if self.seed < 0:
            raise ValueError(f"seed={self.seed} must be a non-negative integer")
        names = [spec.cls.name for spec in self.models]
        if not names and self.deals is None:
            raise ValueError("nothing to simulate: give a model (or deals)")
        if len(set(names)) != len(names):
            raise ValueError(f"each model may run once (got {', '.join(names)})")

    @property
    def model_names(self) -> tuple[str, ...]:
        return tuple(spec.cls.name for spec in self.models)

    @property
    def chunk_count(self) -> int:
        return -(-self.draws // self.chunk_size)

    def chunks(self) -> list[tuple[int, int, int]]:
        """(index, first draw, size) of every chunk."""
        return [(k, start, min(self.chunk_size, self.draws - start))
                for k, start in enumerate(range(0, self.draws, self.chunk_size))]


def simulation(scenario: Scenario, models: Sequence[Model], noise: Noise, draws: int,
               seed: int = 0, chunk_size: int = DEFAULT_CHUNK_SIZE, batched: bool = True,
               deals: DealOptions | None = None) -> Simulation:
    return Simulation(scenario, tuple(ModelSpec.of(m) for m in models), noise, draws, seed,
                      chunk_size, batched, deals)


def chunk_streams(seed: int, index: int) -> dict[str, np.random.Generator]:
    """The generators of chunk `index`: one per input quantity, keyed (index, quantity)."""
    return {q: np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(index, n)))
            for n, q in enumerate(QUANTITIES)}


def chunk_size_of(sim: Simulation, index: int) -> int:
    return min(sim.chunk_size, sim.draws - index * sim.chunk_size)


def run_chunk(sim: Simulation, index: int,
              on_part: Callable[[float], None] | None = None) -> dict[str, np.ndarray]:
    """Forecasts (draws of this chunk, issues) per model name, and the Nash packages under
    NASH_KEY when the simulation has deals. Pure: same inputs, same bits. `on_part`, if given,
    hears the share of the chunk done after each model (for a finer progress bar)."""
    size = chunk_size_of(sim, index)
    base = base_inputs(sim.scenario, sim.noise)
    draws = draw_inputs(base, sim.noise, chunk_streams(sim.seed, index), size)
    parts = len(sim.models) + (sim.deals is not None)
    out = {}
    for spec in sim.models:
        out[spec.cls.name] = forecast_draws(spec.build(), sim.scenario, draws, sim.batched)
        if on_part:
            on_part(1.0 / parts)
    if sim.deals is not None:
        from grandbargain.uncertainty._deals import nash_packages

        out[NASH_KEY] = nash_packages(sim.scenario, draws, sim.deals)
        if on_part:
            on_part(1.0 / parts)
    return out


@dataclass(frozen=True)
class Samples:
    """Every draw's forecast: model name -> (draws, issues), NaN where a model gives none;
    with deals, each draw's Nash package (draws, issues) of option indices (-1: no ZOPA)."""

    values: Mapping[str, np.ndarray]
    nash_packages: np.ndarray | None = None


Progress = Callable[[float], None]  # called with the number of draws just finished


def collect(sim: Simulation, finished) -> Samples:
    """Put chunk results, arriving in any order as (index, result), into draw order."""
    values: dict[str, np.ndarray] = {}
    spans = {k: (start, size) for k, start, size in sim.chunks()}
    seen = set()
    for index, result in finished:
        start, size = spans[index]
        for name, block in result.items():
            if name not in values:
                values[name] = np.empty((sim.draws, *block.shape[1:]), dtype=block.dtype)
            values[name][start:start + size] = block
        seen.add(index)
    if seen != set(spans):
        raise RuntimeError(f"{len(spans) - len(seen)} chunk(s) never came back")
    for array in values.values():
        array.setflags(write=False)
    packages = values.pop(NASH_KEY, None)
    return Samples({name: values[name] for name in sim.model_names}, packages)


def run_in_process(sim: Simulation, progress: Progress | None = None) -> Samples:
    def finished():
        for index, _, size in sim.chunks():
            on_part = (lambda share, size=size: progress(size * share)) if progress else None
            yield index, run_chunk(sim, index, on_part)
    return collect(sim, finished())
