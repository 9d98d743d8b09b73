"""Data, prediction and multivariate drift with Deepchecks: the reference against a window.

``FeatureDrift`` scores each feature (Kolmogorov-Smirnov for numeric ones, Cramer's V for
categorical ones), ``PredictionDrift`` scores the fraud score logged with each record against
the reference's scores (Kolmogorov-Smirnov), and ``MultivariateDrift`` trains a small classifier
to tell reference rows from window rows (score 2 * AUC - 1; its permutation importances say
which features give the window away). The thresholds of ``params.yaml`` become Deepchecks
conditions, so its condition table says the same as the alerts.
"""

from __future__ import annotations

import dataclasses
import typing

import joblib
import numpy as np
import pandas as pd

from fraudops.checks.library import deepchecks_module
from fraudops.config import DriftThresholds, Monitoring
from fraudops.core.contract import Contract
from fraudops.errors import FraudopsError
from fraudops.monitoring.logs import SCORE

# Deepchecks objects are typed loosely: the package is imported only through the library door
# (fraudops.checks.library), which switches its telemetry off first.
Dataset = typing.Any
CheckResult = typing.Any
SuiteResult = typing.Any


def _dc(name: str) -> typing.Any:
    return deepchecks_module(name)


SUITE_NAME = "Prediction monitoring"
MULTIVARIATE_ROWS = 10_000


@dataclasses.dataclass(frozen=True)
class Score:
    """One drift figure and the threshold it is judged against."""

    name: str  # a feature, "score" (prediction drift) or "multivariate"
    kind: str  # numeric, categorical, prediction or multivariate
    method: str
    value: float | None  # None when Deepchecks had too few samples
    threshold: float

    @property
    def crossed(self) -> bool:
        return self.value is not None and self.value > self.threshold


@dataclasses.dataclass(frozen=True)
class DriftResult:
    features: list[Score]
    prediction: Score
    multivariate: Score
    importance: dict[str, float]  # which features tell the window from the reference
    reference_rows: int
    window_rows: int
    suite: SuiteResult

    @property
    def scores(self) -> list[Score]:
        return [*self.features, self.prediction, self.multivariate]


def _dataset(frame: pd.DataFrame, contract: Contract, offset: int) -> Dataset:
    # Distinct indexes keep Deepchecks from renaming rows when it matches predictions to rows.
    features = frame[contract.feature_names].reset_index(drop=True)
    features.index = features.index + offset
    for name in contract.categorical:
        features[name] = features[name].astype(str)
    return _dc("deepchecks.tabular").Dataset(
        features, cat_features=contract.categorical, label=None
    )


def _proba(scores: pd.Series) -> np.ndarray:
    values = scores.to_numpy(dtype=float)
    return np.column_stack([1 - values, values])


def _run(check: object, reference: Dataset, window: Dataset, **kwargs: object) -> CheckResult:
    try:
        result = check.run(reference, window, **kwargs)  # type: ignore[attr-defined]
    except _dc("deepchecks.core.errors").DeepchecksBaseError as error:
        name = type(check).__name__
        raise FraudopsError(f"Deepchecks {name} could not run on this window: {error}") from None
    return result


def _sample(frame: pd.DataFrame, rows: int, seed: int) -> pd.DataFrame:
    return frame if len(frame) <= rows else frame.sample(n=rows, random_state=seed)


def _feature_scores(
    result: CheckResult, contract: Contract, thresholds: DriftThresholds
) -> list[Score]:
    scores = []
    for feature in contract.features:
        info = result.value.get(feature.name) or {}
        value = info.get("Drift score")
        numeric = feature.kind == "numeric"
        scores.append(
            Score(
                name=feature.name,
                kind=feature.kind,
                method=str(info.get("Method", "Kolmogorov-Smirnov" if numeric else "Cramer's V")),
                value=None if value is None else float(value),
                threshold=thresholds.numeric_feature if numeric else thresholds.categorical_feature,
            )
        )
    return scores


