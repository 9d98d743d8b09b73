"""Hyperparameter search split into candidates that can run anywhere.

``dvc repro`` scores every candidate in one process; the Argo training workflow scores each in
its own pod (``fraudops tune-candidate --index i``) and ``select_best`` reads the results back.
"""

from __future__ import annotations

import dataclasses
import typing

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.base import clone
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import ParameterSampler, TimeSeriesSplit
from sklearn.pipeline import Pipeline

from fraudops.errors import FraudopsError

SCORERS: dict[str, typing.Callable[[np.ndarray, np.ndarray], float]] = {
    "average_precision": lambda y, p: float(average_precision_score(y, p)),
    "roc_auc": lambda y, p: float(roc_auc_score(y, p)),
}


@dataclasses.dataclass(frozen=True)
class CandidateResult:
    index: int
    params: dict[str, typing.Any]
    mean_score: float
    fold_scores: list[float]


def _distribution(key: str, spec: list[typing.Any] | dict[str, typing.Any]) -> typing.Any:
    if isinstance(spec, list):
        if not spec:
            raise FraudopsError(f"train.search.space: {key} has an empty list of values")
        return spec
    allowed = {"low", "high", "log", "int"}
    unknown = set(spec) - allowed
    if unknown or not {"low", "high"} <= set(spec):
        raise FraudopsError(
            f"train.search.space: {key} must be a list of values or a mapping with low, high "
            f"and optional log/int (got keys {sorted(spec)})"
        )
    low, high = spec["low"], spec["high"]
    if not low < high:
        raise FraudopsError(f"train.search.space: {key}: low must be below high")
    if spec.get("int"):
        return stats.randint(int(low), int(high) + 1)
    if spec.get("log"):
        return stats.loguniform(low, high)
    return stats.uniform(low, high - low)


def sample_candidates(
    space: dict[str, list[typing.Any] | dict[str, typing.Any]], n_iter: int, seed: int
) -> list[dict[str, typing.Any]]:
    """``n_iter`` parameter sets drawn from ``space`` (all of a small discrete grid at most)."""
    if not space:
        return [{}]
    distributions = {key: _distribution(key, spec) for key, spec in space.items()}
    discrete = all(isinstance(spec, list) for spec in space.values())
    if discrete:
        size = int(np.prod([len(spec) for spec in space.values()]))
        n_iter = min(n_iter, size)
    sampler = ParameterSampler(distributions, n_iter=n_iter, random_state=seed)
    return [{k: _plain(v) for k, v in candidate.items()} for candidate in sampler]


def _plain(value: typing.Any) -> typing.Any:
    return value.item() if isinstance(value, np.generic) else value


def score_candidate(
    pipeline: Pipeline,
    frame: pd.DataFrame,
    label: str,
    *,
    index: int,
    params: dict[str, typing.Any],
    folds: int,
    scoring: str,
) -> CandidateResult:
    """Time-ordered cross-validation of one candidate (``frame`` must be sorted by time)."""
    features = frame.drop(columns=[label])
    target = frame[label].to_numpy()
    scorer = SCORERS[scoring]
    scores: list[float] = []
    for fit_rows, score_rows in TimeSeriesSplit(n_splits=folds).split(features):
        if len(np.unique(target[fit_rows])) < 2 or len(np.unique(target[score_rows])) < 2:
            raise FraudopsError(
                "a cross-validation fold has a single class; use more rows "
                "or fewer train.search.cv_folds"
            )
        model = clone(pipeline).set_params(**{f"classifier__{k}": v for k, v in params.items()})
        model.fit(features.iloc[fit_rows], target[fit_rows])
        scores.append(
            scorer(target[score_rows], model.predict_proba(features.iloc[score_rows])[:, 1])
        )
    return CandidateResult(
        index=index, params=params, mean_score=float(np.mean(scores)), fold_scores=scores
    )


def select_best(results: typing.Sequence[CandidateResult]) -> CandidateResult:
    """The highest mean score; the lowest index wins ties, so selection is deterministic."""
    if not results:
        raise FraudopsError("no tuning results to select from")
    return max(results, key=lambda r: (r.mean_score, -r.index))
