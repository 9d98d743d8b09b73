"""Shared by the GitOps tests: a fixed release, a copy of deploy/, a throwaway git repo."""

from __future__ import annotations

import datetime as dt
import pathlib
import shutil
import subprocess
import typing

from fraudops.gitops.record import Release
from fraudops.io.check_reports import CheckRow
from tests.helpers import REPO

NOW = dt.datetime(2026, 3, 1, 12, 0, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 3, 2, 9, 30, 0, tzinfo=dt.UTC)
DIGEST_A = "sha256:" + "a" * 64
DIGEST_B = "sha256:" + "b" * 64
TOLERANCES = {"average_precision": 0.02, "roc_auc": 0.01, "expected_cost": 0.05}
METRICS = {
    "average_precision": 0.48,
    "expected_cost": 0.79,
    "f1": 0.23,
    "flag_rate": 0.09,
    "precision": 0.13,
    "recall": 0.85,
    "roc_auc": 0.95,
}


def make_release(**changes: typing.Any) -> Release:
    release = Release(
        model_name="card-fraud",
        model_version="3",
        bundle_version="20260301110000",
        bundle_checksum="c" * 64,
        image="ghcr.io/acme/fraudops",
        digest=DIGEST_A,
        classifier="hist_gradient_boosting",
        features=["amount", "card_age_days", "merchant_category", "country"],
        threshold=0.5460,
        threshold_objective="min_cost",
        costs={"missed_fraud": 200.0, "false_alarm": 5.0},
        metrics=METRICS,
        baseline={**METRICS, "average_precision": 0.24, "roc_auc": 0.90, "expected_cost": 1.09},
        test_rows=20001,
        test_fraud_rate=0.0137,
        checks=[
            CheckRow(suite="data_integrity", name="Mixed Nulls", status="PASS", value=0),
            CheckRow(
                suite="model_evaluation",
                name="ROC Report",
                status="WARN",
                value=0.93,
                threshold=0.95,
            ),
        ],
        git_commit="1234567890abcdef1234567890abcdef12345678",
        mlflow_run_id="0123456789abcdef0123456789abcdef",
        data_hash="d" * 32,
        params_hash="e" * 64,
        trained_at="2026-03-01T11:00:00+00:00",
    )
    return release.model_copy(update=changes)


def worse_by(release: Release, metric: str, amount: float) -> dict[str, float]:
    sign = 1 if metric == "expected_cost" else -1
    return {**release.metrics, metric: release.metrics[metric] + sign * amount}


def copy_deploy(target: pathlib.Path) -> pathlib.Path:
    """The shipped deploy/ tree (without deploy/argo, generated elsewhere) under ``target``."""
    deploy = target / "deploy"
    shutil.copytree(REPO / "deploy", deploy, ignore=shutil.ignore_patterns("argo"))
    return deploy


def git(root: pathlib.Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout.strip()


def git_repo(root: pathlib.Path) -> pathlib.Path:
    """A fresh repository holding a copy of deploy/, one commit in."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "config", "user.name", "Test Person")
    git(root, "config", "user.email", "test@example.com")
    git(root, "config", "commit.gpgsign", "false")
    copy_deploy(root)
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "-m", "initial")
    return root


def snapshot(folder: pathlib.Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }
