"""The window cut into time buckets: volume, scores, drift and performance over time."""

from __future__ import annotations

import dataclasses
import datetime as dt
import typing

import pandas as pd

from fraudops.config import Monitoring
from fraudops.core.contract import Contract
from fraudops.monitoring.labels import LABEL
from fraudops.monitoring.logs import DECISION, LOGGED_AT, SCORE, Window
from fraudops.monitoring.performance import metrics_at_threshold

if typing.TYPE_CHECKING:
    from fraudops.monitoring.drift import DriftChecks


@dataclasses.dataclass(frozen=True)
class Bucket:
    start: dt.datetime
    rows: int
    mean_score: float | None
    flag_rate: float | None
    drift: dict[str, float | None]  # per feature and "score"; empty below min_bucket_rows
    labelled: int
    positives: int
    metrics: dict[str, float]  # at the contract threshold; empty without labelled frauds


def bucket_starts(window: Window, hours: int) -> list[dt.datetime]:
    starts, step, at = [], dt.timedelta(hours=hours), window.since
    while at < window.until:
        starts.append(at)
        at += step
    return starts


def timeline(
    window: Window,
    records: pd.DataFrame,
    labelled: pd.DataFrame | None,
    checks: DriftChecks,
    contract: Contract,
    cfg: Monitoring,
) -> list[Bucket]:
    step = dt.timedelta(hours=cfg.bucket_hours)
    buckets = []
    for start in bucket_starts(window, cfg.bucket_hours):
        end = min(start + step, window.until)
        rows = records.loc[
            (records[LOGGED_AT] >= pd.Timestamp(start)) & (records[LOGGED_AT] < pd.Timestamp(end))
        ]
        enough = len(rows) >= cfg.min_bucket_rows
        known = (
            labelled.loc[
                (labelled[LOGGED_AT] >= pd.Timestamp(start))
                & (labelled[LOGGED_AT] < pd.Timestamp(end))
            ]
            if labelled is not None
            else records.iloc[:0]
        )
        positives = int(known[LABEL].sum()) if len(known) else 0
        buckets.append(
            Bucket(
                start=start,
                rows=len(rows),
                mean_score=float(rows[SCORE].mean()) if len(rows) else None,
                flag_rate=float(rows[DECISION].mean()) if len(rows) else None,
                drift=checks.bucket(rows) if enough else {},
                labelled=len(known),
                positives=positives,
                metrics=metrics_at_threshold(known, contract) if positives else {},
            )
        )
    return buckets
