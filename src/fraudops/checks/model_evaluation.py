"""validate_model: Deepchecks' model evaluation suite on the test period, for the model bundle
as the service uses it (its own contract, features and decision threshold)."""

from __future__ import annotations

import hashlib
import math
import typing

import numpy as np
import pandas as pd
from sklearn.inspection import permutation_importance

from fraudops.checks.library import deepchecks_module
from fraudops.checks.runner import Roles, SuiteRun, make_dataset, quiet_deepchecks, run_gate
from fraudops.checks.spec import Spec, largest, smallest
from fraudops.config import Checks
from fraudops.core.contract import Contract

SUITE = "model_evaluation"
TITLE = "Model evaluation"
# Scores that mean something at a 1.5 % fraud rate (accuracy does not).
SCORERS = {"ROC AUC": "roc_auc", "Average precision": "average_precision"}
# Permutation importance only ranks features for Unused Features and Weak Segments.
IMPORTANCE_ROWS = 3000


class DecisionModel:
    """The bundle's pipeline with its contract's threshold: ``predict`` is the decision the
    service makes, so label metrics (confusion matrix, weak segments) judge the real decision.

    Deepchecks asks each check's model for predictions afresh; the last few answers are kept,
    keyed by a hash of the rows in order (index and values), so each sample is scored once."""

    def __init__(self, pipeline: typing.Any, features: list[str], threshold: float) -> None:
        self.pipeline = pipeline
        self.features = features
        self.threshold = threshold
        self.classes_ = np.array([0, 1])
        self._answers: dict[str, np.ndarray] = {}

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        rows = frame[self.features]
        key = hashlib.sha1(  # noqa: S324 - a cache key, not security
            pd.util.hash_pandas_object(rows, index=True).to_numpy().tobytes()
        ).hexdigest()
        if key not in self._answers:
            if len(self._answers) >= 4:
                self._answers.pop(next(iter(self._answers)))
            self._answers[key] = np.asarray(self.pipeline.predict_proba(rows))
        return self._answers[key]

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return (self.predict_proba(frame)[:, 1] >= self.threshold).astype(int)


def _degradation(value: pd.DataFrame) -> float | None:
    """The largest relative drop of a score from the training to the test period."""
    drops = []
    for _, group in value.groupby(["Metric", "Class"], dropna=False):
        by_set = group.set_index("Dataset")["Value"]
        train, test = float(by_set.get("Train", math.nan)), float(by_set.get("Test", math.nan))
        if train > 0:
            drops.append((train - test) / train)
    return largest(drops)


def _gain(origin: float, simple: float, perfect: float) -> float:
    distance = perfect - simple
    if distance == 0:
        return 0.0 if origin == simple else -1.0
    return (origin - simple) / distance


def _smallest_gain(value: dict[str, typing.Any]) -> float | None:
    gains: list[float] = []
    for metric, scores in value["scores"].items():
        perfect = value["scorers_perfect"][metric]
        per_class = scores.values() if "Origin" not in scores else [scores]
        gains.extend(
            _gain(s["Origin"], s["Simple"], perfect) for s in per_class if s["Origin"] != perfect
        )
    return smallest(gains)


def _weakest_drop(value: dict[str, typing.Any]) -> float | None:
    if "message" in value:
        return 0.0
    weakest, average = float(value["weak_segments_list"].iloc[0, 0]), float(value["avg_score"])
    return 1 - weakest / average if average else None


def _misclassified(value: typing.Any) -> float:
    matrix = np.asarray(value, dtype=float)
    return float(1 - np.trace(matrix) / matrix.sum())


def _brier_condition(check: typing.Any, threshold: float | None) -> None:
    """CalibrationScore has no condition of its own: hold its Brier score to a maximum."""
    if threshold is None:
        return
    core = deepchecks_module("deepchecks.core")

    def condition(value: dict[typing.Any, float]) -> typing.Any:
        worst = max(value.values())
        category = (
            core.ConditionCategory.PASS if worst <= threshold else core.ConditionCategory.FAIL
        )
        return core.ConditionResult(category, f"Brier score {worst:.4f}")

    check.add_condition(f"Brier score is at most {threshold}", condition)


