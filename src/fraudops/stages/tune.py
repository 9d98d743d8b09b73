"""Hyperparameter candidates: listed, scored one at a time, or all in one process.

The Argo training workflow fans ``tune_one`` out to one pod per candidate; ``dvc repro`` calls
``tune_all`` in one process. Both write the same JSON, which ``train`` selects from.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import pathlib
import typing

import pandas as pd
from tqdm import tqdm

from fraudops.config import Params
from fraudops.core.model_factory import build_pipeline
from fraudops.core.split import split_by_time, time_cut
from fraudops.core.tuning import CandidateResult, sample_candidates, score_candidate
from fraudops.errors import FraudopsError
from fraudops.io.datasets import read_parquet

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class FitAndValidation:
    fit: pd.DataFrame
    validation: pd.DataFrame


def fit_and_validation(params: Params, train_path: pathlib.Path) -> FitAndValidation:
    """The training period split again by time: the latest part picks the threshold."""
    columns = params.data.columns
    frame = read_parquet(train_path)
    stamps = pd.to_datetime(frame[columns.timestamp])
    cut = time_cut(stamps, params.split.validation_fraction)
    parts = split_by_time(frame, columns.timestamp, test_start=cut.date(), test_fraction=0.5)
    keep = [*columns.features, columns.label]
    return FitAndValidation(parts.train[keep], parts.test[keep])


def candidates(params: Params) -> list[dict[str, typing.Any]]:
    search = params.train.search
    space = search.space.get(params.train.classifier, {})
    return sample_candidates(space, search.n_iter, params.train.seed)


def _score(
    params: Params, fit: pd.DataFrame, index: int, candidate: dict[str, typing.Any]
) -> CandidateResult:
    columns = params.data.columns
    pipeline = build_pipeline(
        params.train.classifier,
        numeric=columns.numeric,
        categorical=columns.categorical,
        class_weight=None if params.train.class_weight == "none" else "balanced",
        seed=params.train.seed,
    )
    try:
        return score_candidate(
            pipeline,
            fit,
            columns.label,
            index=index,
            params=candidate,
            folds=params.train.search.cv_folds,
            scoring=params.train.search.scoring,
        )
    except (TypeError, ValueError) as error:
        raise FraudopsError(
            f"train.search.space.{params.train.classifier}: candidate "
            f"{candidate} is not valid for {params.train.classifier}: {error}"
        ) from None


def write_result(result: CandidateResult, out_dir: pathlib.Path) -> pathlib.Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"candidate-{result.index:03d}.json"
    path.write_text(json.dumps(dataclasses.asdict(result), indent=2) + "\n")
    return path


def read_results(out_dir: pathlib.Path) -> list[CandidateResult]:
    paths = sorted(out_dir.glob("candidate-*.json"))
    if not paths:
        raise FraudopsError(f"no candidate results in {out_dir}")
    return [CandidateResult(**json.loads(p.read_text())) for p in paths]


def tune_one(
    *, params: Params, train_path: pathlib.Path, index: int, out_dir: pathlib.Path
) -> CandidateResult:
    options = candidates(params)
    if not 0 <= index < len(options):
        raise FraudopsError(f"candidate index {index} is out of range 0..{len(options) - 1}")
    data = fit_and_validation(params, train_path)
    result = _score(params, data.fit, index, options[index])
    write_result(result, out_dir)
    return result


def tune_all(params: Params, fit: pd.DataFrame) -> list[CandidateResult]:
    options = candidates(params)
    results: list[CandidateResult] = []
    progress = tqdm(list(enumerate(options)), desc="tuning", unit="candidate")
    for index, candidate in progress:
        result = _score(params, fit, index, candidate)
        progress.set_postfix(best=max(r.mean_score for r in [*results, result]))
        log.info(
            "candidate %d %s: %s %.4f",
            index,
            candidate,
            params.train.search.scoring,
            result.mean_score,
        )
        results.append(result)
    return results
