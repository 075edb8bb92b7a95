"""Forecasts with uncertainty: input draws, batched Monte Carlo through any model, quantiles,
anchor-band probabilities and ensembles; in-process or on Dask with per-chunk seeds.

    sim = simulation(scenario, [CompromiseModel()], Noise(position=10), draws=10_000, seed=1)
    document = uncertainty_document(sim, run_simulation(sim, workers=2))

Decisions U-01 .. U-12 in docs/decisions.md.
"""

from grandbargain._lazy import lazy_names
from grandbargain.uncertainty._deals import (
    DealOptions,
    deal_options,
    deals_document,
    nash_packages,
)
from grandbargain.uncertainty._montecarlo import (
    DEFAULT_CHUNK_SIZE,
    ModelSpec,
    Samples,
    Simulation,
    chunk_streams,
    run_chunk,
    simulation,
)
from grandbargain.uncertainty._noise import (
    DISTRIBUTIONS,
    BaseInputs,
    Draws,
    Noise,
    base_inputs,
    draw_inputs,
    parse_noise,
)
from grandbargain.uncertainty._protocol import (
    DrawsModel,
    IssueDrawsModel,
    batch_path,
    forecast_draws,
    scenario_for_draw,
)
from grandbargain.uncertainty._run import point_forecasts, run_simulation, uncertainty_document
from grandbargain.uncertainty._summary import (
    ENSEMBLE,
    QUANTILES,
    band_edges,
    band_probabilities,
    ensemble,
)

# The Dask backend (and logging) is imported on first use (decision BL-12).
__getattr__, __dir__ = lazy_names(__name__, globals(), {
    "DaskUnavailable": "_dask", "dask_client": "_dask", "run_on_client": "_dask"})

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "DISTRIBUTIONS",
    "ENSEMBLE",
    "QUANTILES",
    "BaseInputs",
    "DaskUnavailable",
    "DealOptions",
    "Draws",
    "DrawsModel",
    "IssueDrawsModel",
    "ModelSpec",
    "Noise",
    "Samples",
    "Simulation",
    "band_edges",
    "band_probabilities",
    "base_inputs",
    "batch_path",
    "chunk_streams",
    "dask_client",
    "deal_options",
    "deals_document",
    "draw_inputs",
    "ensemble",
    "forecast_draws",
    "nash_packages",
    "parse_noise",
    "point_forecasts",
    "run_chunk",
    "run_on_client",
    "run_simulation",
    "scenario_for_draw",
    "simulation",
    "uncertainty_document",
]
