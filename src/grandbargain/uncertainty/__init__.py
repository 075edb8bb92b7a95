"""Forecasts with uncertainty: input draws, batched Monte Carlo through any model, quantiles,
anchor-band probabilities and ensembles; in-process or on Dask with per-chunk seeds."""
