"""Training logs to a real ``mlflow server`` on 127.0.0.1 (sqlite, and PostgreSQL when its
server binaries are installed), and the run reads back."""

from __future__ import annotations

import contextlib
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import typing

import pytest

from fraudops.config import Params
from fraudops.io.bundle import load_bundle
from fraudops.io.mlflow_store import use_tracking
from fraudops.stages.train import train
from tests.helpers import free_port, start_server, stop_process

pytestmark = pytest.mark.slow

PG_BIN = (
    next(iter(sorted(pathlib.Path("/usr/lib/postgresql").glob("*/bin"))), None)
    if pathlib.Path("/usr/lib/postgresql").exists()
    else None
)


@contextlib.contextmanager
def mlflow_server(backend_uri: str, tmp_path: pathlib.Path) -> typing.Iterator[str]:
    port = free_port()
    bin_dir = pathlib.Path(sys.executable).parent
    command = [
        str(bin_dir / "mlflow"),
        "server",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--backend-store-uri",
        backend_uri,
        "--artifacts-destination",
        str(tmp_path / "artifacts"),
        "--workers",
        "1",
    ]
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    process = start_server(
        command,
        f"http://127.0.0.1:{port}/health",
        log=tmp_path / "mlflow-server.log",
        env=env,
        timeout=120,
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process(process)


@contextlib.contextmanager
def postgres(tmp_path: pathlib.Path) -> typing.Iterator[str]:
    """A throwaway PostgreSQL cluster on a free loopback port, run as the postgres user."""
    assert PG_BIN is not None
    # pytest's tmp folders are private to root; the server needs a folder it owns.
    folder = pathlib.Path(tempfile.mkdtemp(prefix="fraudops-pg-"))
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_postgres:
        shutil.chown(folder, "postgres", "postgres")
    data, port = folder / "data", free_port()
    subprocess.run(
        [*as_postgres, str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            *as_postgres,
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(folder / "log"),
            "-w",
            "-o",
            f"-p {port} -h 127.0.0.1 -k {folder}",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        subprocess.run(
            [
                *as_postgres,
                str(PG_BIN / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "postgres",
                "mlflow",
            ],
            check=True,
            capture_output=True,
        )
        yield f"postgresql+psycopg2://postgres@127.0.0.1:{port}/mlflow"
    finally:
        subprocess.run(
            [*as_postgres, str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)


def _train_against(
    uri: str,
    workspace: pathlib.Path,
    params: Params,
    monkeypatch: pytest.MonkeyPatch,
    out: pathlib.Path,
) -> str:
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    train(
        params=params,
        train_path=workspace / "data/processed/train.parquet",
        bundle_dir=out / "bundle",
        tuning_out=out / "tuning.json",
    )
    run_id = load_bundle(out / "bundle").contract.mlflow_run_id
    assert run_id
    return run_id


def _assert_run_reads_back(uri: str, run_id: str, params: Params) -> None:
    import mlflow

    client = mlflow.MlflowClient(tracking_uri=uri)
    run = client.get_run(run_id)
    assert run.info.status == "FINISHED"
    assert run.data.params["classifier"] == params.train.classifier
    assert "validation_average_precision" in run.data.metrics
    assert run.data.tags["data_hash"]
    assert run.data.tags["git_commit"]
    with use_tracking(uri):
        model = mlflow.pyfunc.load_model(f"runs:/{run_id}/model")
    assert model.metadata.signature is not None
    artifacts = {a.path for a in client.list_artifacts(run_id)}
    assert {"contract.json", "tuning.json"} <= artifacts


def test_train__logs_to_mlflow_server_with_sqlite(
    tmp_path: pathlib.Path,
    trained_workspace: pathlib.Path,
    small_params: Params,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with mlflow_server(f"sqlite:///{tmp_path / 'server.db'}", tmp_path) as uri:
        run_id = _train_against(uri, trained_workspace, small_params, monkeypatch, tmp_path)
        _assert_run_reads_back(uri, run_id, small_params)


@pytest.mark.skipif(
    PG_BIN is None,
    reason="PostgreSQL server binaries (initdb, pg_ctl) are not installed on this machine",
)
def test_train__logs_to_mlflow_server_with_postgres(
    tmp_path: pathlib.Path,
    trained_workspace: pathlib.Path,
    small_params: Params,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with postgres(tmp_path) as backend, mlflow_server(backend, tmp_path) as uri:
        run_id = _train_against(uri, trained_workspace, small_params, monkeypatch, tmp_path)
        _assert_run_reads_back(uri, run_id, small_params)
