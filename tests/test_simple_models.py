"""The compromise and weighted-median models on hand-worked cases."""

from __future__ import annotations

import numpy as np
import pytest

from grandbargain.models import CompromiseModel, WeightedMedianModel, weighted_mean, weighted_median
from grandbargain.scenario._schema import validate_document

from .conftest import minimal_document


def test_weighted_mean_by_hand():
    # weights 1*0.5 = 0.5 and 2*1.0 = 2: (0.5*20 + 2*80) / 2.5 = 68
    s = validate_document(minimal_document(), {}, "<test>")
    assert CompromiseModel().forecast(s).value("tariff") == pytest.approx(68.0)


def test_weighted_median_by_hand():
    s = validate_document(minimal_document(), {}, "<test>")
    assert WeightedMedianModel().forecast(s).value("tariff") == 80.0


def test_weighted_median_tie_takes_the_midpoint():
    assert weighted_median(np.array([10.0, 30.0]), np.array([1.0, 1.0])) == 20.0
    assert weighted_median(np.array([10.0, 30.0, 50.0]), np.array([1.0, 1.0, 2.0])) == 40.0
    assert weighted_median(np.array([10.0, 30.0, 50.0]), np.array([1.0, 2.0, 0.5])) == 30.0


def test_weighted_mean_batches_over_leading_axes():
    x = np.array([[0.0, 10.0], [10.0, 30.0]])
    w = np.array([[1.0, 1.0], [3.0, 1.0]])
    np.testing.assert_allclose(weighted_mean(x, w), [5.0, 15.0])


def test_issue_without_participants_is_reported_not_invented():
    doc = minimal_document()
    doc["issues"].append({"id": "empty", "name": "Empty", "scale": {"min": 0.0, "max": 1.0}})
    s = validate_document(doc, {}, "<test>")
    result = CompromiseModel().forecast(s)
    assert result.value("empty") is None
    assert "no actor" in result.forecasts[1].detail["reason"]


def test_zero_salience_everywhere_gives_no_forecast():
    doc = minimal_document()
    for row in doc["stances"].values():
        row["tariff"]["salience"] = 0.0
    s = validate_document(doc, {}, "<test>")
    assert CompromiseModel().forecast(s).value("tariff") is None
    assert WeightedMedianModel().forecast(s).value("tariff") is None


def test_get_params_rebuilds_the_model():
    for cls in (CompromiseModel, WeightedMedianModel):
        m = cls()
        assert type(m)(**m.get_params()).get_params() == m.get_params()