class DriftChecks:
    """The Deepchecks drift checks against one reference, reused for the window and for
    each time bucket (the reference dataset is built once)."""

    def __init__(self, reference: pd.DataFrame, contract: Contract, cfg: Monitoring) -> None:
        self.contract, self.cfg = contract, cfg
        self.reference_rows = len(reference)
        self.reference = _dataset(reference, contract, 0)
        self.reference_proba = _proba(reference[SCORE])

    def _pair(
        self, frame: pd.DataFrame, *, conditions: bool
    ) -> tuple[Dataset, pd.DataFrame, CheckResult, CheckResult]:
        cfg, thresholds = self.cfg, self.cfg.drift
        sample = _sample(frame, cfg.sample_rows, cfg.seed)
        window = _dataset(sample, self.contract, self.reference_rows)
        checks = _dc("deepchecks.tabular.checks")
        features = checks.FeatureDrift(n_samples=cfg.sample_rows, random_state=cfg.seed)
        prediction = checks.PredictionDrift(n_samples=cfg.sample_rows, random_state=cfg.seed)
        if conditions:
            features.add_condition_drift_score_less_than(
                max_allowed_categorical_score=thresholds.categorical_feature,
                max_allowed_numeric_score=thresholds.numeric_feature,
            )
            prediction.add_condition_drift_score_less_than(
                max_allowed_drift_score=thresholds.prediction
            )
        feature_result = _run(features, self.reference, window, with_display=False)
        prediction_result = _run(
            prediction,
            self.reference,
            window,
            with_display=False,
            y_proba_train=self.reference_proba,
            y_proba_test=_proba(sample[SCORE]),
            model_classes=[0, 1],
        )
        return window, sample, feature_result, prediction_result

    def window(self, frame: pd.DataFrame) -> DriftResult:
        """All three checks on a sample of the window, with the thresholds as conditions."""
        thresholds = self.cfg.drift
        window, sample, feature_result, prediction_result = self._pair(frame, conditions=True)
        # Deepchecks' default sample for the domain classifier: more rows cost time, not signal.
        multivariate = (
            _dc("deepchecks.tabular.checks")
            .MultivariateDrift(n_samples=MULTIVARIATE_ROWS, random_state=self.cfg.seed)
            .add_condition_overall_drift_value_less_than(thresholds.multivariate)
        )
        # The domain classifier's permutation importance asks joblib for every core in new
        # processes, which costs seconds to start; threads do the same work in under one.
        with joblib.parallel_config(backend="threading"):
            multi_result = _run(multivariate, self.reference, window, with_display=False)
        multi = multi_result.value
        return DriftResult(
            features=_feature_scores(feature_result, self.contract, thresholds),
            prediction=Score(
                name=SCORE,
                kind="prediction",
                method=str(prediction_result.value.get("Method", "Kolmogorov-Smirnov")),
                value=float(prediction_result.value["Drift score"]),
                threshold=thresholds.prediction,
            ),
            multivariate=Score(
                name="multivariate",
                kind="multivariate",
                method="domain classifier 2*AUC-1",
                value=float(multi["domain_classifier_drift_score"]),
                threshold=thresholds.multivariate,
            ),
            importance={
                str(k): float(v) for k, v in multi["domain_classifier_feature_importance"].items()
            },
            reference_rows=self.reference_rows,
            window_rows=len(sample),
            suite=_dc("deepchecks.core").SuiteResult(
                SUITE_NAME, [feature_result, prediction_result, multi_result]
            ),
        )

    def bucket(self, frame: pd.DataFrame) -> dict[str, float | None]:
        """Per-feature and prediction drift scores of one time bucket (plots over time)."""
        _, _, feature_result, prediction_result = self._pair(frame, conditions=False)
        scores: dict[str, float | None] = {}
        for name in self.contract.feature_names:
            value = (feature_result.value.get(name) or {}).get("Drift score")
            scores[name] = None if value is None else float(value)
        scores[SCORE] = float(prediction_result.value["Drift score"])
        return scores


def conditions_html(suite: SuiteResult) -> str:
    """Deepchecks' own summary of the conditions (no plots, no data, no scripts)."""
    return str(
        suite.html_serializer.serialize(
            full_html=False, include_plotlyjs=False, include_requirejs=False
        )
    )
