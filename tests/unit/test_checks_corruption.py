"""The corruption matrix: each way the data can go wrong is caught by the named check, which
the failure message names with its figure and threshold. The gates run on a few thousand
generated rows; where ingest would already refuse the data, that refusal is shown too."""

from __future__ import annotations

import pathlib
import typing

import numpy as np
import pandas as pd
import pytest

from fraudops.checks.data_integrity import run_data_integrity
from fraudops.checks.train_test import run_train_test
from fraudops.config import Params
from fraudops.core.generator import NUMERIC, generate_transactions
from fraudops.core.split import split_by_time
from fraudops.errors import FraudopsError
from fraudops.io.datasets import conform, read_table
from tests.helpers import make_params

pytestmark = pytest.mark.slow
ROWS = 4000
Corruption = typing.Callable[[pd.DataFrame], pd.DataFrame]


@pytest.fixture(scope="module")
def params() -> Params:
    return make_params({"data.generator.rows": ROWS})


@pytest.fixture(scope="module")
def clean(params: Params) -> pd.DataFrame:
    return conform(generate_transactions(params.data.generator), params.data.columns, "generator")


def _nulls(frame: pd.DataFrame) -> pd.DataFrame:
    frame.loc[frame.sample(frac=0.1, random_state=1).index, "card_age_days"] = np.nan
    return frame


def _missing_column(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=["device_type"])


def _numbers_as_strings(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(amount=frame["amount"].map(lambda v: f"{v:.2f}"))


def _leaking_feature(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(chargeback_filed=frame["is_fraud"])


def _duplicates(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([frame, frame.sample(frac=0.3, random_state=2)], ignore_index=True)


def _conflicting_labels(frame: pd.DataFrame) -> pd.DataFrame:
    copies = frame.sample(frac=0.05, random_state=3)
    copies = copies.assign(
        is_fraud=1 - copies["is_fraud"], transaction_id=copies["transaction_id"] + "-dup"
    )
    return pd.concat([frame, copies], ignore_index=True)


def _negative_amounts(frame: pd.DataFrame) -> pd.DataFrame:
    frame.loc[frame.sample(frac=0.02, random_state=4).index, "amount"] *= -1
    return frame


def _single_class(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(is_fraud=0)


def _empty(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.head(0)


DATA_CASES: list[tuple[str, Corruption, str, dict[str, typing.Any]]] = [
    ("nulls in a required feature", _nulls, "Percent Of Nulls", {}),
    ("a declared column missing", _missing_column, "Declared Columns", {}),
    ("numbers arriving as strings", _numbers_as_strings, "Declared Types", {}),
    (
        "a feature that leaks the label",
        _leaking_feature,
        "Feature Label Correlation",
        {"data.columns.numeric": [*NUMERIC, "chargeback_filed"]},
    ),
    ("many duplicate rows", _duplicates, "Data Duplicates", {}),
    ("conflicting labels", _conflicting_labels, "Conflicting Labels", {}),
    ("impossible values (negative amounts)", _negative_amounts, "Impossible Values", {}),
    ("a single-class label", _single_class, "Label Classes", {}),
    ("an empty file", _empty, "Data Not Empty", {}),
]


@pytest.mark.parametrize(
    ("corrupt", "check", "overrides"),
    [case[1:] for case in DATA_CASES],
    ids=[case[0] for case in DATA_CASES],
)
def test_validate_data__corruption_is_caught_by_the_named_check(
    clean: pd.DataFrame,
    params: Params,
    corrupt: Corruption,
    check: str,
    overrides: dict[str, typing.Any],
) -> None:
    cfg = make_params({"data.generator.rows": ROWS, **overrides}) if overrides else params
    run = run_data_integrity(corrupt(clean.copy()), cfg.data.columns, cfg.checks)
    assert not run.report.passed
    failed = {o.name: o for o in run.report.failures}
    assert check in failed, run.report.failure_message()
    outcome = failed[check]
    assert outcome.status == "fail"
    message = run.report.failure_message()
    assert f"{check}: {outcome.comparison}" in message
    if outcome.threshold is not None and outcome.figure is not None:
        if outcome.direction == "max":
            assert outcome.figure > outcome.threshold
        elif outcome.direction == "min":
            assert outcome.figure < outcome.threshold


def test_validate_data__unusable_data_skips_deepchecks_with_the_reason(
    clean: pd.DataFrame, params: Params
) -> None:
    run = run_data_integrity(_missing_column(clean.copy()), params.data.columns, params.checks)
    assert run.result is None
    skipped = [o for o in run.report.outcomes if o.status == "not_run"]
    assert skipped
    assert all("declared column(s) missing: device_type" in o.detail for o in skipped)


@pytest.mark.parametrize(
    ("corrupt", "refusal"),
    [
        (_missing_column, "declared column(s) missing: device_type"),
        (
            lambda f: f.assign(amount=f["amount"].map(lambda v: f"{v:,.2f} USD")),
            "amount should be numeric but has",
        ),
        (_empty, "data file is empty"),
    ],
    ids=["a declared column missing", "numbers arriving as strings", "an empty file"],
)
def test_ingest__refuses_what_conform_can_see(
    tmp_path: pathlib.Path,
    clean: pd.DataFrame,
    params: Params,
    corrupt: Corruption,
    refusal: str,
) -> None:
    path = tmp_path / "source.csv"
    corrupt(clean.copy()).to_csv(path, index=False)
    with pytest.raises(
        FraudopsError, match="(?s)" + refusal.replace("(", r"\(").replace(")", r"\)")
    ):
        conform(read_table(str(path)), params.data.columns, str(path))


def _periods(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    parts = split_by_time(frame, "timestamp", test_start=None, test_fraction=0.2)
    return parts.train, parts.test


def test_validate_split__unseen_categories_in_the_test_period(
    clean: pd.DataFrame, params: Params
) -> None:
    train, test = _periods(clean)
    test.loc[test.sample(frac=0.05, random_state=5).index, "merchant_category"] = "bnpl_provider"
    run = run_train_test(train, test, params.data.columns, params.checks)
    assert "New Category Train Test: " in run.report.failure_message()
    assert not run.report.passed


def test_validate_split__drifted_test_period(params: Params) -> None:
    drifted = make_params(
        {
            "data.generator.rows": ROWS,
            "data.generator.drift": {
                "start": "2025-05-27",
                "amount_scale": 1.8,
                "risky_merchant_share": 0.3,
                "foreign_share": 0.3,
                "fraud_pattern": "low_amount_in_store",
            },
        }
    )
    frame = conform(generate_transactions(drifted.data.generator), params.data.columns, "drift")
    train, test = _periods(frame)
    run = run_train_test(train, test, params.data.columns, params.checks)
    assert not run.report.passed
    drift = next(o for o in run.report.failures if o.name == "Feature Drift")
    assert drift.figure is not None
    assert drift.figure > 0.2
    assert f"Feature Drift: {drift.comparison}" in run.report.failure_message()


def test_validate_split__leaked_rows_and_ids(clean: pd.DataFrame, params: Params) -> None:
    """Test rows copied into the training period: the same ids, dates and rows on both sides."""
    train, test = _periods(clean)
    leaked = pd.concat([train, test.head(200)], ignore_index=True)
    run = run_train_test(leaked, test, params.data.columns, params.checks)
    failed = {o.name for o in run.report.failures}
    assert {
        "Index Train Test Leakage",
        "Date Train Test Leakage Duplicates",
        "Date Train Test Leakage Overlap",
        "Train Test Samples Mix",
    } <= failed
