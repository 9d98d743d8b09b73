"""tune-candidate: score one hyperparameter candidate (one pod of the Argo fan-out)."""

from __future__ import annotations

import pathlib

from fraudops.config import Params
from fraudops.core.search import candidate_params, score_one
from fraudops.core.split import fit_validation_split
from fraudops.core.tuning import CandidateResult
from fraudops.errors import FraudopsError
from fraudops.io.candidates import write_result
from fraudops.io.datasets import read_parquet


def tune_one(
    *, params: Params, train_path: pathlib.Path, index: int, out_dir: pathlib.Path
) -> CandidateResult:
    options = candidate_params(params.train)
    if not 0 <= index < len(options):
        raise FraudopsError(f"candidate index {index} is out of range 0..{len(options) - 1}")
    columns = params.data.columns
    frame = read_parquet(train_path)
    fit = fit_validation_split(frame, columns.timestamp, params.split.validation_fraction).fit
    result = score_one(params.train, columns, fit, index, options[index])
    write_result(result, out_dir)
    return result
