"""evaluate: test-period metrics beside a simple baseline, and the curves DVC plots."""

from __future__ import annotations

import dataclasses
import logging
import pathlib
import typing

import numpy as np
import pandas as pd

from fraudops.config import Params
from fraudops.core import metrics as m
from fraudops.core.model_factory import baseline_pipeline
from fraudops.core.split import fit_validation_split
from fraudops.core.threshold import choose_threshold
from fraudops.io import tracking
from fraudops.io.bundle import load_bundle
from fraudops.io.datasets import read_parquet
from fraudops.io.files import atomic_path, write_json

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class EvaluateResult:
    model: dict[str, float]
    baseline: dict[str, float]


def _baseline_scores(
    params: Params, train_path: pathlib.Path, test: pd.DataFrame
) -> tuple[np.ndarray, float]:
    columns = params.data.columns
    data = fit_validation_split(
        read_parquet(train_path), columns.timestamp, params.split.validation_fraction
    )
    baseline = baseline_pipeline(columns.numeric, seed=params.train.seed)
    baseline.fit(data.fit[columns.numeric], data.fit[columns.label])
    val_scores = baseline.predict_proba(data.validation[columns.numeric])[:, 1]
    choice = choose_threshold(
        data.validation[columns.label].to_numpy(), val_scores, params.threshold
    )
    return baseline.predict_proba(test[columns.numeric])[:, 1], choice.threshold


def _write_csv(frame: pd.DataFrame, path: pathlib.Path) -> None:
    with atomic_path(path) as temp:
        frame.to_csv(temp, index=False, float_format="%.6g")


def evaluate(
    *,
    params: Params,
    bundle_dir: pathlib.Path,
    train_path: pathlib.Path,
    test_path: pathlib.Path,
    metrics_out: pathlib.Path,
    plots_dir: pathlib.Path,
) -> EvaluateResult:
    bundle = load_bundle(bundle_dir)
    contract = bundle.contract
    test = read_parquet(test_path)
    y = test[contract.label].to_numpy()
    scores = bundle.pipeline.predict_proba(test[contract.feature_names])[:, 1]
    costs = params.threshold
    model = m.classification_metrics(y, scores, contract.threshold, costs)
    base_scores, base_threshold = _baseline_scores(params, train_path, test)
    baseline = m.classification_metrics(y, base_scores, base_threshold, costs)
    lift = {k: model[k] - baseline[k] for k in ("roc_auc", "average_precision", "recall", "f1")}
    lift["cost_saving"] = baseline["expected_cost"] - model["expected_cost"]
    report: dict[str, typing.Any] = {
        "model": model,
        "baseline": baseline,
        "lift": lift,
        "threshold": contract.threshold,
        "baseline_threshold": base_threshold,
        "test_rows": len(test),
        "test_fraud_rate": float(y.mean()),
        "bundle_version": contract.bundle_version,
    }
    ev = params.evaluate
    _write_csv(m.roc_points(y, scores, ev.curve_points), plots_dir / "roc.csv")
    _write_csv(m.pr_points(y, scores, ev.curve_points), plots_dir / "precision_recall.csv")
    _write_csv(m.calibration_points(y, scores, ev.calibration_bins), plots_dir / "calibration.csv")
    _write_csv(m.cost_points(y, scores, costs, ev.curve_points), plots_dir / "cost.csv")
    decision = (scores >= contract.threshold).astype(int)
    _write_csv(pd.DataFrame({"actual": y, "predicted": decision}), plots_dir / "confusion.csv")
    write_json(metrics_out, report)
    tracking.log_test_metrics(contract.mlflow_run_id, model)
    log.info("test: %s", {k: round(v, 4) for k, v in model.items()})
    log.info("baseline: %s", {k: round(v, 4) for k, v in baseline.items()})
    return EvaluateResult(model=model, baseline=baseline)
