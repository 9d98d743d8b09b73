"""ingest: write ``data/raw/`` from the generator or from a declared file or URI."""

from __future__ import annotations

import dataclasses
import logging
import pathlib

from fraudops.config import Data
from fraudops.core.generator import generate_transactions
from fraudops.io.datasets import conform, read_table, write_parquet

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class IngestResult:
    rows: int
    fraud_rate: float
    path: pathlib.Path


def ingest(*, data: Data, out: pathlib.Path) -> IngestResult:
    if data.source == "generator":
        log.info("generating %d transactions (seed %d)", data.generator.rows, data.generator.seed)
        frame = generate_transactions(data.generator)
        source = "generator"
    else:
        log.info("reading %s", data.source)
        frame = read_table(data.source)
        source = data.source
    frame = conform(frame, data.columns, source)
    write_parquet(frame, out)
    rate = float(frame[data.columns.label].mean())
    log.info("wrote %d rows to %s (fraud rate %.2f%%)", len(frame), out, 100 * rate)
    return IngestResult(rows=len(frame), fraud_rate=rate, path=out)
