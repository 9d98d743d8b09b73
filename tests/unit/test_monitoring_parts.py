"""Monitoring's small parts: the time window, labels, concept-drift verdicts, scenarios."""

from __future__ import annotations

import datetime as dt
import pathlib

import numpy as np
import pandas as pd
import pytest

from fraudops.config import Generator, PerformanceTolerance
from fraudops.core.contract import Contract
from fraudops.errors import FraudopsError
from fraudops.monitoring.job import parse_time, resolve_window
from fraudops.monitoring.labels import join_labels, read_labels
from fraudops.monitoring.performance import window_performance
from fraudops.monitoring.traffic import drift_profile
from tests.monitoring_support import make_contract

UTC = dt.UTC


@pytest.fixture(scope="module")
def contract(small_frame: pd.DataFrame) -> Contract:
    return make_contract(small_frame)


def test_parse_time__dates_and_zones() -> None:
    assert parse_time("2025-07-01", "--since") == dt.datetime(2025, 7, 1, tzinfo=UTC)
    assert parse_time("2025-07-01T06:30:00Z", "--since") == dt.datetime(
        2025, 7, 1, 6, 30, tzinfo=UTC
    )
    assert parse_time("2025-07-01T08:00:00+02:00", "--until") == dt.datetime(
        2025, 7, 1, 6, tzinfo=UTC
    )
    with pytest.raises(FraudopsError, match="--until 'yesterday': use an ISO date"):
        parse_time("yesterday", "--until")


def test_resolve_window__defaults_to_whole_days_before_today() -> None:
    now = dt.datetime(2025, 7, 10, 15, 42, tzinfo=UTC)
    window = resolve_window(None, None, 7, now)
    assert (window.since, window.until) == (
        dt.datetime(2025, 7, 3, tzinfo=UTC),
        dt.datetime(2025, 7, 10, tzinfo=UTC),
    )
    since = dt.datetime(2025, 6, 1, tzinfo=UTC)
    assert resolve_window(since, None, 2, now).until == dt.datetime(2025, 6, 3, tzinfo=UTC)
    assert resolve_window(None, since, 2, now).since == dt.datetime(2025, 5, 30, tzinfo=UTC)
    with pytest.raises(FraudopsError, match="the window is empty"):
        resolve_window(since, since, 7, now)


def test_read_labels__accepts_both_namings(tmp_path: pathlib.Path, contract: Contract) -> None:
    csv = tmp_path / "labels.csv"
    csv.write_text("record_id,label\na,1\nb,0\n")
    assert read_labels(csv, contract).to_dict("list") == {"record_id": ["a", "b"], "label": [1, 0]}
    parquet = tmp_path / "labels.parquet"
    pd.DataFrame({"transaction_id": [7, 8], "is_fraud": [True, False]}).to_parquet(parquet)
    labels = read_labels(parquet, contract)
    assert labels.to_dict("list") == {"record_id": ["7", "8"], "label": [1, 0]}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("record_id,label\na,2\nb,yes\n", "label must be 0 or 1; 2 row"),
        ("id,label\na,1\n", "no record id column"),
        ("record_id,outcome\na,1\n", "no label column"),
        ("", "data file is empty"),
    ],
)
def test_read_labels__bad_files(
    tmp_path: pathlib.Path, contract: Contract, text: str, message: str
) -> None:
    path = tmp_path / "labels.csv"
    path.write_text(text)
    with pytest.raises(FraudopsError, match=message):
        read_labels(path, contract)


def test_join_labels__counts_what_does_not_match() -> None:
    records = pd.DataFrame({"record_id": ["a", "b", "c"], "score": [0.1, 0.2, 0.3]})
    labels = pd.DataFrame({"record_id": ["a", "b", "b", "z"], "label": [0, 0, 1, 1]})
    joined = join_labels(records, labels)
    assert joined.frame.set_index("record_id")["label"].to_dict() == {"a": 0, "b": 1}
    assert (joined.labels, joined.unmatched, joined.conflicting) == (4, 1, 1)


def _labelled(rows: int, positives: int, hit: int) -> pd.DataFrame:
    """``hit`` of the frauds scored above the 0.5 threshold, the rest below."""
    label = np.r_[np.ones(positives), np.zeros(rows - positives)].astype(int)
    score = np.r_[np.full(hit, 0.9), np.full(positives - hit, 0.2), np.full(rows - positives, 0.1)]
    return pd.DataFrame({"label": label, "score": score})


def test_window_performance__judges_a_fall_against_test(contract: Contract) -> None:
    tolerance = PerformanceTolerance(min_positives=20, max_drop={"recall": 0.2})
    test = {"recall": 0.8, "average_precision": 0.6}
    steady = window_performance(_labelled(1000, 40, 32), contract, test, tolerance)
    assert steady.judged
    assert [(d.metric, round(d.window, 2), d.crossed) for d in steady.drops] == [
        ("recall", 0.8, False)
    ]
    fallen = window_performance(_labelled(1000, 40, 10), contract, test, tolerance)
    assert fallen.drops[0].crossed
    assert fallen.drops[0].drop == pytest.approx(0.55)


def test_window_performance__too_few_frauds_is_not_judged(contract: Contract) -> None:
    tolerance = PerformanceTolerance(min_positives=20)
    few = window_performance(_labelled(500, 5, 0), contract, {"recall": 0.8}, tolerance)
    assert not few.judged
    assert not few.drops
    assert "only 5 labelled fraud(s)" in few.note


def test_drift_profile__scenarios() -> None:
    start = dt.date(2025, 7, 1)
    profile = drift_profile("amounts", Generator(), start)
    assert profile is not None
    assert (profile.start, profile.amount_scale) == (start, 1.8)
    assert drift_profile("none", Generator(), start) is None
    with pytest.raises(FraudopsError, match="unknown drift scenario 'weird'"):
        drift_profile("weird", Generator(), start)
    with pytest.raises(FraudopsError, match=r"sets no data\.generator\.drift"):
        drift_profile("params", Generator(), start)
