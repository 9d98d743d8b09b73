"""The hyperparameter search of the configured classifier: its candidates, and each one's
cross-validated score. ``dvc repro`` scores them all in one process; the Argo training workflow
scores one per pod (``fraudops tune-candidate --index i``)."""

from __future__ import annotations

import logging
import typing

import pandas as pd
from sklearn.pipeline import Pipeline
from tqdm import tqdm

from fraudops.config import Columns, Train
from fraudops.core.model_factory import build_pipeline
from fraudops.core.tuning import CandidateResult, sample_candidates, score_candidate
from fraudops.errors import FraudopsError

log = logging.getLogger(__name__)


def candidate_params(train: Train) -> list[dict[str, typing.Any]]:
    """The parameter sets to try, drawn from ``train.search.space.<classifier>``."""
    space = train.search.space.get(train.classifier, {})
    return sample_candidates(space, train.search.n_iter, train.seed)


def configured_pipeline(
    train: Train, columns: Columns, params: dict[str, typing.Any] | None = None
) -> Pipeline:
    """The configured classifier in its preprocessing pipeline, with ``params`` set."""
    return build_pipeline(
        train.classifier,
        numeric=columns.numeric,
        categorical=columns.categorical,
        class_weight=None if train.class_weight == "none" else "balanced",
        seed=train.seed,
        params=params,
    )


def score_one(
    train: Train, columns: Columns, fit: pd.DataFrame, index: int, candidate: dict[str, typing.Any]
) -> CandidateResult:
    """Cross-validate one candidate on ``fit``; a parameter the classifier refuses is named."""
    pipeline = configured_pipeline(train, columns)
    try:
        return score_candidate(
            pipeline,
            fit[[*columns.features, columns.label]],
            columns.label,
            index=index,
            params=candidate,
            folds=train.search.cv_folds,
            scoring=train.search.scoring,
        )
    except (TypeError, ValueError) as error:
        raise FraudopsError(
            f"train.search.space.{train.classifier}: candidate "
            f"{candidate} is not valid for {train.classifier}: {error}"
        ) from None


def score_all(train: Train, columns: Columns, fit: pd.DataFrame) -> list[CandidateResult]:
    """Every candidate, one after the other, with a progress bar."""
    results: list[CandidateResult] = []
    progress = tqdm(list(enumerate(candidate_params(train))), desc="tuning", unit="candidate")
    for index, candidate in progress:
        result = score_one(train, columns, fit, index, candidate)
        progress.set_postfix(best=max(r.mean_score for r in [*results, result]))
        log.info(
            "candidate %d %s: %s %.4f", index, candidate, train.search.scoring, result.mean_score
        )
        results.append(result)
    return results
