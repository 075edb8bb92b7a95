"""Forecasting models: each one file, configured by its constructor, `forecast(scenario)`.

`MODELS` maps a model's short name to its class; the CLI and the shared model tests use it.
"""

from grandbargain.models._base import IssueForecast, Model, ModelResult, PerIssueModel
from grandbargain.models.compromise import CompromiseModel, weighted_mean
from grandbargain.models.exchange import ExchangeModel, run_exchange_model
from grandbargain.models.median import WeightedMedianModel, weighted_median

MODELS: dict[str, type[Model]] = {
    CompromiseModel.name: CompromiseModel,
    WeightedMedianModel.name: WeightedMedianModel,
    ExchangeModel.name: ExchangeModel,
}

__all__ = [
    "MODELS",
    "CompromiseModel",
    "ExchangeModel",
    "IssueForecast",
    "Model",
    "ModelResult",
    "PerIssueModel",
    "WeightedMedianModel",
    "run_exchange_model",
    "weighted_mean",
    "weighted_median",
]
