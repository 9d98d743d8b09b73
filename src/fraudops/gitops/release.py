"""What a staging promotion ships: the bundle's contract, its test metrics and checks, the
image built from it and the registry version, gathered into one ``Release``."""

from __future__ import annotations

import json
import pathlib
import typing

from fraudops.errors import FraudopsError
from fraudops.gitops.record import ImageRef, Release
from fraudops.io.check_reports import CheckRow, read_check_reports

if typing.TYPE_CHECKING:  # the bundle modules import scikit-learn: only when a bundle is read
    from fraudops.core.contract import Contract


def build_release(
    *,
    contract: Contract,
    report: dict[str, typing.Any],
    checks: list[CheckRow] | None,
    image: ImageRef,
    model_version: str,
) -> Release:
    if str(report.get("bundle_version")) != contract.bundle_version:
        raise FraudopsError(
            f"metrics.json is for bundle {report.get('bundle_version')} but the bundle is "
            f"{contract.bundle_version}: run `dvc repro` (or `dvc pull`) so they match"
        )
    if not model_version.isdigit() or int(model_version) < 1:
        raise FraudopsError(
            f"--model-version must be a registry version number, not {model_version!r}"
        )
    return Release(
        model_name=contract.model_name,
        model_version=str(int(model_version)),
        bundle_version=contract.bundle_version,
        bundle_checksum=contract.checksum,
        image=image.name,
        digest=image.digest,
        classifier=contract.classifier,
        features=contract.feature_names,
        threshold=contract.threshold,
        threshold_objective=contract.threshold_objective,
        costs=contract.costs,
        metrics=report["model"],
        baseline=report.get("baseline", {}),
        test_rows=int(report.get("test_rows", 0)),
        test_fraud_rate=float(report.get("test_fraud_rate", 0.0)),
        checks=checks,
        git_commit=contract.git_commit,
        mlflow_run_id=contract.mlflow_run_id,
        data_hash=contract.data_hash,
        params_hash=contract.params_hash,
        trained_at=contract.created_at,
    )


def read_metrics(path: pathlib.Path) -> dict[str, typing.Any]:
    """The evaluate stage's report; its ``model`` section holds the test metrics."""
    if not path.is_file():
        raise FraudopsError(f"missing {path}: run `dvc repro` (or `dvc pull`) first")
    report = json.loads(path.read_text())
    if not isinstance(report, dict) or not isinstance(report.get("model"), dict):
        raise FraudopsError(f"{path} has no `model` metrics section")
    return report


def release_from_workspace(
    *,
    bundle_dir: pathlib.Path,
    metrics_path: pathlib.Path,
    reports_dir: pathlib.Path,
    image: str,
    model_version: str,
) -> Release:
    from fraudops.io.bundle import verify_bundle

    return build_release(
        contract=verify_bundle(bundle_dir),
        report=read_metrics(metrics_path),
        checks=read_check_reports(reports_dir),
        image=ImageRef.parse(image),
        model_version=model_version,
    )
