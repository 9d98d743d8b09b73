"""The feature contract and the sealed model bundle."""

from __future__ import annotations

import pathlib

import numpy as np
import pandas as pd
import pytest

from fraudops.core.contract import row_problems
from fraudops.errors import FraudopsError
from fraudops.io.bundle import CONTRACT_FILE, PIPELINE_FILE, load_bundle, verify_bundle


def test_contract__describes_the_training_data(trained_workspace: pathlib.Path) -> None:
    contract = load_bundle(trained_workspace / "models/bundle").contract
    assert contract.label == "is_fraud"
    amount = contract.feature("amount")
    assert amount.kind == "numeric"
    assert amount.minimum is not None
    assert amount.minimum > 0
    merchants = contract.feature("merchant_category").categories
    assert merchants is not None
    assert "grocery" in merchants
    assert len(contract.data_hash) == 32
    assert contract.mlflow_run_id
    assert 0 < contract.threshold <= 1


def test_bundle__checksum_detects_tampering(
    trained_workspace: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    import shutil

    copy = tmp_path / "bundle"
    shutil.copytree(trained_workspace / "models/bundle", copy)
    verify_bundle(copy)
    contract = (copy / CONTRACT_FILE).read_text()
    (copy / CONTRACT_FILE).write_text(
        contract.replace('"threshold": ', '"threshold": 0.0001 + ', 1)
        .replace("0.0001 + ", "", 1)
        .replace('"classifier": "', '"classifier": "x', 1)
    )
    with pytest.raises(FraudopsError, match="checksum"):
        verify_bundle(copy)
    (copy / CONTRACT_FILE).write_text(contract)
    (copy / PIPELINE_FILE).write_bytes((copy / PIPELINE_FILE).read_bytes() + b"\0")
    with pytest.raises(FraudopsError, match="checksum"):
        load_bundle(copy)


def test_bundle__missing_gives_clear_error(tmp_path: pathlib.Path) -> None:
    with pytest.raises(FraudopsError, match="no model bundle"):
        load_bundle(tmp_path)


def test_row_problems__names_each_fault(trained_workspace: pathlib.Path) -> None:
    bundle = load_bundle(trained_workspace / "models/bundle")
    frame = pd.read_parquet(trained_workspace / "data/processed/test.parquet").head(5)
    frame = frame.astype({"amount": object})
    frame.loc[0, "amount"] = -3.0
    frame.loc[1, "amount"] = "abc"
    frame.loc[2, "merchant_category"] = "space_travel"
    frame.loc[3, "hour_of_day"] = np.nan
    reasons = row_problems(frame, bundle.contract)
    assert reasons[0] == "amount: below 0"
    assert reasons[1] == "amount: not a number"
    assert reasons[2] == "merchant_category: unknown category"
    assert reasons[3] == "hour_of_day: missing"
    assert reasons[4] == ""
