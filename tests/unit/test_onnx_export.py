"""The ONNX export: conversion, the parity gate, and the engine chosen by a setting."""

from __future__ import annotations

import json
import pathlib
import shutil
import typing

import numpy as np
import onnx
import pandas as pd
import pytest

from fraudops.config import ExportOnnx
from fraudops.core.model_factory import build_pipeline
from fraudops.errors import FraudopsError
from fraudops.io.bundle import load_bundle
from fraudops.scoring import engine as engines
from fraudops.scoring.onnx_export import check_parity, convert_pipeline
from fraudops.stages import export_onnx as stage


def _export(ws: pathlib.Path, out: pathlib.Path) -> stage.ExportResult:
    return stage.export_onnx(
        cfg=ExportOnnx(),
        bundle_dir=ws / "models/bundle",
        test_path=ws / "data/processed/test.parquet",
        out=out / "model.onnx",
        parity_out=out / "onnx_parity.json",
    )


def test_export_onnx__passes_the_parity_gate(
    onnx_models: pathlib.Path, trained_workspace: pathlib.Path
) -> None:
    report = json.loads((onnx_models / "onnx_parity.json").read_text())
    assert report["passed"] is True
    assert report["rows"] == len(pd.read_parquet(trained_workspace / "data/processed/test.parquet"))
    assert report["max_abs_diff"] <= 1e-4
    assert report["decision_mismatches"] == 0
    model = onnx.load(onnx_models / "model.onnx")
    onnx.checker.check_model(model)
    meta = {p.key: p.value for p in model.metadata_props}
    contract = load_bundle(onnx_models / "bundle").contract
    assert meta[engines.ONNX_BUNDLE_CHECKSUM] == contract.checksum
    assert [i.name for i in model.graph.input] == contract.feature_names


def _shift_scores(model: onnx.ModelProto, by: float) -> onnx.ModelProto:
    """A broken export: every tree ensemble's base value moved by ``by`` (raw score)."""
    for node in model.graph.node:
        if node.op_type.startswith("TreeEnsemble"):
            for attribute in node.attribute:
                if attribute.name == "base_values":
                    attribute.floats[:] = [v + by for v in attribute.floats]
    return model


