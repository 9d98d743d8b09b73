"""Bad source data stops with one clear message naming the problem."""

from __future__ import annotations

import pathlib

import pandas as pd
import pytest

from fraudops.config import Params
from fraudops.errors import FraudopsError
from fraudops.io.datasets import conform, read_table


def test_read_table__csv_and_parquet_round_trip(
    tmp_path: pathlib.Path, small_frame: pd.DataFrame, small_params: Params
) -> None:
    cols = small_params.data.columns
    small_frame.to_csv(tmp_path / "t.csv", index=False)
    small_frame.to_parquet(tmp_path / "t.parquet", index=False)
    from_csv = conform(read_table(str(tmp_path / "t.csv")), cols, "t.csv")
    from_parquet = conform(read_table(str(tmp_path / "t.parquet")), cols, "t.parquet")
    pd.testing.assert_frame_equal(from_csv, from_parquet, check_dtype=False)


def test_read_table__missing_file() -> None:
    with pytest.raises(FraudopsError, match="data file not found"):
        read_table("/nonexistent/x.csv")


def test_read_table__empty_file(tmp_path: pathlib.Path) -> None:
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(FraudopsError, match="empty"):
        read_table(str(tmp_path / "empty.csv"))


def test_conform__header_only_is_empty(
    tmp_path: pathlib.Path, small_frame: pd.DataFrame, small_params: Params
) -> None:
    small_frame.head(0).to_csv(tmp_path / "h.csv", index=False)
    with pytest.raises(FraudopsError, match="empty"):
        conform(read_table(str(tmp_path / "h.csv")), small_params.data.columns, "h.csv")


def test_conform__missing_column_is_named(small_frame: pd.DataFrame, small_params: Params) -> None:
    with pytest.raises(FraudopsError, match="missing: amount"):
        conform(small_frame.drop(columns=["amount"]), small_params.data.columns, "src")


def test_conform__wrong_type_is_named(small_frame: pd.DataFrame, small_params: Params) -> None:
    bad = small_frame.astype({"amount": str})
    bad.loc[3, "amount"] = "twelve dollars"
    with pytest.raises(FraudopsError, match=r"amount should be numeric.*twelve dollars"):
        conform(bad, small_params.data.columns, "src")


def test_conform__numbers_as_strings_are_accepted(
    small_frame: pd.DataFrame, small_params: Params
) -> None:
    out = conform(small_frame.astype({"amount": str}), small_params.data.columns, "src")
    assert pd.api.types.is_float_dtype(out["amount"])


def test_conform__non_binary_label(small_frame: pd.DataFrame, small_params: Params) -> None:
    bad = small_frame.copy()
    bad.loc[0, "is_fraud"] = 3
    with pytest.raises(FraudopsError, match="is_fraud"):
        conform(bad, small_params.data.columns, "src")


def test_atomic_path__gives_the_usual_file_mode(tmp_path: pathlib.Path) -> None:
    import os

    from fraudops.io.files import atomic_path

    with atomic_path(tmp_path / "out.txt") as temp:
        temp.write_text("x")
    mask = os.umask(0)
    os.umask(mask)
    assert (tmp_path / "out.txt").stat().st_mode & 0o777 == 0o666 & ~mask
