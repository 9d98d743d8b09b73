"""Batch scoring through the CLI: shards scored by separate processes, then merged."""

from __future__ import annotations

import pathlib

import pandas as pd
import pytest

from tests.helpers import run_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def test_period(trained_workspace: pathlib.Path) -> pd.DataFrame:
    return pd.read_parquet(trained_workspace / "data/processed/test.parquet")


def test_cli__sharded_scoring_then_merge(
    onnx_models: pathlib.Path, test_period: pd.DataFrame, tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "in.parquet"
    test_period.head(300).to_parquet(path)
    out = tmp_path / "out"
    for shard in ("0/2", "1/2"):
        result = run_cli(
            "score-batch", str(path), "--out", str(out), "--bundle", str(onnx_models / "bundle"),
            "--engine", "onnx", "--shard", shard, "--chunk-rows", "64", "--no-progress",
            cwd=tmp_path,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert "rows/second" in result.stdout
    merged = run_cli("score-merge", str(out), cwd=tmp_path)
    assert merged.returncode == 0, merged.stderr
    assert "2 shard(s) merged" in merged.stdout
    assert "300" in merged.stdout
    bad = run_cli("score-batch", str(path), "--out", str(out), "--engine", "gpu", cwd=tmp_path)
    assert bad.returncode == 1
    assert "error: --engine='gpu': choose sklearn or onnx" in bad.stderr
