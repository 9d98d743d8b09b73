"""The registry flow against a real `mlflow server` on 127.0.0.1: a bundle becomes a tagged
model version, aliases say which version runs where, registering again mints nothing."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import pandas as pd
import pytest

from fraudops.io.bundle import load_bundle
from fraudops.io.check_reports import CheckRow
from fraudops.io.mlflow_store import use_tracking
from fraudops.io.registry import aliases, register_bundle, set_alias
from tests.helpers import copy_mlflow_store, free_port, start_server, stop_process

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def mlflow_server(trained_workspace: pathlib.Path, tmp_path_factory: pytest.TempPathFactory):
    """A tracking server over a copy of the workspace's store (its training run included),
    shared by this module's tests (each registers under its own model name)."""
    tmp_path = tmp_path_factory.mktemp("mlflow-server")
    backend = copy_mlflow_store(trained_workspace, tmp_path / "store")
    port = free_port()
    bin_dir = str(pathlib.Path(sys.executable).parent)
    server = start_server(
        [
            sys.executable,
            "-m",
            "mlflow",
            "server",
            "--backend-store-uri",
            backend,
            "--default-artifact-root",
            str(tmp_path / "artifacts"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        f"http://127.0.0.1:{port}/health",
        log=tmp_path / "mlflow-server.log",
        env={"PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"},
        timeout=120,
        cwd=tmp_path,
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process(server)


def _second_run(uri: str, workspace: pathlib.Path) -> str:
    """Log the bundle's pipeline again as a new training run (a retrained model)."""
    import mlflow

    from fraudops.io import tracking

    bundle = load_bundle(workspace / "models/bundle")
    example = pd.read_parquet(workspace / "data/processed/test.parquet").head(5)
    with (
        use_tracking(uri),
        mlflow.start_run(
            experiment_id=mlflow.get_run(bundle.contract.mlflow_run_id).info.experiment_id
        ) as run,
    ):
        tracking.log_training(
            params={"retrain": 1},
            metrics={"x": 1.0},
            pipeline=bundle.pipeline,
            example=example[bundle.contract.feature_names],
            artifacts={},
        )
        return run.info.run_id


def test_register__tags_aliases_and_new_versions(
    mlflow_server: str, trained_workspace: pathlib.Path
) -> None:
    import mlflow

    bundle = load_bundle(trained_workspace / "models/bundle")
    contract = bundle.contract.model_copy(update={"model_name": "card-fraud-registry-test"})
    report = json.loads((trained_workspace / "metrics.json").read_text())
    checks = [CheckRow(suite="data_integrity", name="Mixed Nulls", status="PASS", value=0)]

    first = register_bundle(
        contract=contract,
        metrics=report["model"],
        checks=checks,
        tracking_uri=mlflow_server,
        alias="staging",
    )
    assert (first.version, first.created) == ("1", True)
    client = mlflow.MlflowClient(tracking_uri=mlflow_server)
    version = client.get_model_version_by_alias(contract.model_name, "staging")
    assert version.version == "1"
    assert version.run_id == contract.mlflow_run_id
    assert version.tags["git_commit"] == contract.git_commit
    assert version.tags["data_hash"] == contract.data_hash
    assert version.tags["params_hash"] == contract.params_hash
    assert version.tags["bundle_checksum"] == contract.checksum
    tagged = json.loads(version.tags["metrics"])
    assert tagged["average_precision"] == pytest.approx(
        report["model"]["average_precision"], abs=1e-6
    )
    assert version.tags["deepchecks"] == "data_integrity: 1 passed, 0 warned, 0 failed"

    # the registered version is the trained model: it scores like the bundle does
    frame = pd.read_parquet(trained_workspace / "data/processed/test.parquet")
    rows = frame[contract.feature_names].head(20)
    with use_tracking(mlflow_server):
        served = mlflow.pyfunc.load_model(f"models:/{contract.model_name}@staging").predict(rows)
    assert served[:, 1] == pytest.approx(bundle.pipeline.predict_proba(rows)[:, 1])

    again = register_bundle(
        contract=contract, metrics=report["model"], checks=None, tracking_uri=mlflow_server
    )
    assert (again.version, again.created) == ("1", False)
    assert client.get_model_version(contract.model_name, "1").tags["deepchecks"] == "not available"

    set_alias(name=contract.model_name, version="1", alias="production", tracking_uri=mlflow_server)
    retrained = contract.model_copy(
        update={"mlflow_run_id": _second_run(mlflow_server, trained_workspace)}
    )
    second = register_bundle(
        contract=retrained,
        metrics=report["model"],
        checks=checks,
        tracking_uri=mlflow_server,
        alias="staging",
    )
    assert (second.version, second.created) == ("2", True)
    assert aliases(name=contract.model_name, tracking_uri=mlflow_server) == {
        "staging": "2",
        "production": "1",
    }
    # aliases, not the deprecated stages
    assert all(
        v.current_stage == "None"
        for v in client.search_model_versions(f"name = '{contract.model_name}'")
    )


def test_register_cli__prints_the_version_and_set_alias_reads_the_record(
    mlflow_server: str, trained_workspace: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    from fraudops.gitops.promote import promote
    from fraudops.gitops.release import release_from_workspace
    from tests.gitops_support import NOW, copy_deploy

    env = {**os.environ, "MLFLOW_TRACKING_URI": mlflow_server}
    ws = trained_workspace
    args = ["--bundle", str(ws / "models/bundle"), "--metrics", str(ws / "metrics.json")]
    out = subprocess.run(
        [sys.executable, "-m", "fraudops", "register", "--alias", "staging", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    version = out.stdout.strip()
    assert version.isdigit()

    deploy = copy_deploy(tmp_path)
    release = release_from_workspace(
        bundle_dir=ws / "models/bundle",
        metrics_path=ws / "metrics.json",
        reports_dir=tmp_path / "reports",
        image="ghcr.io/acme/fraudops@sha256:" + "a" * 64,
        model_version=version,
    )
    promote(deploy=deploy, environment="production", release=release, tolerances={}, now=NOW)
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "fraudops",
            "set-alias",
            "--alias",
            "production",
            "--env",
            "production",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert aliases(name=release.model_name, tracking_uri=mlflow_server)["production"] == version

    missing = subprocess.run(
        [
            sys.executable,
            "-m",
            "fraudops",
            "set-alias",
            "--alias",
            "production",
            "--version",
            "99",
            "--name",
            release.model_name,
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode == 1
    assert missing.stderr.startswith("error: MLflow registry")
    assert "Traceback" not in missing.stderr
