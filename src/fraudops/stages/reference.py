"""reference: the sample of the training period that monitoring compares traffic with."""

from __future__ import annotations

import pathlib

from fraudops.config import Params
from fraudops.core.split import fit_validation_split
from fraudops.io.datasets import read_parquet
from fraudops.monitoring.reference import Reference, build_reference
from fraudops.scoring.engine import engine_name_from_env, load_engine


def reference(
    *, params: Params, train_path: pathlib.Path, bundle_dir: pathlib.Path, out_dir: pathlib.Path
) -> Reference:
    """Score a sample of the training period's validation part (rows the model did not learn
    from, so their scores look like scores of new traffic) and write ``out_dir``."""
    columns = params.data.columns
    data = fit_validation_split(
        read_parquet(train_path), columns.timestamp, params.split.validation_fraction
    )
    return build_reference(
        validation=data.validation,
        engine=load_engine(bundle_dir, engine_name_from_env()),
        cfg=params.monitoring.reference,
        out_dir=out_dir,
        source=f"validation part of the training period ({train_path})",
    )
