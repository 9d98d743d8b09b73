"""Time-based splits: the model is always judged on a period after the one it learned from."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from fraudops.errors import FraudopsError


@dataclasses.dataclass(frozen=True)
class TimeSplit:
    train: pd.DataFrame
    test: pd.DataFrame
    cut: pd.Timestamp


def time_cut(stamps: pd.Series, fraction: float) -> pd.Timestamp:
    """The timestamp at which the latest ``fraction`` of rows begins."""
    return pd.Timestamp(stamps.quantile(1 - fraction, interpolation="lower"))


def split_by_time(
    frame: pd.DataFrame, timestamp: str, *, test_start: dt.date | None, test_fraction: float
) -> TimeSplit:
    """Rows before the cut train, rows at or after it test."""
    stamps = pd.to_datetime(frame[timestamp])
    cut = pd.Timestamp(test_start) if test_start is not None else time_cut(stamps, test_fraction)
    is_test = stamps >= cut
    train, test = frame.loc[~is_test], frame.loc[is_test]
    if train.empty or test.empty:
        raise FraudopsError(
            f"split: the cut {cut} leaves {len(train)} training and {len(test)} test rows; "
            f"data spans {stamps.min()} to {stamps.max()} (split.test_start / split.test_fraction)"
        )
    return TimeSplit(train.reset_index(drop=True), test.reset_index(drop=True), cut)


@dataclasses.dataclass(frozen=True)
class FitValidation:
    fit: pd.DataFrame  # what the model learns from
    validation: pd.DataFrame  # what picks the threshold (and the monitoring reference)


def fit_validation_split(frame: pd.DataFrame, timestamp: str, fraction: float) -> FitValidation:
    """The training period split again by time: the model fits the earlier part, and the
    latest ``fraction`` (from the start of the day it begins on) picks the threshold."""
    cut = time_cut(pd.to_datetime(frame[timestamp]), fraction)
    parts = split_by_time(frame, timestamp, test_start=cut.date(), test_fraction=0.5)
    return FitValidation(fit=parts.train, validation=parts.test)
