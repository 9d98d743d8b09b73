"""Tuning results on disk: one JSON file per scored candidate, read back by ``train``."""

from __future__ import annotations

import dataclasses
import json
import pathlib

from fraudops.core.tuning import CandidateResult
from fraudops.errors import FraudopsError
from fraudops.io.files import write_json


def write_result(result: CandidateResult, out_dir: pathlib.Path) -> pathlib.Path:
    path = out_dir / f"candidate-{result.index:03d}.json"
    write_json(path, dataclasses.asdict(result))
    return path


def read_results(out_dir: pathlib.Path) -> list[CandidateResult]:
    paths = sorted(out_dir.glob("candidate-*.json"))
    if not paths:
        raise FraudopsError(f"no candidate results in {out_dir}")
    return [CandidateResult(**json.loads(p.read_text())) for p in paths]
