"""Batch scoring: chunked and sharded runs equal one-shot scoring, rejects carry reasons."""

from __future__ import annotations

import pathlib
import typing
import uuid

import numpy as np
import pandas as pd
import pytest

from fraudops.core.contract import row_problems
from fraudops.errors import FraudopsError
from fraudops.scoring.batch import score_batch
from fraudops.scoring.chunks import Shard
from fraudops.scoring.engine import Engine, load_engine
from fraudops.scoring.rows import reject_reasons
from fraudops.scoring.summary import merge_folder

ID = "transaction_id"
# position in the test period -> (column, bad value, the reason it must be rejected for)
FAULTS = {
    3: ("amount", -3.0, "amount: below 0"),
    10: ("hour_of_day", np.nan, "hour_of_day: missing"),
    11: ("merchant_category", "space_travel", "merchant_category: unknown category"),
    12: ("channel", None, "channel: missing"),
    400: ("distance_from_home_km", np.inf, "distance_from_home_km: not finite"),
    401: (ID, None, f"{ID}: missing"),
}


@pytest.fixture(scope="module")
def test_period(trained_workspace: pathlib.Path) -> pd.DataFrame:
    return pd.read_parquet(trained_workspace / "data/processed/test.parquet")


def _with_faults(frame: pd.DataFrame) -> pd.DataFrame:
    faulty = frame.copy()
    for row, (column, value, _) in FAULTS.items():
        faulty.loc[row, column] = value
    return faulty


def _parquet_folder(frame: pd.DataFrame, folder: pathlib.Path) -> str:
    folder.mkdir()
    half = len(frame) // 2
    frame.iloc[:half].to_parquet(folder / "a.parquet", index=False, row_group_size=150)
    frame.iloc[half:].to_parquet(folder / "b.parquet", index=False, row_group_size=150)
    return str(folder)


def _scores(out: pathlib.Path) -> pd.DataFrame:
    return pd.read_parquet(out).sort_values(ID).reset_index(drop=True)


@pytest.mark.parametrize(("engine_name", "workers"), [("sklearn", 1), ("sklearn", 3), ("onnx", 3)])
def test_score_batch__chunked_and_sharded_equal_one_shot(
    onnx_models: pathlib.Path,
    test_period: pd.DataFrame,
    tmp_path: pathlib.Path,
    engine_name: typing.Any,
    workers: int,
) -> None:
    threads = 1 if workers > 1 else None
    engine: Engine = load_engine(onnx_models / "bundle", engine_name, threads=threads)
    source = _parquet_folder(_with_faults(test_period), tmp_path / "in")
    out = tmp_path / "out"
    for index in range(3):
        summary = score_batch(
            source=source,
            out=str(out),
            engine=engine,
            shard=Shard(index, 3),
            chunk_rows=128,
            workers=workers,
        )
        assert summary.rows_in == summary.scored + summary.rejected
    merged = merge_folder(str(out))
    assert merged.rows_in == len(test_period)
    assert merged.rejected == len(FAULTS)
    assert merged.reasons == {reason: 1 for _, _, reason in FAULTS.values()}

    clean = test_period.drop(index=list(FAULTS))
    one_shot = engine.predict_proba(clean)
    scored = _scores(out)
    expected = clean.assign(score=one_shot).sort_values(ID).reset_index(drop=True)
    assert scored[ID].tolist() == expected[ID].tolist()  # every valid row exactly once
    np.testing.assert_array_equal(scored["score"].to_numpy(), expected["score"].to_numpy())
    threshold = engine.contract.threshold
    assert scored["decision"].tolist() == (expected["score"] >= threshold).tolist()
    assert set(scored["bundle_version"]) == {engine.contract.bundle_version}

    rejects = pd.read_parquet(out / "_rejects")
    assert sorted(rejects["row"]) == sorted(FAULTS)


def test_reject_reasons__same_verdict_and_words_as_the_contract(
    onnx_models: pathlib.Path, test_period: pd.DataFrame
) -> None:
    """The fast first pass never lets a faulty row through and never rewords a reason."""
    contract = load_engine(onnx_models / "bundle").contract
    rng = np.random.default_rng(7)
    frame = test_period.head(400).astype(object)
    bad_values = [None, np.nan, -1, "x", "", np.inf, "12", 3, "grocery", "7.5", True]
    for column in [ID, *contract.feature_names]:
        rows = rng.choice(len(frame), size=25, replace=False)
        frame.loc[rows, column] = rng.choice(np.array(bad_values, dtype=object), size=25)
    expected = row_problems(frame, contract)
    no_id = frame[ID].isna()
    expected[no_id] = [f"{ID}: missing" + ("; " + r if r else "") for r in expected[no_id]]
    expected = expected[expected != ""]
    found = reject_reasons(frame, contract)
    assert len(expected) > 100
    assert found.sort_index().to_dict() == expected.to_dict()