def test_export_onnx__parity_gate_fails_on_a_broken_export(
    trained_workspace: pathlib.Path, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(pipeline: typing.Any, contract: typing.Any) -> onnx.ModelProto:
        return _shift_scores(convert_pipeline(pipeline, contract), 0.05)

    monkeypatch.setattr(stage, "convert_pipeline", broken)
    with pytest.raises(FraudopsError, match=r"parity gate failed.*largest probability difference"):
        _export(trained_workspace, tmp_path)
    report = json.loads((tmp_path / "onnx_parity.json").read_text())
    assert report["passed"] is False
    assert report["max_abs_diff"] > 1e-4
    assert not (tmp_path / "model.onnx").exists()


def test_parity__names_decisions_that_differ() -> None:
    parity = stage.Parity(
        rows=10, max_abs_diff=1e-6, mean_abs_diff=1e-7, decision_mismatches=2, threshold=0.5
    )
    assert parity.failures(1e-4, identical_decisions=True) == [
        "2 of 10 decisions differ at threshold 0.5000"
    ]
    assert parity.failures(1e-4, identical_decisions=False) == []
    assert parity.failures(1e-7, identical_decisions=False)[0].startswith("largest probability")


def test_load_engine__finds_the_export_beside_or_inside_the_bundle(
    onnx_models: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    beside = engines.load_engine(onnx_models / "bundle", "onnx")
    assert isinstance(beside, engines.OnnxEngine)
    # A BentoML model folder made by copying the bundle folder and the export into it.
    folder = tmp_path / "bento-model"
    shutil.copytree(onnx_models / "bundle", folder)
    shutil.copy(onnx_models / "model.onnx", folder / "model.onnx")
    assert engines.load_engine(folder, "onnx").name == "onnx"
    explicit = tmp_path / "elsewhere.onnx"
    shutil.copy(onnx_models / "model.onnx", explicit)
    alone = tmp_path / "alone"
    shutil.copytree(onnx_models / "bundle", alone / "bundle")
    assert engines.load_engine(alone / "bundle", "onnx", onnx_path=explicit).name == "onnx"
    with pytest.raises(FraudopsError, match="no ONNX export"):
        engines.load_engine(alone / "bundle", "onnx")


def test_load_engine__refuses_an_export_of_another_bundle(
    onnx_models: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    bundle = load_bundle(onnx_models / "bundle")
    other = bundle.contract.model_copy(update={"checksum": "0" * 64, "bundle_version": "1"})
    path = tmp_path / "model.onnx"
    onnx.save(convert_pipeline(bundle.pipeline, other), path)
    with pytest.raises(FraudopsError, match="exported from another model bundle"):
        engines.load_engine(onnx_models / "bundle", "onnx", onnx_path=path)


@pytest.mark.parametrize(
    ("setting", "expected"),
    [("onnx", engines.OnnxEngine), ("sklearn", engines.SklearnEngine), ("", engines.SklearnEngine)],
)
def test_engine_name_from_env__selects_the_engine(
    onnx_models: pathlib.Path, monkeypatch: pytest.MonkeyPatch, setting: str, expected: type
) -> None:
    monkeypatch.setenv("FRAUDOPS_ENGINE", setting)
    engine = engines.load_engine(onnx_models / "bundle", engines.engine_name_from_env())
    assert isinstance(engine, expected)
    assert engine.name == (setting or "sklearn")


def test_engine_name_from_env__refuses_an_unknown_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRAUDOPS_ENGINE", "gpu")
    with pytest.raises(
        FraudopsError, match="FRAUDOPS_ENGINE='gpu': Input should be 'sklearn' or 'onnx'"
    ):
        engines.engine_name_from_env()


def test_engines__agree_row_for_row_and_on_empty_frames(
    onnx_models: pathlib.Path, trained_workspace: pathlib.Path
) -> None:
    test = pd.read_parquet(trained_workspace / "data/processed/test.parquet")
    fast = engines.load_engine(onnx_models / "bundle", "onnx")
    reference = engines.load_engine(onnx_models / "bundle", "sklearn")
    np.testing.assert_allclose(
        fast.predict_proba(test), reference.predict_proba(test), rtol=0, atol=1e-4
    )
    for engine in (fast, reference):
        assert engine.predict_proba(test.iloc[:0]).shape == (0,)
    # One thread per call (batch scoring runs calls in parallel): the same scores.
    for name, expected in (("onnx", fast), ("sklearn", reference)):
        single = engines.load_engine(onnx_models / "bundle", name, threads=1)  # type: ignore[arg-type]
        np.testing.assert_allclose(
            single.predict_proba(test), expected.predict_proba(test), rtol=0, atol=1e-6
        )


@pytest.mark.parametrize("classifier", ["logistic_regression", "random_forest"])
def test_convert_pipeline__other_classifiers_keep_parity(
    onnx_models: pathlib.Path, small_frame: pd.DataFrame, classifier: typing.Any
) -> None:
    contract = load_bundle(onnx_models / "bundle").contract
    params = {"n_estimators": 20, "max_depth": 8} if classifier == "random_forest" else {}
    pipeline = build_pipeline(
        classifier,
        numeric=contract.numeric,
        categorical=contract.categorical,
        params=params,
    )
    pipeline.fit(small_frame[contract.feature_names], small_frame[contract.label])
    model = convert_pipeline(pipeline, contract)
    engine = engines.OnnxEngine(
        session=engines.onnx_session(model.SerializeToString()), contract=contract
    )
    parity = check_parity(pipeline, engine, small_frame, contract)
    assert parity.failures(1e-4, identical_decisions=False) == []
