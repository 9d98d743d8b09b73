"""Classification metrics at a threshold, and the curves behind the plots."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.calibration import calibration_curve
from sklearn.metrics import (
    average_precision_score,
    f1_score,
    precision_recall_curve,
    precision_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)

from fraudops.config import Threshold
from fraudops.core.threshold import confusion_by_threshold, expected_cost


def classification_metrics(
    y_true: np.ndarray, scores: np.ndarray, threshold: float, costs: Threshold
) -> dict[str, float]:
    """Ranking metrics, metrics at ``threshold`` and the expected cost per transaction."""
    y_true = np.asarray(y_true).astype(int)
    decision = (np.asarray(scores) >= threshold).astype(int)
    fn = int(((decision == 0) & (y_true == 1)).sum())
    fp = int(((decision == 1) & (y_true == 0)).sum())
    both = len(np.unique(y_true)) == 2
    return {
        "roc_auc": float(roc_auc_score(y_true, scores)) if both else float("nan"),
        "average_precision": float(average_precision_score(y_true, scores)) if both else 0.0,
        "precision": float(precision_score(y_true, decision, zero_division=0)),
        "recall": float(recall_score(y_true, decision, zero_division=0)),
        "f1": float(f1_score(y_true, decision, zero_division=0)),
        "expected_cost": float(expected_cost(fn, fp, costs)) / max(len(y_true), 1),
        "flag_rate": float(decision.mean()) if len(decision) else 0.0,
    }


def _thin(frame: pd.DataFrame, points: int) -> pd.DataFrame:
    if len(frame) <= points:
        return frame
    keep = np.unique(np.linspace(0, len(frame) - 1, points).round().astype(int))
    return frame.iloc[keep].reset_index(drop=True)


def roc_points(y_true: np.ndarray, scores: np.ndarray, points: int) -> pd.DataFrame:
    fpr, tpr, _ = roc_curve(y_true, scores)
    return _thin(pd.DataFrame({"fpr": fpr, "tpr": tpr}), points)


def pr_points(y_true: np.ndarray, scores: np.ndarray, points: int) -> pd.DataFrame:
    precision, recall, _ = precision_recall_curve(y_true, scores)
    return _thin(pd.DataFrame({"recall": recall, "precision": precision}), points)


def calibration_points(y_true: np.ndarray, scores: np.ndarray, bins: int) -> pd.DataFrame:
    observed, predicted = calibration_curve(y_true, scores, n_bins=bins, strategy="quantile")
    return pd.DataFrame({"mean_predicted": predicted, "fraction_fraud": observed})


def cost_points(
    y_true: np.ndarray, scores: np.ndarray, costs: Threshold, points: int
) -> pd.DataFrame:
    thresholds, _, fp, fn = confusion_by_threshold(np.asarray(y_true), np.asarray(scores))
    frame = pd.DataFrame(
        {"threshold": thresholds, "expected_cost": expected_cost(fn, fp, costs) / len(y_true)}
    )
    return _thin(frame.iloc[::-1].reset_index(drop=True), points)
