"""The data contract validate_data checks before Deepchecks, on small in-memory frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fraudops.checks.declared_columns import check_contract
from fraudops.config import CheckRule, Params


@pytest.fixture
def frame(small_frame: pd.DataFrame) -> pd.DataFrame:
    return small_frame.head(2000).copy()


def _statuses(frame: pd.DataFrame, params: Params) -> dict[str, str]:
    result = check_contract(frame, params.data.columns, params.checks.data_integrity)
    return {o.key: o.status for o in result.outcomes}


def test_contract__clean_data_passes(frame: pd.DataFrame, small_params: Params) -> None:
    result = check_contract(frame, small_params.data.columns, small_params.checks.data_integrity)
    assert {o.status for o in result.outcomes} == {"pass"}
    assert result.unusable == ""
    assert len(result.outcomes) == 7


def test_contract__missing_column_is_named_and_unusable(
    frame: pd.DataFrame, small_params: Params
) -> None:
    result = check_contract(
        frame.drop(columns=["device_type"]),
        small_params.data.columns,
        small_params.checks.data_integrity,
    )
    missing = next(o for o in result.outcomes if o.key == "declared_columns")
    assert missing.status == "fail"
    assert "device_type" in missing.detail
    assert "device_type" in result.unusable


def test_contract__numbers_as_strings(frame: pd.DataFrame, small_params: Params) -> None:
    frame["amount"] = frame["amount"].astype(str)
    result = check_contract(frame, small_params.data.columns, small_params.checks.data_integrity)
    types = next(o for o in result.outcomes if o.key == "declared_types")
    assert types.status == "fail"
    assert "amount is object, declared numeric" in types.detail


def test_contract__label_not_binary(frame: pd.DataFrame, small_params: Params) -> None:
    frame.loc[frame.index[:3], "is_fraud"] = 2
    statuses = _statuses(frame, small_params)
    assert statuses["label_binary"] == "fail"


def test_contract__negative_and_infinite_numbers(frame: pd.DataFrame, small_params: Params) -> None:
    frame["amount"] = frame["amount"].astype(float)
    frame.loc[frame.index[:10], "amount"] = -5.0
    frame.loc[frame.index[10:20], "distance_from_home_km"] = np.inf
    result = check_contract(frame, small_params.data.columns, small_params.checks.data_integrity)
    impossible = next(o for o in result.outcomes if o.key == "impossible_values")
    assert impossible.status == "fail"
    assert impossible.figure == pytest.approx(20 / len(frame))
    assert "amount: 10 row(s)" in impossible.detail
    assert "distance_from_home_km: 10 row(s)" in impossible.detail


def test_contract__conflicting_labels_counted_exactly(
    frame: pd.DataFrame, small_params: Params
) -> None:
    copies = frame.head(50).copy()
    copies["is_fraud"] = 1 - copies["is_fraud"]
    copies["transaction_id"] = copies["transaction_id"] + "-copy"
    result = check_contract(
        pd.concat([frame, copies], ignore_index=True),
        small_params.data.columns,
        small_params.checks.data_integrity,
    )
    conflicts = next(o for o in result.outcomes if o.key == "conflicting_labels")
    assert conflicts.status == "fail"
    assert conflicts.figure == pytest.approx(100 / (len(frame) + 50))


def test_contract__warn_and_off_rules(frame: pd.DataFrame, small_params: Params) -> None:
    rules = small_params.checks.data_integrity.model_copy(
        update={
            "impossible_values": CheckRule(gate="warn", threshold=0.0),
            "label_classes": CheckRule(gate="off"),
        }
    )
    frame["amount"] = -frame["amount"]
    result = check_contract(frame.assign(is_fraud=0), small_params.data.columns, rules)
    statuses = {o.key: o.status for o in result.outcomes}
    assert statuses["impossible_values"] == "warn"
    assert "label_classes" not in statuses


def test_contract__empty_frame(frame: pd.DataFrame, small_params: Params) -> None:
    result = check_contract(
        frame.head(0), small_params.data.columns, small_params.checks.data_integrity
    )
    statuses = {o.key: o.status for o in result.outcomes}
    assert statuses["data_not_empty"] == "fail"
    assert result.unusable.startswith("the data has no rows")
