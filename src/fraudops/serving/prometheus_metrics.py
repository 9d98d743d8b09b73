"""Prometheus metrics of the predictions themselves, per model version, served on ``/metrics``
beside BentoML's request metrics."""

from __future__ import annotations

import functools
import typing

import numpy as np

SCORE_BUCKETS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0)


@functools.cache
def _collectors() -> tuple[typing.Any, typing.Any]:
    # Imported on first use, never at module import: a BentoML worker sets
    # PROMETHEUS_MULTIPROC_DIR after importing the service module, and prometheus_client
    # chooses its multiprocess storage when it is first imported.
    import prometheus_client

    predictions = prometheus_client.Counter(
        "fraudops_predictions",
        "Scored transactions, by model version and decision",
        ["model_name", "bundle_version", "decision"],
    )
    scores = prometheus_client.Histogram(
        "fraudops_prediction_score",
        "Fraud probability of scored transactions, by model version",
        ["model_name", "bundle_version"],
        buckets=SCORE_BUCKETS,
    )
    return predictions, scores


class PredictionMetrics:
    """Counters and the score histogram of one model version."""

    def __init__(self, model_name: str, bundle_version: str) -> None:
        predictions, scores = _collectors()
        self._fraud = predictions.labels(model_name, bundle_version, "fraud")
        self._legit = predictions.labels(model_name, bundle_version, "legit")
        self._scores = scores.labels(model_name, bundle_version)

    def observe(self, scores: np.ndarray, decisions: np.ndarray) -> None:
        flagged = int(np.count_nonzero(decisions))
        if flagged:
            self._fraud.inc(flagged)
        if len(decisions) > flagged:
            self._legit.inc(len(decisions) - flagged)
        for score in scores.tolist():
            self._scores.observe(score)