# Checks of Deepchecks' model evaluation suite that this gate leaves out, and why.
LEFT_OUT = {
    "RegressionErrorDistribution": "regression models only",
    "BoostingOverfit": "AdaBoost, GradientBoosting, LightGBM, XGBoost and CatBoost only; "
    "Train Test Performance measures overfitting for every classifier",
}

SPECS: tuple[Spec, ...] = (
    Spec(
        "train_test_performance",
        "TrainTestPerformance",
        "max",
        _degradation,
        "add_condition_train_test_relative_degradation_less_than",
        ("threshold",),
        sampled=True,
        options={"scorers": SCORERS},
    ),
    Spec(
        "roc_report",
        "RocReport",
        "min",
        lambda v: smallest(v.values()),
        "add_condition_auc_greater_than",
        ("min_auc",),
    ),
    Spec("confusion_matrix_report", "ConfusionMatrixReport", "none", _misclassified),
    Spec(
        "prediction_drift",
        "PredictionDrift",
        "max",
        lambda v: v["Drift score"],
        "add_condition_drift_score_less_than",
        ("max_allowed_drift_score",),
        sampled=True,
    ),
    Spec(
        "simple_model_comparison",
        "SimpleModelComparison",
        "min",
        _smallest_gain,
        "add_condition_gain_greater_than",
        ("min_allowed_gain",),
        options={"scorers": SCORERS},
    ),
    Spec(
        "weak_segments_performance",
        "WeakSegmentsPerformance",
        "max",
        _weakest_drop,
        "add_condition_segments_relative_performance_greater_than",
        ("max_ratio_change",),
        sampled=True,
        options={"n_top_features": 5},
    ),
    Spec(
        "calibration_score",
        "CalibrationScore",
        "max",
        lambda v: largest(v.values()),
        adder=_brier_condition,
    ),
    Spec(
        "unused_features",
        "UnusedFeatures",
        "max",
        lambda v: len(v["unused features"]["high variance"]),
        "add_condition_number_of_high_variance_unused_features_less_or_equal",
        ("max_high_variance_unused_features",),
        integer=True,
        sampled=True,
    ),
    Spec(
        "model_inference_time",
        "ModelInferenceTime",
        "max",
        float,
        "add_condition_inference_time_less_than",
        ("value",),
    ),
)


def feature_importance(
    model: DecisionModel, test: pd.DataFrame, label: str, rows: int, seed: int
) -> pd.Series:
    """Permutation importance (average precision) on a sample of the test period: cheaper and
    more telling at this fraud rate than Deepchecks' default (30 repeats scored on accuracy)."""
    sample = test.sample(min(rows, len(test)), random_state=seed)
    found = permutation_importance(
        model.pipeline,
        sample[model.features],
        sample[label],
        scoring="average_precision",
        n_repeats=3,
        random_state=seed,
    )
    importance = pd.Series(np.clip(found.importances_mean, 0, None), index=model.features)
    total = importance.sum()
    return importance / total if total > 0 else importance + 1 / len(importance)


def run_model_evaluation(
    pipeline: typing.Any,
    contract: Contract,
    train: pd.DataFrame,
    test: pd.DataFrame,
    cfg: Checks,
) -> SuiteRun:
    """The validate_model verdict; the roles and the threshold come from the bundle's contract."""
    roles = Roles.of_contract(contract)
    model = DecisionModel(pipeline, contract.feature_names, contract.threshold)

    def prepare() -> dict[str, typing.Any]:
        with quiet_deepchecks():
            importance = feature_importance(
                model, test, contract.label, IMPORTANCE_ROWS, cfg.random_state
            )
        return {
            "train_dataset": make_dataset(train, roles),
            "test_dataset": make_dataset(test, roles),
            "model": model,
            "feature_importance": importance,
            "run_single_dataset": "Test",
            "model_classes": [0, 1],
        }

    return run_gate(
        suite=SUITE,
        title=TITLE,
        specs=SPECS,
        rules=cfg.model_evaluation,
        cfg=cfg,
        rows={"train_rows": len(train), "test_rows": len(test)},
        prepare=prepare,
    )
