"""Concept drift: performance on labelled records against the model's test figures.

Metrics are computed at the contract's threshold with the same function that wrote
``metrics.json``, so a window figure and a test figure mean the same thing. The window is
judged only when it holds ``min_positives`` labelled frauds; fewer give figures too noisy to
alert on, and the report says so instead.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from fraudops.config import PerformanceTolerance, Threshold
from fraudops.core.contract import Contract
from fraudops.core.metrics import classification_metrics
from fraudops.monitoring.labels import LABEL
from fraudops.monitoring.logs import SCORE


@dataclasses.dataclass(frozen=True)
class Drop:
    metric: str
    test: float
    window: float
    max_drop: float

    @property
    def drop(self) -> float:
        return self.test - self.window

    @property
    def crossed(self) -> bool:
        return self.drop > self.max_drop


@dataclasses.dataclass(frozen=True)
class Performance:
    labelled: int
    positives: int
    metrics: dict[str, float]
    drops: list[Drop]
    judged: bool
    note: str


def metrics_at_threshold(frame: pd.DataFrame, contract: Contract) -> dict[str, float]:
    """The test metrics' keys for labelled records (``label`` and ``score`` columns)."""
    costs = Threshold(
        cost_missed_fraud=contract.costs.get("missed_fraud", Threshold().cost_missed_fraud),
        cost_false_alarm=contract.costs.get("false_alarm", Threshold().cost_false_alarm),
    )
    return classification_metrics(
        frame[LABEL].to_numpy(), frame[SCORE].to_numpy(), contract.threshold, costs
    )


def window_performance(
    labelled: pd.DataFrame,
    contract: Contract,
    test_metrics: dict[str, float],
    tolerance: PerformanceTolerance,
) -> Performance:
    positives = int(labelled[LABEL].sum()) if len(labelled) else 0
    metrics = metrics_at_threshold(labelled, contract) if len(labelled) else {}
    judged = positives >= tolerance.min_positives
    drops = [
        Drop(metric=name, test=float(test_metrics[name]), window=metrics[name], max_drop=limit)
        for name, limit in tolerance.max_drop.items()
        if judged and name in test_metrics and name in metrics
    ]
    if judged:
        note = f"{positives} labelled frauds: judged against the test metrics"
    else:
        note = (
            f"only {positives} labelled fraud(s) in {len(labelled)} labelled record(s); "
            f"performance is judged from {tolerance.min_positives} (monitoring.performance)"
        )
    return Performance(
        labelled=len(labelled),
        positives=positives,
        metrics=metrics,
        drops=drops,
        judged=judged,
        note=note,
    )