def test_score_batch__rejects_carry_reasons_and_original_text(
    onnx_models: pathlib.Path, test_period: pd.DataFrame, tmp_path: pathlib.Path
) -> None:
    frame = test_period.head(60).astype({"amount": object, "card_age_days": object})
    frame.loc[0, "amount"] = "12,50"
    frame.loc[1, "card_age_days"] = "-4"
    frame.loc[2, "country"] = "XX"
    frame.loc[2, "amount"] = None
    frame.loc[5, "device_type"] = None
    frame = frame.drop(columns=["is_fraud", "timestamp"])
    path = tmp_path / "in.csv"
    frame.to_csv(path, index=False)
    out = tmp_path / "out"
    summary = score_batch(
        source=str(path), out=str(out), engine=load_engine(onnx_models / "bundle"), chunk_rows=7
    )
    assert (summary.rows_in, summary.scored, summary.rejected) == (60, 56, 4)
    rejects = pd.read_parquet(out / "_rejects").set_index("row")
    assert rejects.loc[0, "reason"] == "amount: not a number"
    assert rejects.loc[0, "amount"] == "12,50"
    assert rejects.loc[1, "reason"] == "card_age_days: below 0"
    assert rejects.loc[1, "card_age_days"] == "-4"
    assert rejects.loc[2, "reason"] == "amount: missing; country: unknown category"
    assert rejects.loc[2, "country"] == "XX"
    assert pd.isna(rejects.loc[2, "amount"])
    assert rejects.loc[5, "reason"] == "device_type: missing"
    assert rejects.loc[0, ID] == frame.loc[0, ID]
    assert summary.reasons["amount: missing"] == 1
    assert (out / "_summary.json").is_file()


def test_score_batch__missing_column_stops_before_any_work(
    onnx_models: pathlib.Path, test_period: pd.DataFrame, tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "in.parquet"
    test_period.drop(columns=["country"]).head(20).to_parquet(path)
    with pytest.raises(FraudopsError, match="missing: country"):
        score_batch(
            source=str(path), out=str(tmp_path / "out"), engine=load_engine(onnx_models / "bundle")
        )
    assert not (tmp_path / "out").exists()


def test_score_batch__refuses_a_folder_of_another_sharded_run(
    onnx_models: pathlib.Path, test_period: pd.DataFrame, tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "in.parquet"
    test_period.head(50).to_parquet(path)
    engine = load_engine(onnx_models / "bundle")
    score_batch(source=str(path), out=str(tmp_path / "out"), engine=engine, shard=Shard(0, 2))
    with pytest.raises(FraudopsError, match="another shard count"):
        score_batch(source=str(path), out=str(tmp_path / "out"), engine=engine)


def test_score_merge__refuses_missing_shards(
    onnx_models: pathlib.Path, test_period: pd.DataFrame, tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "in.parquet"
    test_period.head(90).to_parquet(path)
    engine = load_engine(onnx_models / "bundle")
    out = str(tmp_path / "out")
    for index in (0, 2):
        score_batch(source=str(path), out=out, engine=engine, shard=Shard(index, 3), chunk_rows=10)
    with pytest.raises(FraudopsError, match=r"missing \[1\]"):
        merge_folder(out)
    score_batch(source=str(path), out=out, engine=engine, shard=Shard(1, 3), chunk_rows=10)
    assert merge_folder(out).rows_in == 90


def test_score_batch__reads_and_writes_fsspec_uris(
    onnx_models: pathlib.Path, test_period: pd.DataFrame
) -> None:
    import fsspec

    # fsspec's memory filesystem lives as long as the process: a folder of this test's own,
    # removed afterwards.
    memory = fsspec.filesystem("memory")
    root = f"memory://batch-test-{uuid.uuid4().hex}"
    try:
        with fsspec.open(f"{root}/in/data.parquet", "wb") as handle:
            test_period.head(40).to_parquet(handle, index=False)
        summary = score_batch(
            source=f"{root}/in",
            out=f"{root}/out",
            engine=load_engine(onnx_models / "bundle", "onnx"),
            chunk_rows=16,
        )
        assert summary.scored == 40
        with fsspec.open(f"{root}/out/part-00000-of-00001.parquet", "rb") as handle:
            assert len(pd.read_parquet(handle)) == 40
    finally:
        memory.rm(root, recursive=True)
