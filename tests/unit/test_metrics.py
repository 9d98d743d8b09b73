"""Metrics at a threshold and the plot data."""

from __future__ import annotations

import numpy as np
import pytest

from fraudops.config import Threshold
from fraudops.core import metrics


def test_classification_metrics__known_values() -> None:
    y = np.array([1, 0, 1, 0])
    s = np.array([0.9, 0.6, 0.4, 0.1])
    out = metrics.classification_metrics(
        y, s, 0.5, Threshold(cost_missed_fraud=10, cost_false_alarm=1)
    )
    assert out["precision"] == 0.5
    assert out["recall"] == 0.5
    assert out["roc_auc"] == pytest.approx(0.75)
    assert out["expected_cost"] == pytest.approx((10 + 1) / 4)
    assert out["flag_rate"] == 0.5


def test_curves__bounded_in_points() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 5000)
    s = rng.random(5000)
    assert len(metrics.roc_points(y, s, 100)) <= 100
    assert len(metrics.pr_points(y, s, 100)) <= 100
    cost = metrics.cost_points(y, s, Threshold(), 50)
    assert len(cost) <= 50
    assert cost["threshold"].is_monotonic_increasing
    assert len(metrics.calibration_points(y, s, 10)) == 10
