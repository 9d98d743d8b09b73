"""The time-based split."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from fraudops.core.split import split_by_time
from fraudops.errors import FraudopsError


def test_split__test_is_the_latest_period(small_frame: pd.DataFrame) -> None:
    parts = split_by_time(small_frame, "timestamp", test_start=None, test_fraction=0.2)
    assert parts.train["timestamp"].max() < parts.test["timestamp"].min()
    assert len(parts.train) + len(parts.test) == len(small_frame)
    assert abs(len(parts.test) / len(small_frame) - 0.2) < 0.01


def test_split__explicit_cut_date(small_frame: pd.DataFrame) -> None:
    parts = split_by_time(
        small_frame, "timestamp", test_start=dt.date(2025, 6, 1), test_fraction=0.2
    )
    assert parts.test["timestamp"].min() >= pd.Timestamp("2025-06-01")
    assert parts.train["timestamp"].max() < pd.Timestamp("2025-06-01")


def test_split__cut_outside_data_names_the_param(small_frame: pd.DataFrame) -> None:
    with pytest.raises(FraudopsError, match=r"split.test_start"):
        split_by_time(small_frame, "timestamp", test_start=dt.date(2030, 1, 1), test_fraction=0.2)
