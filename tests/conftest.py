"""Fixtures shared by every tier: telemetry off, MLflow in tmp_path, small data."""

from __future__ import annotations

import pathlib

import pandas as pd
import pytest

from fraudops.config import Params
from fraudops.core.generator import generate_transactions
from tests.helpers import make_params


@pytest.fixture(autouse=True)
def _no_telemetry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISABLE_DEEPCHECKS_ANONYMOUS_TELEMETRY", "1")
    monkeypatch.setenv("DVC_NO_ANALYTICS", "1")
    monkeypatch.setenv("DO_NOT_TRACK", "1")
    monkeypatch.setenv("BENTOML_DO_NOT_TRACK", "True")


@pytest.fixture(scope="session")
def small_params() -> Params:
    return make_params()


@pytest.fixture(scope="session")
def small_frame(small_params: Params) -> pd.DataFrame:
    return generate_transactions(small_params.data.generator)


@pytest.fixture(scope="session")
def trained_workspace(
    tmp_path_factory: pytest.TempPathFactory, small_params: Params
) -> pathlib.Path:
    """ingest, split, train and evaluate once on small data; tests read the outputs."""
    import os

    from fraudops.stages.evaluate import evaluate
    from fraudops.stages.ingest import ingest
    from fraudops.stages.split import split
    from fraudops.stages.train import train

    root = tmp_path_factory.mktemp("workspace")
    previous = os.environ.get("MLFLOW_TRACKING_URI")
    os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{root / 'mlflow.db'}"
    try:
        p = small_params
        ingest(data=p.data, out=root / "data/raw/transactions.parquet")
        split(
            cfg=p.split,
            columns=p.data.columns,
            raw=root / "data/raw/transactions.parquet",
            train_out=root / "data/processed/train.parquet",
            test_out=root / "data/processed/test.parquet",
        )
        train(
            params=p,
            train_path=root / "data/processed/train.parquet",
            bundle_dir=root / "models/bundle",
            tuning_out=root / "models/tuning.json",
        )
        evaluate(
            params=p,
            bundle_dir=root / "models/bundle",
            train_path=root / "data/processed/train.parquet",
            test_path=root / "data/processed/test.parquet",
            metrics_out=root / "metrics.json",
            plots_dir=root / "plots",
        )
    finally:
        if previous is None:
            os.environ.pop("MLFLOW_TRACKING_URI", None)
        else:
            os.environ["MLFLOW_TRACKING_URI"] = previous
    return root


@pytest.fixture(scope="session")
def onnx_models(
    trained_workspace: pathlib.Path, tmp_path_factory: pytest.TempPathFactory
) -> pathlib.Path:
    """A ``models/`` folder: a copy of the trained bundle with its ONNX export beside it."""
    import shutil

    from fraudops.config import ExportOnnx
    from fraudops.stages.export_onnx import export_onnx

    models = tmp_path_factory.mktemp("models")
    shutil.copytree(trained_workspace / "models/bundle", models / "bundle")
    export_onnx(
        cfg=ExportOnnx(),
        bundle_dir=models / "bundle",
        test_path=trained_workspace / "data/processed/test.parquet",
        out=models / "model.onnx",
        parity_out=models / "onnx_parity.json",
    )
    return models
