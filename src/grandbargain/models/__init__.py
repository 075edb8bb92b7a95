"""Forecasting models: each one file, configured by its constructor, `forecast(scenario)`.

`MODELS` maps a model's short name to its class; the CLI and the shared model tests use it.
"""

from grandbargain.models._base import IssueForecast, Model, ModelResult, PerIssueModel
from grandbargain.models.compromise import CompromiseModel, weighted_mean
from grandbargain.models.exchange import ExchangeModel, run_exchange_model
from grandbargain.models.expected_utility import (
    AcceptedOffer,
    ExpectedUtilityModel,
    Round,
    Run,
    ScholzExpectedUtilityModel,
)
from grandbargain.models.median import WeightedMedianModel, weighted_median
from grandbargain.models.nash import NashModel, nash_solution
from grandbargain.models.smp import SmpRun, SpatialModelOfPolitics

MODELS: dict[str, type[Model]] = {
    CompromiseModel.name: CompromiseModel,
    WeightedMedianModel.name: WeightedMedianModel,
    NashModel.name: NashModel,
    ExpectedUtilityModel.name: ExpectedUtilityModel,
    ScholzExpectedUtilityModel.name: ScholzExpectedUtilityModel,
    ExchangeModel.name: ExchangeModel,
    SpatialModelOfPolitics.name: SpatialModelOfPolitics,
}

#: Old model names still accepted on the command line, with the name they now have.
MODEL_ALIASES: dict[str, str] = {"nash": NashModel.name}

__all__ = [
    "MODELS",
    "MODEL_ALIASES",
    "AcceptedOffer",
    "CompromiseModel",
    "ExchangeModel",
    "ExpectedUtilityModel",
    "IssueForecast",
    "Model",
    "ModelResult",
    "NashModel",
    "PerIssueModel",
    "Round",
    "Run",
    "ScholzExpectedUtilityModel",
    "SmpRun",
    "SpatialModelOfPolitics",
    "WeightedMedianModel",
    "nash_solution",
    "run_exchange_model",
    "weighted_mean",
    "weighted_median",
]
