"""Choosing the decision threshold by a business objective."""

from __future__ import annotations

import dataclasses

import numpy as np

from fraudops.config import Threshold


@dataclasses.dataclass(frozen=True)
class ThresholdChoice:
    threshold: float
    objective: str
    value: float


def confusion_by_threshold(
    y_true: np.ndarray, scores: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For every distinct score used as threshold (predict fraud if score >= t):
    thresholds, true positives, false positives, false negatives."""
    order = np.argsort(-scores, kind="stable")
    sorted_scores, sorted_true = scores[order], y_true[order].astype(int)
    last_of_value = np.r_[np.diff(sorted_scores) != 0, True]
    tp = np.cumsum(sorted_true)[last_of_value]
    fp = np.cumsum(1 - sorted_true)[last_of_value]
    fn = sorted_true.sum() - tp
    return sorted_scores[last_of_value], tp, fp, fn


def expected_cost(fn: np.ndarray | int, fp: np.ndarray | int, cfg: Threshold) -> np.ndarray:
    return np.asarray(fn) * cfg.cost_missed_fraud + np.asarray(fp) * cfg.cost_false_alarm


def choose_threshold(y_true: np.ndarray, scores: np.ndarray, cfg: Threshold) -> ThresholdChoice:
    """The threshold that minimises expected cost, or maximises recall at a minimum precision."""
    thresholds, tp, fp, fn = confusion_by_threshold(np.asarray(y_true), np.asarray(scores))
    if cfg.objective == "min_cost":
        # Also consider flagging nothing (threshold above every score).
        costs = np.r_[expected_cost(fn, fp, cfg), expected_cost(int(tp[-1] + fn[-1]), 0, cfg)]
        best = int(np.argmin(costs))
        threshold = float(thresholds[best]) if best < len(thresholds) else 1.0
        return ThresholdChoice(threshold, "min_cost", float(costs[best]) / len(y_true))
    precision = tp / np.maximum(tp + fp, 1)
    recall = tp / max(int(tp[-1] + fn[-1]), 1)
    ok = precision >= cfg.min_precision
    if not ok.any():
        best = int(np.argmax(precision))
        return ThresholdChoice(
            float(thresholds[best]), "max_recall_at_precision", float(recall[best])
        )
    candidates = np.flatnonzero(ok)
    best = int(candidates[np.argmax(recall[candidates])])
    return ThresholdChoice(float(thresholds[best]), "max_recall_at_precision", float(recall[best]))
