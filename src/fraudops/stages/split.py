"""split: train on the past, test on the most recent period."""

from __future__ import annotations

import dataclasses
import logging
import pathlib

from fraudops.config import Columns, Split
from fraudops.core.split import split_by_time
from fraudops.io.datasets import read_parquet, write_parquet

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class SplitResult:
    train_rows: int
    test_rows: int
    cut: str


def split(
    *,
    cfg: Split,
    columns: Columns,
    raw: pathlib.Path,
    train_out: pathlib.Path,
    test_out: pathlib.Path,
) -> SplitResult:
    frame = read_parquet(raw)
    parts = split_by_time(
        frame, columns.timestamp, test_start=cfg.test_start, test_fraction=cfg.test_fraction
    )
    write_parquet(parts.train, train_out)
    write_parquet(parts.test, test_out)
    log.info(
        "train %d rows before %s, test %d rows from it",
        len(parts.train),
        parts.cut,
        len(parts.test),
    )
    return SplitResult(len(parts.train), len(parts.test), str(parts.cut))
